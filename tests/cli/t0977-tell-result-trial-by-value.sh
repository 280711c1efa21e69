#!/usr/bin/env bash
# tell --result: a line's "trial" read by value, as train-trial reads a trial line's. A result
# line that passed through Python (json.dumps of a float: 2.0) was refused, "expected a trial
# number (an integer >= 0), got 2", an integer named as the fault, while train-trial takes that
# line's 2.0 for trial 2 (ws_json_get_int) and tell --result now alike; a fraction is still
# refused, named as written. The lines are written by /usr/bin/python3's json module, and
# Optuna 3.1 reads the trial told.
. "$WS_ROOT/tests/cli/lib.sh"
db=s.db
suggest --db "$db" --config "$WS_ROOT/tests/cli/study.json" --n 3 >lines
# line N VALUE [KEY=JSON...]: a COMPLETE result line of trial N (a float), as Python writes it
line() {
  "$PY" - "$@" <<'P'
import json, sys
d = {"study": "kws", "trial": float(sys.argv[1]), "state": "COMPLETE", "value": float(sys.argv[2])}
for kv in sys.argv[3:]:
    k, v = kv.split("=", 1)
    d[k] = json.loads(v)
print(json.dumps(d))
P
}
line 1 0.75 >r1.json
test_expect_success "the line as Python writes it: \"trial\": 1.0" 'grep -q "\"trial\": 1\.0," r1.json'
test_expect_code 0 "tell --result of a line whose trial is 1.0" tell --db "$db" --result r1.json
test_expect_success "... records trial 1 COMPLETE with the line's value, and prints trial 1" '
  [ "$(sqlite3 "$db" "SELECT state FROM trials WHERE number = 1")" = COMPLETE ] &&
  [ "$(sqlite3 "$db" "SELECT value FROM trial_values JOIN trials USING (trial_id) WHERE number = 1")" = 0.75 ] &&
  jq -e ".trial == 1 and .state == \"COMPLETE\"" out'
test_expect_code 2 "told again: refused" tell --db "$db" --result r1.json
test_expect_success "... as trial 1 already COMPLETE (the line read as trial 1)" 'grep -qx "tell: trial 1: already COMPLETE, nothing changed" err'
test_expect_code 2 "train-trial, given the same 1.0 in a trial line, reads trial 1 too (the reference for by value)" \
  sh -c "jq -c '{study, trial, params: {}}' r1.json | train-trial --db $db --features none.feat -"
test_expect_success "... and says it is COMPLETE" 'grep -q "trial 1 is COMPLETE, not RUNNING" err'
line 2 0.5 >r2.json
test_expect_code 2 "--trial 0 with a line of trial 2.0" tell --db "$db" --result r2.json --trial 0
test_expect_success "... refused naming trial 2" 'grep -qx "tell: r2.json: the line is of trial 2, not --trial 0" err'
test_expect_code 0 "--trial 2 with it" tell --db "$db" --result r2.json --trial 2
line 0 0.5 >r0.json
"$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); d["trial"] = 0.5; print(json.dumps(d))' r0.json >half.json
test_expect_code 2 "a line whose trial is 0.5" tell --db "$db" --result half.json
test_expect_success "... refused, naming the fraction" \
  'grep -qx "tell: half.json: \"trial\": expected a trial number (an integer >= 0), got 0.5" err'
"$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); d["trial"] = -1.0; print(json.dumps(d))' r0.json >neg.json
test_expect_code 2 "a line whose trial is -1.0" tell --db "$db" --result neg.json
test_expect_success "... refused" 'grep -qx "tell: neg.json: \"trial\": expected a trial number (an integer >= 0), got -1.0" err   # as written: the line says -1.0'
test_expect_success "trial 0 still RUNNING after the refusals" '[ "$(sqlite3 "$db" "SELECT state FROM trials WHERE number = 0")" = RUNNING ]'

need_python "optuna-reads-them" optuna
test_expect_code 0 "optuna-reads-them: Optuna 3.1 reads trials 1 and 2 COMPLETE with the lines' values, 0 RUNNING" \
  "$PY" -c 'import optuna
t = optuna.load_study(study_name="kws", storage="sqlite:///s.db").trials
assert [x.state.name for x in t] == ["RUNNING", "COMPLETE", "COMPLETE"], t
assert (t[1].value, t[2].value) == (0.75, 0.5), t'
