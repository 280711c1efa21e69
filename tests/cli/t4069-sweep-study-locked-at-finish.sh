#!/usr/bin/env bash
# A sweep's trial whose study is locked by another process past WS_DB_BUSY_S just as train-trial
# stores its result: train-trial prints the result line all the same, exits 3 and ends its
# message with the tell command that records it (t4067). pipelines/trial.sh took that 3 for a
# crash: it told the trial FAIL ("train-trial exited with status 3") as soon as the study was
# free, so the training's result was thrown away, and the tell command the message (on make's
# stderr) said to run was then refused, the trial finished. Now trial.sh records the result
# itself (state, value, the line's constraints, reason, as that tell command would), keeps
# train-trial's line (with its metrics) as the trial's file, and says so in place of the command;
# where the study stays locked for that tell too, it says that it could not, leaves the trial
# RUNNING and its target unmade (as for any failure it cannot tell), and the message's command
# still records it.
# The moment, as in t4067: train-trial (through a BIN shim) preloads a shim whose pthread_join (the
# heartbeat's stop, just before the result is written) takes 1.5 s, and a Python sqlite3 connection
# takes BEGIN EXCLUSIVE as soon as the trial's last intermediate value (of 6 epochs) is in.
# runner: waits (its study held locked past WS_DB_BUSY_S)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
slow_join_shim "sweep-records-the-result" || exit 0
asan=$(asan_lib train-trial) || asan=
make_tone_cache tones
tone_sweep_config c0.json locked 6
# macro F1 with accuracy at least 0.1: a constraint value that is no short binary fraction, and
# feasible, so that the trial is the best, its weights best.ckpt
jq '.objective = "macro_f1" | .constraints = {"accuracy": {"min": 0.1}}' c0.json >c.json
# train-trial alone waits 1 s for a lock and meets the shim; the sweep's other tools do neither
bin_but b train-trial
cat >b/train-trial <<SH
#!/usr/bin/env bash
exec env WS_DB_BUSY_S=1 LD_PRELOAD="$asan${asan:+ }$TMP/join.so" "$WS_BIN/train-trial" "\$@"
SH
chmod +x b/train-trial
# the moment hold-study-lock.py takes the study's lock: its trial's 6 intermediate values are in
six="sql:SELECT count(*) >= 6 FROM trial_intermediate_values"
# study_value DB: the value of the study's one trial, with every digit a double holds
study_value() { sqlite3 "$1" "SELECT printf('%.17g', value) FROM trial_values"; }
trial_make() {
  local runs=$1; shift
  timeout 120 make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$TMP/b" DATA="$TMP/tones/manifest.jsonl" \
    FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 THREADS=1 DEVICE=cpu RUNS="$TMP/$runs" MONITOR_INTERVAL=0.2 "$@"
}
busy_make() { WS_DB_BUSY_S=1 trial_make "$@"; }   # every tool waits 1 s for a lock

# the lock held 4 s: past train-trial's 1 s, not past the sweep's tell (60 s)
mkdir r
/usr/bin/python3 "$WS_ROOT/tests/cli/hold-study-lock.py" r/study.db "$six" 4 >held &
holder=$!
test_expect_code 0 "sweep-records-the-result: make sweep, the study locked as the trial finishes" trial_make r sweep
wait "$holder"
cp err sweep.err
test_expect_success "... the lock was held then (the test's own check), and train-trial met it (its message passed on)" \
  'grep -qx held held && grep -q "^train-trial: .*r/study.db: beginning a write transaction: database is locked" sweep.err'
test_expect_success "... the trial file is train-trial's result line: COMPLETE, its value, metrics and constraints" \
  'jq -e ".trial == 0 and .state == \"COMPLETE\" and (.value | type) == \"number\" and .metrics.macro_f1 == .value
          and .constraints == [0.1 - .metrics.accuracy]" r/trial-000.json'
test_expect_success "... the study holds it: trial 0 COMPLETE with the file's value" \
  '[ "$(sqlite3 r/study.db "SELECT state FROM trials WHERE number = 0")" = COMPLETE ] &&
   jq -e --argjson v "$(study_value r/study.db)" ".value == \$v" r/trial-000.json'
test_expect_success "... the message says the sweep recorded it, with no tell command left to run, and no FAIL" \
  'cat sweep.err >&2; grep -q "trial 0.s result, not stored by train-trial, was recorded by the sweep" sweep.err &&
   ! grep -q "with: tell" sweep.err && ! grep -q "exited with status 3" sweep.err'
test_expect_success "... best.ckpt is the trial's weights (the study's best)" \
  '[ -s r/best.ckpt ] && cmp -s r/best.ckpt r/trial-0.ckpt'

# the lock held past the sweep's tell too (WS_DB_BUSY_S=1 for every tool): the trial stays RUNNING
mkdir r2
/usr/bin/python3 "$WS_ROOT/tests/cli/hold-study-lock.py" r2/study.db "$six" file:release >held2 &
holder=$!
test_expect_code 0 "still locked for the sweep's tell: make of the trial target" \
  busy_make r2 "$TMP/r2/trial-000.json"
cp err target.err
test_expect_success "... the trial file unmade, the trial RUNNING, not FAIL" \
  'grep -qx held held2 && [ ! -e r2/trial-000.json ] &&
   [ "$(sqlite3 r2/study.db "SELECT state FROM trials WHERE number = 0")" = RUNNING ]'
test_expect_success "... the message says the sweep could not record it either, and keeps train-trial's tell command" \
  'cat target.err >&2; grep -q "could not record trial 0.s result either" target.err && grep -q "^tell: .*database is locked" target.err &&
   [ "$(sed -n "s/.* with: \(tell --db .*\)$/\1/p" target.err | wc -l)" = 1 ]'
touch release
wait "$holder"
sed -n 's/.* with: \(tell --db .*\)$/\1/p' target.err >tell.sh
test_expect_code 0 "... that tell command, run as given once the lock is gone" bash -c '[ -s tell.sh ] && exec bash tell.sh'
test_expect_code 0 "... then make of the target again" trial_make r2 "$TMP/r2/trial-000.json"
test_expect_success "... makes the file from the study (COMPLETE, told), training nothing again" \
  'jq -e ".trial == 0 and .state == \"COMPLETE\" and (.value | type) == \"number\"" r2/trial-000.json &&
   [ "$(sqlite3 r2/study.db "SELECT count(*) FROM trials")" = 1 ]'

need_python "optuna-reads-it" optuna
cat >read.py <<'P'
import json, sys, optuna
line = json.load(open(sys.argv[2]))
t = optuna.load_study(study_name="locked", storage="sqlite:///" + sys.argv[1]).trials[0]
assert t.state == optuna.trial.TrialState.COMPLETE, t.state
assert t.value == line["value"], (t.value, line["value"])
c = t.system_attrs["constraints"]
assert c == [0.1 - line["metrics"]["accuracy"]], (c, line["metrics"]["accuracy"])
P
test_expect_code 0 "optuna-reads-it: Optuna 3.1 reads the sweep's trial 0 COMPLETE with the file's value and constraint (0.1 - accuracy)" \
  "$PY" read.py r/study.db r/trial-000.json
