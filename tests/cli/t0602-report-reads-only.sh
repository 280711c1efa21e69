#!/usr/bin/env bash
# report and study-copy's source side only read: a study file stays byte for byte as it was
# (an Optuna-made one keeps journal_mode delete), also when report refuses it (unknown study,
# multi-objective, empty, not a study); a writable file in a directory the reader may not write
# is read; a WAL file that a live writer holds is read with what the writer committed.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 3 >/dev/null
tell --db s.db --study kws --trial 0 --state complete --value 0.7 >/dev/null
tell --db s.db --study kws --trial 1 --state pruned >/dev/null
# a file as Optuna leaves it: SQLAlchemy's default rollback journal, not WAL
sqlite3 s.db 'PRAGMA journal_mode=delete' >/dev/null
sum() { sha1sum "$1" | cut -d' ' -f1; }
before=$(sum s.db)
unchanged() {  # FILE SUM: the file has that sum and no -wal, -shm or -journal beside it
  [ "$(sum "$1")" = "$2" ] && ! ls "$1"-* >/dev/null 2>&1
}

test_expect_code 0 "text" report --db s.db
test_expect_code 0 "html" report --db s.db --format html
test_expect_code 0 "--best" report --db s.db --best
test_expect_code 2 "an unknown study" report --db s.db --study nope
test_expect_success "... every run left the file byte for byte, in its journal mode" '
  unchanged s.db "$before" && [ "$(sqlite3 s.db "PRAGMA journal_mode")" = delete ]'
test_expect_code 0 "study-copy from it" study-copy --from s.db --to copy.db
test_expect_success "... leaves the source byte for byte" 'unchanged s.db "$before"'

cp s.db mo.db
sqlite3 mo.db "PRAGMA journal_mode=delete; INSERT INTO study_directions (direction, study_id, objective) VALUES ('MINIMIZE', 1, 1)" >/dev/null
mo=$(sum mo.db)
test_expect_code 2 "a multi-objective study is refused" report --db mo.db
test_expect_success "... and left as it was" 'unchanged mo.db "$mo" && grep -q "2 objectives" err'
: >empty.db
test_expect_code 2 "an empty file is not a study" report --db empty.db
test_expect_success "... and stays empty" '[ ! -s empty.db ] && ! ls empty.db-* >/dev/null 2>&1'
sqlite3 other.db 'CREATE TABLE t (x); INSERT INTO t VALUES (1)'
other=$(sum other.db)
test_expect_code 2 "an SQLite file without Optuna's tables" report --db other.db
test_expect_success "... is left as it was" 'unchanged other.db "$other" && grep -q "not a study database" err'

py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
if "$PY" -c 'import optuna' 2>/dev/null; then
  "$PY" - <<'P'
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="o", storage="sqlite:///o.db", sampler=optuna.samplers.RandomSampler(seed=0))
for i in range(3):
    t = s.ask(); s.tell(t, t.suggest_float("x", 0, 1))
P
  o=$(sum o.db)
  test_expect_code 0 "a study Optuna made" report --db o.db --format json
  test_expect_success "... is read and left byte for byte" '[ "$(jq .n_trials out)" = 3 ] && unchanged o.db "$o"'
else
  test_skip "a study Optuna made" "python3-optuna is not installed (make deps installs it)"
fi

# A writable study file in a directory the reader may not write: no -wal, -shm or journal can
# go there, and none is needed to read. Root writes every directory, so as root the reader is
# nobody.
as_reader() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
report --db s.db --format jsonl >all.jsonl
ro=$(mktemp -d "${TMPDIR:-/tmp}/ws-ro.XXXXXX") && cp s.db "$ro/d.db" && cp s.db "$ro/w.db" && cp "$WS_BIN/report" "$ro/"
sqlite3 "$ro/w.db" 'PRAGMA journal_mode=wal' >/dev/null
chmod 666 "$ro/d.db" "$ro/w.db"
wsum=$(sum "$ro/w.db")
chmod 555 "$ro"
test_expect_code 0 "a writable file in a directory the reader may not write" as_reader "$ro/report" --db "$ro/d.db" --format jsonl
test_expect_success "... is read whole and left as it was" 'cmp out all.jsonl && unchanged "$ro/d.db" "$before"'
test_expect_code 0 "... also in WAL mode" as_reader "$ro/report" --db "$ro/w.db" --format jsonl
test_expect_success "... read whole and left as it was" 'cmp out all.jsonl && unchanged "$ro/w.db" "$wsum"'
chmod 755 "$ro"; rm -rf "$ro"

# A live writer: a connection that keeps the WAL from being folded back while tell commits, so
# what tell wrote is only in s.db-wal. The reader must see it (an immutable open would not).
if "$PY" -c 'import sqlite3' 2>/dev/null; then
  cp s.db live.db && sqlite3 live.db 'PRAGMA journal_mode=wal' >/dev/null
  "$PY" - live.db <<'P' &
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA wal_autocheckpoint=0")
c.execute("SELECT count(*) FROM trials").fetchall()
open("holding", "w").close()
for _ in range(600):
    if os.path.exists("done"): break
    time.sleep(0.05)
P
  holder=$!
  for _ in $(seq 400); do [ -e holding ] && break; sleep 0.05; done
  tell --db live.db --study kws --trial 2 --state complete --value 0.9 >/dev/null
  test_expect_code 0 "a WAL file a live writer holds" report --db live.db --format jsonl
  test_expect_success "... shows what the writer committed, still only in its WAL" '
    [ -s live.db-wal ] && [ "$(jq -r "select(.trial == 2) | .state" out)" = COMPLETE ]'
  touch done; wait "$holder"
  test_expect_success "... and when the last one closes, the WAL is folded back" '
    report --db live.db >/dev/null && ! ls live.db-* >/dev/null 2>&1 &&
    [ "$(sqlite3 live.db "SELECT state FROM trials WHERE number = 2")" = COMPLETE ]'
else
  test_skip "a WAL file a live writer holds" "no python3 with sqlite3"
fi

# A WAL study file another user may read but not write, in a folder that user may write: report
# reads it and leaves no -wal or -shm behind (SQLite would make them with the file's read-only
# mode and never remove them: the study's own writers then found its shared memory read-only).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  ro=$(mktemp -d /tmp/ws-ro.XXXXXX) && chmod 755 "$ro"
  cp "$WS_ROOT/tests/cli/study.json" "$ro/c.json"
  suggest --db "$ro/s.db" --config "$ro/c.json" --n 2 >/dev/null
  suggest --db "$ro/s.db" --config "$ro/c.json" --tag t2 >/dev/null
  tell --db "$ro/s.db" --study kws --trial 2 --state fail --reason gone >/dev/null
  chmod 444 "$ro/s.db" && chown -R nobody "$ro"
  test_expect_code 0 "a read-only WAL file in a folder the reader may write" \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$WS_BIN/report" --db "$ro/s.db"
  test_expect_success "... is read, with nothing left beside it" 'grep -q "3 trials" out && ! ls "$ro"/s.db-* >/dev/null 2>&1'
  test_expect_code 0 "... and train-trial --result-of, which only reads, reads it too" \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$WS_BIN/train-trial" --db "$ro/s.db" --result-of t2
  test_expect_success "... giving the trial's line" 'jq -e ".trial == 2 and .reason == \"gone\"" out && ! ls "$ro"/s.db-* >/dev/null 2>&1'
  chmod 644 "$ro/s.db"
  test_expect_code 0 "... and once writable again, its owner writes to it" \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$WS_BIN/tell" --db "$ro/s.db" --study kws --trial 1 --state fail
  rm -rf "$ro"
else
  test_skip "a read-only WAL file in a folder the reader may write" "needs root and setpriv to read as another user"
fi
test_expect_code 2 "study-copy refuses the multi-objective study" study-copy --from mo.db --to mo-copy.db
test_expect_success "... the source left as it was, no copy made; report.1 and study-copy.1 say so" '
  unchanged mo.db "$mo" && grep -q "2 objectives" err && [ ! -e mo-copy.db ] &&
  for p in report study-copy; do
    sed -n "/^.SH EXIT STATUS/,/^.SH/p" "$WS_ROOT/share/man/man1/$p.1" | grep -q "multi-objective Optuna study" || exit 1
  done'
