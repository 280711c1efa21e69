#!/usr/bin/env bash
# budget.epochs as a schedule by trial number ([[1, 2], [null, 5]]: 2 epochs for trial 0, then
# 5): a trial failed and queued again (suggest --grace, --reap) is retried under a new number,
# and its retry took that number's epochs, 5 where the failed trial had 2: it trained another
# run than the one it retries (its params and seed are the failed trial's, t0737). A retry
# takes the epochs of the trial it retries (failed_trial, the first of a chain of retries);
# new trials keep the schedule by their own numbers.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
jq '.budget.epochs = [[1, 2], [null, 5]]' c.json >s.json
mkdir runs
stale() { sqlite3 runs/s.db "UPDATE trial_heartbeats SET heartbeat = datetime('now', '-2 hours')"; }
suggest --db runs/s.db --config s.json >line0
stale
test_expect_code 0 "trial 0 (2 epochs) failed as stale and retried" suggest --db runs/s.db --config s.json
cp out line1
test_expect_success "... the retry, trial 1, has trial 0's 2 epochs (not trial 1's 5)" '
  jq -e ".budget.epochs == 2" line0 >/dev/null && jq -e ".trial == 1 and .budget.epochs == 2" line1 >/dev/null'
test_expect_success "... a line without budget trains the retry 2 epochs" '
  jq -c "del(.budget)" line1 >nobudget && train-trial --db runs/s.db --features tones.feat --threads 1 --quiet --keep none nobudget >res &&
  jq -e ".trial == 1 and .epochs == 2" res >/dev/null'
test_expect_code 0 "a new trial takes its own number's epochs" suggest --db runs/s.db --config s.json
test_expect_success "... trial 2: 5" 'jq -e ".trial == 2 and .budget.epochs == 5" out >/dev/null'
stale
test_expect_code 0 "trial 2 failed as stale: its retry (trial 3)" suggest --db runs/s.db --config s.json
test_expect_success "... has trial 2's 5 epochs" 'jq -e ".trial == 3 and .budget.epochs == 5" out >/dev/null'
# trial 3, a retry of trial 2, is failed again: its retry still names trial 2 and has its epochs
# (the schedule would give trial 4 5 too: a schedule that changes there shows it)
jq '.budget.epochs = [[1, 2], [3, 5], [null, 7]]' s.json >s3.json
stale
test_expect_code 0 "the retry of a retry (trial 4; the schedule gives 4 seven epochs)" suggest --db runs/s.db --config s3.json --force
test_expect_success "... has trial 2's 5 epochs" 'jq -e ".trial == 4 and .budget.epochs == 5" out >/dev/null'
