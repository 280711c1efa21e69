#!/usr/bin/env bash
# train-trial: a trial that ends before its first validation (its loss NaN in the first batches,
# --max-seconds reached in epoch 1) has no best validation, but its result line said
# "best_epoch":0, which reads as a best at epoch 0; --result-of, rebuilt from the study, said the
# same (it trained, so its steps were known). Both now say null: no validation, no best epoch;
# epochs is still the epochs trained. A trial that validated keeps its best_epoch.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
# three studies of one study file: each keeps its checkpoints in a folder of its own (a folder is
# one study's: t0919)
mkdir -p runs runs/nan runs/tones runs/two
# SGD at 1e30 (as t0742): the first batch's step takes the weights past 1e29, the second batch's
# loss is not finite, 4 clips a batch: the trial fails in epoch 1, before its validation
jq '.study = "nan" | .budget.epochs = 3 | .fixed.optimizer = "sgd"
    | .space = {"learning_rate": {"type": "float", "low": 1e30, "high": 2e30}}' c.json >nan.json
suggest --db runs/s.db --config nan.json --tag nan >nan.line
test_expect_code 0 "a trial whose loss goes NaN in epoch 1 exits 0" \
  train-trial --db runs/s.db --features tones.feat --threads 1 --quiet --ckpt-dir runs/nan nan.line
test_expect_success "... FAIL, diverged, no intermediate value in the study" '
  jq -e ".state == \"FAIL\" and (.reason | test(\"diverged|NaN|infinite\"))" out &&
  [ "$(sqlite3 runs/s.db "SELECT count(*) FROM trial_intermediate_values")" = 0 ]'
test_expect_success "... best_epoch null (no validation), not 0" 'jq -e ".best_epoch == null" out'
test_expect_code 0 "--result-of that trial" train-trial --db runs/s.db --study nan --ckpt-dir runs/nan --result-of nan
test_expect_success "... best_epoch null there too" 'jq -e ".state == \"FAIL\" and .best_epoch == null" out'

suggest --db runs/s.db --config c.json --tag slow >slow.line
test_expect_code 0 "a trial over --max-seconds in epoch 1 exits 0" \
  train-trial --db runs/s.db --features tones.feat --threads 1 --quiet --ckpt-dir runs/tones --max-seconds 0.001 slow.line
test_expect_success "... FAIL: time limit, best_epoch null, epochs 0" \
  'jq -e ".state == \"FAIL\" and (.reason | test(\"time limit\")) and .best_epoch == null and .epochs == 0" out'
test_expect_code 0 "--result-of that trial" train-trial --db runs/s.db --study tones --ckpt-dir runs/tones --result-of slow
test_expect_success "... best_epoch null, epochs 0" 'jq -e ".best_epoch == null and .epochs == 0" out'

# a trial that validated: best_epoch is the epoch of its best, a number from 1 on, in both lines
jq '.budget.epochs = 2' c.json >two.json
sed -i 's/"study": "tones"/"study": "two"/' two.json
suggest --db runs/s.db --config two.json --tag two >two.line
test_expect_code 0 "a trial that validated twice" train-trial --db runs/s.db --features tones.feat --threads 1 --quiet --ckpt-dir runs/two two.line
test_expect_success "... best_epoch 1 or 2" 'cp out two.result && jq -e ".epochs == 2 and (.best_epoch == 1 or .best_epoch == 2)" out'
test_expect_code 0 "--result-of that trial" train-trial --db runs/s.db --study two --ckpt-dir runs/two --result-of two
test_expect_success "... the same best_epoch" '[ "$(jq .best_epoch out)" = "$(jq .best_epoch two.result)" ]'

# the manual says so
test_expect_success "train-trial(1) says best_epoch is null without a validation" '
  tr "\n" " " <"$WS_ROOT/share/man/man1/train-trial.1" | sed "s/\\\\f.//g" | grep -qF "best_epoch is null when no validation ran"'
