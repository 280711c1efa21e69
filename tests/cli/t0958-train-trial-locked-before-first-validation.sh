#!/usr/bin/env bash
# A trial that ends before its first validation (here out of --max-seconds in its first batch:
# FAIL, "time limit") in a fresh study, whose study file another process locks past
# WS_DB_BUSY_S as it ends: the result line and the tell command of t4067 were not given, as the
# study's first record of the data the trials train on (which a validation makes, and a trial
# without one makes at its end) met the lock before the result was stored: exit 3, no result
# line, the store's "run it again" (which trains the trial all over), and the trial RUNNING until
# a later suggest failed it as stale without its reason. Now that write's failure is said as
# finish's is: the result line (FAIL, the reason) on stdout, the tell command that records it, and
# the data left to the next trial to record (this one has no value to compare).
# The moment: an LD_PRELOAD shim makes pthread_join (the heartbeat's stop, once training ends)
# take 1.5 s and, the first time, make a file, on which a Python sqlite3 connection takes BEGIN
# EXCLUSIVE, held 6 s.
# runner: waits (its study held locked past WS_DB_BUSY_S)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
slow_join_shim "result-line-printed" || exit 0
asan=$(asan_lib train-trial) || asan=
make_tone_cache tones
tone_study_config c.json
mkdir runs
db=runs/s.db
suggest --db "$db" --config c.json >line
/usr/bin/python3 "$WS_ROOT/tests/cli/hold-study-lock.py" "$db" file:joining 6 >held &
holder=$!
test_expect_code 3 "the study locked as a trial without a validation ends (WS_DB_BUSY_S=1): exit 3" \
  env JOIN_MARK="$TMP/joining" WS_DB_BUSY_S=1 LD_PRELOAD="$asan${asan:+ }$TMP/join.so" timeout 60 \
  train-trial --db "$db" --features tones.feat --threads 1 --max-seconds 0.001 --quiet line
wait "$holder"
cp out result; cp err result.err
test_expect_success "... the lock was held then (the test's own check), and met: the message names it" \
  'grep -qx held held && grep -q "^train-trial: runs/s.db: beginning a write transaction: database is locked" result.err'
test_expect_success "result-line-printed: the result line on stdout: FAIL, no value, no validation, the time limit" \
  'jq -e ".trial == 0 and .state == \"FAIL\" and .value == null and .best_epoch == null and .reason == \"time limit: more than 0.001 s\"" result'
test_expect_success "... the trial is left RUNNING, nothing of it stored, nor the data" \
  '[ "$(sqlite3 "$db" "SELECT state FROM trials WHERE number = 0")" = RUNNING ] &&
   [ "$(sqlite3 "$db" "SELECT count(*) FROM trial_system_attributes WHERE key = \"wakesweep:reason\"")" = 0 ]'
test_expect_success "... the message says the result is not stored, and not to run train-trial again" \
  'grep -q "trial 0.s result is not stored (the trial stays RUNNING): its result line is on stdout" result.err &&
   ! grep -q "run it again" result.err'
sed -n 's/.* with: \(tell --db .*\)$/\1/p' result.err >tell.sh
test_expect_success "... and ends with the tell command that records it: FAIL with the line's reason" \
  'cat tell.sh >&2; [ "$(wc -l <tell.sh)" = 1 ] && grep -q " --state fail --reason .time limit: more than 0.001 s.$" tell.sh'
test_expect_code 0 "that tell command, run as given once the lock is gone" bash -c '[ -s tell.sh ] && exec bash tell.sh'
need_python "optuna-reads-it" optuna
cat >read.py <<'P'
import json, sys, optuna
line = json.load(open(sys.argv[2]))
t = optuna.load_study(study_name="tones", storage="sqlite:///" + sys.argv[1]).trials[0]
assert t.state == optuna.trial.TrialState.FAIL, t.state
assert t.value is None, t.value
assert t.system_attrs["wakesweep:reason"] == line["reason"], t.system_attrs
P
test_expect_code 0 "optuna-reads-it: Optuna 3.1 reads trial 0 FAIL with the line's reason" "$PY" read.py "$db" result
# the data is recorded by the study's next trial, which trains as any
suggest --db "$db" --config c.json >line2
test_expect_code 0 "the study's next trial trains" train-trial --db "$db" --features tones.feat --threads 1 --quiet line2
test_expect_success "... and records the data its trials train on" \
  '[ "$(sqlite3 "$db" "SELECT count(*) FROM study_system_attributes WHERE key LIKE \"%data%\"")" = 1 ]'
