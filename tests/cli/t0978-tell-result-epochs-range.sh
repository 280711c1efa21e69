#!/usr/bin/env bash
# tell --result: a line's "epochs" the study cannot keep as a count of parts is refused. The
# parts trained (the user attribute steps_trained, which report and train-trial --result-of read)
# are the epochs times the study's budget.validations_per_epoch (at most 1000), rounded to an
# integer: an "epochs" of 1e300 rounded to no integer at all (llround out of range), and the trial
# was finished, exit 0, with no steps_trained and not a word. Now epochs above 9e12 (9e15 parts at
# 1000 an epoch, integers a double holds exactly) are refused, exit 2, naming the field, and
# nothing is changed; epochs within it are kept as before.
. "$WS_ROOT/tests/cli/lib.sh"
db=s.db
suggest --db "$db" --config "$WS_ROOT/tests/cli/study.json" --n 3 >lines
result() { printf '{"study": "kws", "trial": %s, "state": "COMPLETE", "value": 0.5, "epochs": %s}\n' "$1" "$2"; }
steps_of() { sqlite3 "$db" "SELECT value_json FROM trial_user_attributes JOIN trials USING (trial_id) WHERE number = $1 AND key = 'steps_trained'"; }

result 0 1e300 >huge.json
test_expect_code 2 "a line whose epochs is 1e300" tell --db "$db" --result huge.json
test_expect_success "... refused, naming the field and the bound" \
  'grep -qx "tell: huge.json: \"epochs\": expected a number >= 0 and at most 9e+12 (epochs the study counts in parts), or null, got 1e+300" err'
test_expect_success "... trial 0 left RUNNING, no value, no steps" \
  '[ "$(sqlite3 "$db" "SELECT state FROM trials WHERE number = 0")" = RUNNING ] &&
   [ "$(sqlite3 "$db" "SELECT count(*) FROM trial_values")" = 0 ] && [ -z "$(steps_of 0)" ]'
result 0 2e13 >big.json
test_expect_code 2 "a line whose epochs is 2e13" tell --db "$db" --result big.json
test_expect_success "... refused alike" 'grep -q "^tell: big.json: \"epochs\": expected a number >= 0 and at most 9e+12" err'
result 0 3 >three.json
test_expect_code 0 "a line whose epochs is 3" tell --db "$db" --result three.json
test_expect_success "... keeps steps_trained 3 (one validation an epoch)" '[ "$(steps_of 0)" = 3 ]'
result 1 9e12 >edge.json
test_expect_code 0 "a line whose epochs is 9e12, the bound" tell --db "$db" --result edge.json
test_expect_success "... keeps it whole" '[ "$(steps_of 1)" = 9000000000000 ]'
