#!/usr/bin/env bash
# A study file locked by another process for longer than WS_DB_BUSY_S just as train-trial
# finishes a trial: the trial stays RUNNING and the exit status is 3 ("could not write the
# study"), as before; but the training's result was lost with it (no result line, and a message
# telling to run train-trial again, which trains the trial all over), until a later suggest failed
# the trial as stale. Now the result line is printed all the same (the trial's state, value and
# metrics, not stored), and the message says so (keeping the store's "set WS_DB_BUSY_S to wait
# longer", still right for the later trials and the tell) and gives the tell command that records it; run
# once the lock is gone, that command finishes the trial as the line says (read back by Optuna 3.1).
# The moment: an LD_PRELOAD shim makes pthread_join (the heartbeat's stop, just before the result
# is written) take 1.5 s, and a Python sqlite3 connection takes BEGIN EXCLUSIVE as soon as the
# trial's last intermediate value (of 6 epochs) is in, holding it 4 s.
# runner: waits (its study held locked past WS_DB_BUSY_S)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
slow_join_shim "result-line-printed" || exit 0
asan=$(asan_lib train-trial) || asan=
make_tone_cache tones
# a study name and a folder that the shell must be given quoted
tone_study_config c0.json
# macro F1 (2/3 after 6 epochs) with accuracy at least 0.7: numbers that are no short binary fractions
jq '.budget.epochs = 6 | .study = "tone'"'"'s study" | .objective = "macro_f1" | .constraints = {"accuracy": {"min": 0.7}}' c0.json >c.json
mkdir "my runs"
db="my runs/s.db"
suggest --db "$db" --config c.json >line
/usr/bin/python3 "$WS_ROOT/tests/cli/hold-study-lock.py" "$db" "sql:SELECT count(*) >= 6 FROM trial_intermediate_values" 4 >held &
holder=$!
test_expect_code 3 "the study locked as the trial finishes (WS_DB_BUSY_S=1): exit 3" \
  env WS_DB_BUSY_S=1 LD_PRELOAD="$asan${asan:+ }$TMP/join.so" timeout 60 train-trial --db "$db" --features tones.feat --threads 1 --quiet line
wait "$holder"
cp out result; cp err result.err
test_expect_success "... the lock was held then (the test's own check)" 'grep -qx held held'
test_expect_success "result-line-printed: the result line on stdout: its state, value and metrics" \
  'jq -e "(.study == \"tone'"'"'s study\") and .trial == 0 and .state == \"COMPLETE\" and (.value | type) == \"number\" and (.metrics.macro_f1 | type) == \"number\" and .metrics.macro_f1 == .value" result'
test_expect_success "... the trial is left RUNNING, no value stored" \
  '[ "$(sqlite3 "$db" "SELECT state FROM trials WHERE number = 0")" = RUNNING ] && [ "$(sqlite3 "$db" "SELECT count(*) FROM trial_values")" = 0 ]'
test_expect_success "... the message names the file and the lock, says the result is not stored, and not to run train-trial again" \
  'grep -q "^train-trial: my runs/s.db: beginning a write transaction: database is locked: another process held the lock for longer than the 1 s this tool waits (WS_DB_BUSY_S)" result.err &&
   grep -q "trial 0.s result is not stored (the trial stays RUNNING): its result line is on stdout" result.err && ! grep -q "run it again" result.err'
test_expect_success "... and still says to set WS_DB_BUSY_S to wait longer (for the later trials, and for tell), before the tell command" \
  'grep -q "this tool waits (WS_DB_BUSY_S); set WS_DB_BUSY_S to wait longer; trial 0.s result is not stored .* with: tell --db " result.err'
sed -n 's/.* with: \(tell --db .*\)$/\1/p' result.err >tell.sh
test_expect_success "... and ends with the tell command that records it: state, the line's value, a constraint" \
  '[ "$(wc -l <tell.sh)" = 1 ] && v=$(sed -n "s/.* --state complete --value \([^ ]*\) --constraint [^ ]*$/\1/p" tell.sh) &&
   [ -n "$v" ] && jq -e --argjson v "$v" ".value == \$v" result'
test_expect_code 0 "that tell command, run as given once the lock is gone" bash -c '[ -s tell.sh ] && exec bash tell.sh'
test_expect_success "... prints tell's line: COMPLETE, the value of train-trial's line" \
  'jq -e --argjson v "$(jq .value result)" ".state == \"COMPLETE\" and .value == \$v and .trial == 0" out'
need_python "optuna-reads-it" optuna
cat >read.py <<'P'
import json, sys, optuna
line = json.load(open(sys.argv[2]))
t = optuna.load_study(study_name=line["study"], storage="sqlite:///" + sys.argv[1]).trials[0]
assert t.state == optuna.trial.TrialState.COMPLETE, t.state
assert t.value == line["value"], (t.value, line["value"])
c = t.system_attrs["constraints"]
assert c == [0.7 - line["metrics"]["accuracy"]], (c, line["metrics"]["accuracy"])
P
test_expect_code 0 "optuna-reads-it: Optuna 3.1 reads trial 0 COMPLETE with the line's value and constraint (0.7 - accuracy)" \
  "$PY" read.py "$db" result
