#!/usr/bin/env bash
# tell --result FILE: train-trial's result line recorded whole. A result the study did not take
# (locked past WS_DB_BUSY_S as it was stored: exit 3, the line on stdout, t4067) was recorded by
# tell's --state/--value/--constraint/--reason alone, so the study kept no "metrics", "seconds"
# or "steps_trained", which report's breakdown and train-trial --result-of read. Now the line
# itself is told, and the study's rows are those of train-trial's own finish: the same trial
# trained in a second study of the same config (same seed, same line) and stored there by
# train-trial has the same trial_values, trial_system_attributes and trial_user_attributes,
# the seconds' timings aside (their keys compared); Optuna 3.1 reads them. A line tell cannot
# take is refused, exit 2, naming the field, the study unchanged.
# The moment, as in t4067: pthread_join (the heartbeat's stop, just before the result is
# written) made 1.5 s long, and a Python sqlite3 connection taking BEGIN EXCLUSIVE once the
# trial's last intermediate value is in.
# runner: waits (its study held locked past WS_DB_BUSY_S)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
slow_join_shim "tell-result" || exit 0
asan=$(asan_lib train-trial) || asan=
make_tone_cache tones
tone_study_config c0.json
# accuracy at least 0.7: a constraint value to keep
jq '.budget.epochs = 2 | .constraints = {"accuracy": {"min": 0.7}}' c0.json >c.json
mkdir a b
suggest --db a/s.db --config c.json >line.a
suggest --db b/s.db --config c.json >line.b
test_expect_code 0 "study a: the trial stored by train-trial itself" \
  train-trial --db a/s.db --features tones.feat --threads 1 --quiet line.a
cp out a.result
/usr/bin/python3 "$WS_ROOT/tests/cli/hold-study-lock.py" b/s.db "sql:SELECT count(*) >= 2 FROM trial_intermediate_values" 4 >held &
holder=$!
test_expect_code 3 "study b: the same trial, the study locked as it finishes (WS_DB_BUSY_S=1): exit 3" \
  env WS_DB_BUSY_S=1 LD_PRELOAD="$asan${asan:+ }$TMP/join.so" timeout 60 \
  train-trial --db b/s.db --features tones.feat --threads 1 --quiet line.b
wait "$holder"
cp out result
test_expect_success "... the lock was held then (the test's own check), the trial RUNNING, the line on stdout" \
  'grep -qx held held && [ "$(sqlite3 b/s.db "SELECT state FROM trials")" = RUNNING ] &&
   jq -e ".state == \"COMPLETE\" and .trial == 0" result && cmp line.a line.b'

# the refusals first, while trial 0 of study b is RUNNING: each names the field, exit 2, and the
# study is as it was (checked after them)
rows_before=$(sqlite3 b/s.db "SELECT state FROM trials; SELECT count(*) FROM trial_values; SELECT count(*) FROM trial_user_attributes")
refused() {   # refused NAME FILE MESSAGE-REGEX [OPTIONS...]: tell --result FILE exits 2 saying MESSAGE
  local name=$1 file=$2 says=$3; shift 3
  test_expect_code 2 "$name: exit 2" tell --db b/s.db --result "$file" "$@"
  test_expect_success "... says: $says" 'grep -Eq "^tell: $says" err && [ "$(wc -l <err)" = 1 ]'
}
echo 'COMPLETE 0.9' >bad.notjson; refused "not JSON" bad.notjson "bad.notjson:1:[0-9]+: '\\[' or '\\{' expected near 'COMPLETE'"
cat result result >bad.two; refused "two lines" bad.two "bad.two: more than one result line"
echo '[1]' >bad.array; refused "not an object" bad.array "bad.array: expected a result line \(a JSON object\), got an array"
jq -c 'del(.state)' result >bad.f; refused "no state" bad.f 'bad.f: "state": missing'
jq -c '.state = 1' result >bad.f; refused "state a number" bad.f 'bad.f: "state": expected "COMPLETE", "PRUNED" or "FAIL", got an integer'
jq -c '.state = "RUNNING"' result >bad.f; refused "state RUNNING" bad.f 'bad.f: "state": expected "COMPLETE", "PRUNED" or "FAIL", got "RUNNING"'
jq -c '.value = "0.5"' result >bad.f; refused "value a string" bad.f 'bad.f: "value": expected a number or null, got a string'
jq -c '.value = null' result >bad.f; refused "COMPLETE without a value" bad.f 'bad.f: "value": a COMPLETE trial has one \(a number\), got null'
jq -c 'del(.value)' result >bad.f; refused "COMPLETE, no value key" bad.f 'bad.f: "value": missing \(a COMPLETE trial has one, a number\)'
jq -c '.state = "FAIL"' result >bad.f; refused "FAIL with a value" bad.f 'bad.f: "value": a FAIL trial keeps none \(null\)'
jq -c 'del(.trial)' result >bad.f; refused "no trial" bad.f 'bad.f: "trial": missing'
jq -c '.trial = 1.5' result >bad.f; refused "trial 1.5" bad.f 'bad.f: "trial": expected a trial number \(an integer >= 0\), got 1.5'
jq -c '.trial = -1' result >bad.f; refused "trial -1" bad.f 'bad.f: "trial": expected a trial number \(an integer >= 0\), got -1'
jq -c 'del(.study)' result >bad.f; refused "no study" bad.f 'bad.f: "study": missing'
jq -c '.study = 7' result >bad.f; refused "study a number" bad.f 'bad.f: "study": expected a study name \(a string\), got an integer'
jq -c '.metrics = [1]' result >bad.f; refused "metrics an array" bad.f 'bad.f: "metrics": expected an object or null, got an array'
jq -c '.seconds = 3' result >bad.f; refused "seconds a number" bad.f 'bad.f: "seconds": expected an object or null, got an integer'
jq -c '.constraints = ["x"]' result >bad.f; refused "a constraint a string" bad.f 'bad.f: "constraints\[0\]": expected a number, got a string'
jq -c '.epochs = "2"' result >bad.f; refused "epochs a string" bad.f 'bad.f: "epochs": expected a number >= 0 or null, got a string'
jq -c '.reason = 1' result >bad.f; refused "reason a number" bad.f 'bad.f: "reason": expected a string or null, got an integer'
refused "a line of another study than --study" result "result: the line is of study 'tones', not --study 'other'" --study other
refused "a line of another trial than --trial" result "result: the line is of trial 0, not --trial 3" --trial 3
jq -c '.study = "other"' result >bad.f; refused "a study the database does not hold" bad.f "bad.f: \"study\": no study 'other' in b/s.db"
test_expect_code 2 "a trial not RUNNING (study a's, stored by train-trial): exit 2" tell --db a/s.db --result result
test_expect_success "... says it is finished, as tell does" 'grep -qx "tell: trial 0: already COMPLETE, nothing changed" err' 
test_expect_code 2 "--result with --state" tell --db b/s.db --result result --state complete
test_expect_success "... says the line holds it" 'grep -q "^tell: --state and --result: the result line holds the state (give one or the other)$" err'
test_expect_success "... the study as it was after every refusal" \
  '[ "$(sqlite3 b/s.db "SELECT state FROM trials; SELECT count(*) FROM trial_values; SELECT count(*) FROM trial_user_attributes")" = "$rows_before" ]'

test_expect_code 0 "tell --result - (the line on stdin) records it" sh -c 'tell --db b/s.db --result - <result'
test_expect_success "... prints tell's line: COMPLETE, the value of train-trial's line" \
  'jq -e --argjson v "$(jq .value result)" ".state == \"COMPLETE\" and .value == \$v and .trial == 0 and .study == \"tones\"" out'
# rows DB: trial 0's value and attributes, the seconds' timings as their types (two runs take
# their own time), its pid and the pid's start (another process's) left out
rows() {
  sqlite3 "$1" "SELECT state FROM trials; SELECT 'value', value, value_type FROM trial_values;
                SELECT 'system', key, value_json FROM trial_system_attributes WHERE key NOT LIKE 'wakesweep:pid%' ORDER BY key;
                SELECT 'user', key, value_json FROM trial_user_attributes WHERE key != 'seconds' ORDER BY key"
  sqlite3 "$1" "SELECT value_json FROM trial_user_attributes WHERE key = 'seconds'" |
    jq -c 'with_entries(if (.key | IN("setup", "train", "eval", "total", "grown")) then .value |= type else . end)'
}
test_expect_success "... the study's rows are those train-trial stored for the same trial in study a" \
  'rows a/s.db >a.rows && rows b/s.db >b.rows && cat b.rows >&2 && cmp a.rows b.rows &&
   grep -q "^user|metrics|" b.rows && grep -q "^user|steps_trained|2$" b.rows && grep -q "^system|constraints|" b.rows &&
   grep -q "\"threads\":1" b.rows'
test_expect_success "... the seconds stored are the line's" \
  '[ "$(sqlite3 b/s.db "SELECT value_json FROM trial_user_attributes WHERE key = \"seconds\"" | jq -S -c .)" = "$(jq -S -c .seconds result)" ]'
test_expect_code 2 "told twice: refused" tell --db b/s.db --result result
test_expect_success "... says the trial is finished" 'grep -qx "tell: trial 0: already COMPLETE, nothing changed" err'

need_python "optuna-reads-it" optuna
cat >read.py <<'P'
import json, sys, optuna
line = json.load(open(sys.argv[2]))
t = optuna.load_study(study_name="tones", storage="sqlite:///" + sys.argv[1]).trials[0]
assert t.state == optuna.trial.TrialState.COMPLETE, t.state
assert t.value == line["value"], (t.value, line["value"])
assert t.user_attrs["metrics"] == line["metrics"], (t.user_attrs, line["metrics"])
assert t.user_attrs["seconds"] == line["seconds"], (t.user_attrs, line["seconds"])
assert t.user_attrs["steps_trained"] == line["epochs"] == 2, (t.user_attrs, line["epochs"])
assert t.system_attrs["constraints"] == line["constraints"] == [0.7 - line["metrics"]["accuracy"]], t.system_attrs
P
test_expect_code 0 "optuna-reads-it: Optuna 3.1 reads trial 0 COMPLETE with the line's value, metrics, seconds, steps and constraint" \
  "$PY" read.py b/s.db result
