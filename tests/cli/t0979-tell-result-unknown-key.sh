#!/usr/bin/env bash
# tell --result: a key the result line does not have is refused, as train-trial refuses one in a
# trial line ("trial line: unknown key 'x'"). A line edited by hand with "contraints" (or
# "reasn", "metric") was told, exit 0, that key dropped without a word: the trial kept no
# constraints, and so read as feasible to Optuna. Now it is refused, exit 2, naming the key and
# the file, nothing changed; train-trial's keys (best_epoch among them) and tell's own line, fewer
# keys, are taken as before.
. "$WS_ROOT/tests/cli/lib.sh"
db=s.db
suggest --db "$db" --config "$WS_ROOT/tests/cli/study.json" --n 3 >lines
state_of() { sqlite3 "$db" "SELECT state FROM trials WHERE number = $1"; }

echo '{"study": "kws", "trial": 0, "state": "COMPLETE", "value": 0.9, "contraints": [0.3]}' >typo.json
test_expect_code 2 "a line with \"contraints\" (a typo for constraints)" tell --db "$db" --result typo.json
test_expect_success "... refused, naming the key" 'grep -qx "tell: typo.json: unknown key '"'"'contraints'"'"'" err && [ "$(wc -l <err)" = 1 ]'
test_expect_success "... trial 0 left RUNNING, no value, no constraints" '
  [ "$(state_of 0)" = RUNNING ] && [ "$(sqlite3 "$db" "SELECT count(*) FROM trial_values")" = 0 ] &&
  [ "$(sqlite3 "$db" "SELECT count(*) FROM trial_system_attributes WHERE key = \"constraints\"")" = 0 ]'
echo '{"study": "kws", "trial": 0, "state": "FAIL", "value": null, "reasn": "out of memory"}' >reasn.json
test_expect_code 2 "a line with \"reasn\"" tell --db "$db" --result reasn.json
test_expect_success "... refused, naming it" 'grep -qx "tell: reasn.json: unknown key '"'"'reasn'"'"'" err && [ "$(state_of 0)" = RUNNING ]'

# a line with every key of train-trial's result line
echo '{"study": "kws", "trial": 0, "state": "COMPLETE", "value": 0.9, "metrics": {"f1": 0.9}, "constraints": [-0.1],
  "epochs": 3, "best_epoch": 2, "seconds": {"setup": 0.1, "train": 1, "eval": 0.2, "total": 1.3, "threads": 1},
  "reason": null}' >full.json
test_expect_code 0 "train-trial's keys, best_epoch among them" tell --db "$db" --result full.json
test_expect_success "... trial 0 COMPLETE with its constraint" '
  [ "$(state_of 0)" = COMPLETE ] &&
  [ "$(sqlite3 "$db" "SELECT value_json FROM trial_system_attributes JOIN trials USING (trial_id) WHERE number = 0 AND key = \"constraints\"")" = "[-0.1]" ]'
test_expect_code 0 "tell's own line (trial 1 told fail)" tell --db "$db" --study kws --trial 1 --state fail --reason gone
jq -c '.trial = 2' out >own.json
test_expect_success "... its keys: study, trial, state, value, reason" '[ "$(jq -c keys own.json)" = "[\"reason\",\"state\",\"study\",\"trial\",\"value\"]" ]'
test_expect_code 0 "... told again for trial 2 with --result" tell --db "$db" --result own.json
test_expect_success "... trial 2 FAIL with the reason" '
  [ "$(state_of 2)" = FAIL ] &&
  [ "$(sqlite3 "$db" "SELECT value_json FROM trial_system_attributes JOIN trials USING (trial_id) WHERE number = 2 AND key = \"wakesweep:reason\"")" = "\"gone\"" ]'
