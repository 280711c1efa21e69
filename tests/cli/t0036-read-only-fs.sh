#!/usr/bin/env bash
# Every tool's outputs on a read-only file system (a tmpfs remounted ro, as root): the study's
# writers (suggest, tell, prune-check, train-trial, gpu-monitor --db) refuse a study file there as
# a read-only database, exit 2, and leave it as it was; a new study file, a feature cache or a
# checkpoint that cannot be created there is refused naming the file and why (exit 2); report
# still reads the study. A WAL-mode study (every study the tools made) said "setting WAL mode:
# unable to open database file" (gpu-monitor: exit 3), and a new one "open: unable to open
# database file": neither said what was wrong.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

ro=$TMP/ro
if [ "$(id -u)" != 0 ]; then
  test_skip read-only-fs "needs root to mount a tmpfs"
  exit 0
fi
mkdir "$ro"
if ! mount -t tmpfs -o size=2m tmpfs "$ro" 2>mount.err; then
  test_skip read-only-fs "mount -t tmpfs failed (a container that may not mount?): $(head -c 200 mount.err)"
  exit 0
fi
trap 'cd /; umount "$ro" 2>/dev/null; [ -n "${WS_KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT

cp "$WS_ROOT/tests/cli/study.json" c.json

# A study file the user may not write (another user's, mode 644, in a folder both may write):
# suggest, gpu-monitor refused it (exit 2) only after SQLite had made its -wal and -shm there,
# the user's own and with the file's mode, and left them: the study's owner could then not write
# the study at all ("beginning a write transaction: the database is read-only") until someone
# removed them. Now refused before anything is made. Root writes everything: the users here are
# nobody and daemon, the tools copied to a folder they may enter.
shared=$(mktemp -d "${TMPDIR:-/tmp}/ws-shared.XXXXXX") && chmod 777 "$shared" &&
  cp "$WS_BIN/suggest" "$WS_BIN/gpu-monitor" c.json "$shared/" && chmod 644 "$shared/c.json"
as() { local u=$1; shift; (cd "$shared" && runuser -u "$u" -- "$@"); }
if id daemon >/dev/null 2>&1 && id nobody >/dev/null 2>&1 && as daemon ./suggest --db o.db --config c.json >/dev/null 2>&1; then
  chmod 644 "$shared/o.db"
  test_expect_code 2 "suggest on another user's study" as nobody ./suggest --db o.db --config c.json
  test_expect_success "... the database is read-only, no -wal or -shm made" '
    grep -qx "suggest: o.db: .*the database is read-only (Permission denied)" err && [ "$(ls "$shared")" = "$(printf "c.json\ngpu-monitor\no.db\nsuggest")" ]'
  test_expect_code 2 "gpu-monitor on it" as nobody ./gpu-monitor --nvml-library /nonexistent/libnvidia-ml.so.1 -q -n 1 --db o.db
  test_expect_success "... the same" '
    grep -qx "gpu-monitor: o.db: .*the database is read-only (Permission denied)" err && [ "$(ls "$shared")" = "$(printf "c.json\ngpu-monitor\no.db\nsuggest")" ]'
  test_expect_code 0 "its owner goes on writing it" as daemon ./suggest --db o.db --config c.json
else
  test_skip "another user's study" "needs the users daemon and nobody"
fi
rm -rf "$shared"

suggest --db "$ro/s.db" --config c.json --n 3 >lines
tell --db "$ro/s.db" --study kws --trial 0 --state complete --value 0.5
snap() { sqlite3 "$ro/s.db" "SELECT number, state FROM trials ORDER BY number; SELECT count(*) FROM trial_intermediate_values"; }
before=$(snap)
if ! mount -o remount,ro "$ro" 2>mount.err; then
  test_skip read-only-fs "mount -o remount,ro failed: $(head -c 200 mount.err)"
  exit 0
fi

# said as suggest(1) says a read-only database: "FILE: ...: the database is read-only", and why
ro_said() { grep -q "^$1: $ro/s.db: .*the database is read-only (Read-only file system)$" err; }
test_expect_code 2 suggest suggest --db "$ro/s.db" --config c.json
test_expect_success "suggest: the database is read-only" 'ro_said suggest && [ ! -s out ]'
test_expect_code 2 tell tell --db "$ro/s.db" --study kws --trial 1 --state fail
test_expect_success "tell: the database is read-only" 'ro_said tell'
test_expect_code 2 prune-check prune-check --db "$ro/s.db" --study kws --trial 1 --step 1 --value 0.3
test_expect_success "prune-check: the database is read-only" 'ro_said prune-check && [ ! -s out ]'
test_expect_code 2 train-trial sh -c 'sed -n 3p lines | train-trial --db "$1" --features none.feat --quiet' sh "$ro/s.db"
test_expect_success "train-trial: the database is read-only" 'ro_said train-trial && [ ! -s out ]'
test_expect_code 2 gpu-monitor gpu-monitor --nvml-library /nonexistent/libnvidia-ml.so.1 -q -n 1 --db "$ro/s.db"
test_expect_success "gpu-monitor: the database is read-only" 'ro_said gpu-monitor'
test_expect_code 0 "report reads it" report --db "$ro/s.db" --format jsonl
test_expect_success "... all its trials" '[ "$(jq -s length out)" = 3 ]'

# a file that cannot be created there: its name and why
test_expect_code 2 "suggest: a new study file" suggest --db "$ro/new.db" --config c.json
test_expect_success "... cannot be created" 'grep -qx "suggest: $ro/new.db: cannot create: Read-only file system" err'
test_expect_code 2 "study-copy --to a new file" study-copy --from "$ro/s.db" --to "$ro/new.db"
test_expect_success "... cannot be created" 'grep -qx "study-copy: --to $ro/new.db: cannot create: Read-only file system" err'
test_expect_code 2 "gpu-monitor: a new study file" gpu-monitor --nvml-library /nonexistent/libnvidia-ml.so.1 -q -n 1 --db "$ro/new.db"
test_expect_success "... cannot be created" 'grep -qx "gpu-monitor: $ro/new.db: cannot create: Read-only file system" err'
mkdir -p corpus/yes corpus/no
for i in 0 1; do
  sox -R -n -r 16000 -b 16 -c 1 corpus/yes/a$i.wav synth 0.5 sine 500 vol 0.3
  sox -R -n -r 16000 -b 16 -c 1 corpus/no/b$i.wav synth 0.5 sine 900 vol 0.3
done
test_expect_code 2 "featurize: a cache there" featurize -q -o "$ro/c.feat" corpus
test_expect_success "... cannot be created" 'grep -qx "featurize: $ro/c.feat: cannot create: Read-only file system" err'
make_tone_cache tones
tone_study_config t.json
suggest --db t.db --config t.json >line
test_expect_code 2 "train-trial: checkpoints there" train-trial --db t.db --features tones.feat --ckpt-dir "$ro" --threads 1 --quiet line
test_expect_success "... said before training, the trial FAIL" '
  grep -q "^train-trial: --ckpt-dir $ro: cannot write checkpoints there: Read-only file system" err &&
  [ "$(sqlite3 t.db "SELECT state FROM trials WHERE number = 0")" = FAIL ]'

test_expect_success "nothing was left there" '[ "$(ls -A "$ro")" = s.db ]'
mount -o remount,rw "$ro"
test_expect_success "the study as it was" '[ "$(snap)" = "$before" ] && [ "$(sqlite3 "$ro/s.db" "PRAGMA integrity_check")" = ok ]'
test_expect_success "Optuna 3.1 loads it" "$PY - '$ro/s.db' <<'PY'
import sys, optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
s = optuna.load_study(study_name='kws', storage='sqlite:///' + sys.argv[1])
assert [t.state.name for t in s.trials] == ['COMPLETE', 'RUNNING', 'RUNNING'] and s.best_value == 0.5, s.trials
PY"
