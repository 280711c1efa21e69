#!/usr/bin/env bash
# train-trial looks after best.ckpt once its trial is stored, reading the whole study to find the
# best trial. Where another trial's row cannot be read (a value edited by hand to text), the trial
# itself is stored and reported (exit 0), best.ckpt is left as it was, and the warning was the
# store's message alone ("s.db: study 'tones': trial_values: trial 0, objective 0: value 'abc' is
# not a number"), with exit 0 after it: it did not say what it had to do with the trial just
# finished, nor that best.ckpt, which may not hold the best trial's weights now, was not looked
# at. It now names best.ckpt, left as it was, and why.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trained
test_expect_success "(trial 0 trained, its weights in runs/best.ckpt)" \
  'jq -e ".state == \"COMPLETE\"" result && [ -f runs/best.ckpt ]'
cp runs/best.ckpt best.before
suggest --db runs/s.db --config c.json >line1 || exit 1
sqlite3 runs/s.db "UPDATE trial_values SET value = 'abc' WHERE trial_id = (SELECT trial_id FROM trials WHERE number = 0)" || exit 1
test_expect_code 0 "trial 1 trains with trial 0's value unreadable" \
  train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line1
test_expect_success "... stored COMPLETE, its result line printed" \
  'jq -e ".trial == 1 and .state == \"COMPLETE\"" out && [ "$(sqlite3 runs/s.db "SELECT state FROM trials WHERE number = 1")" = COMPLETE ]'
test_expect_success "... best.ckpt as it was" 'cmp -s runs/best.ckpt best.before'
test_expect_success "... the warning names best.ckpt, left as it was, and why" \
  "grep -q '^train-trial: left runs/best.ckpt as it was (the study could not be read to find its best trial): runs/s.db: .*trial_values: trial 0, objective 0: value .abc. is not a number' err"
