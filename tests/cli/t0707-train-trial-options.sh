#!/usr/bin/env bash
# train-trial's command line and settings: options of one mode are refused in another (exit 2,
# naming the option) rather than ignored; settings whose range depends on the cache are bad input
# (exit 2, the trial FAIL with the reason), found before training.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
mkdir runs
tone_study_config c.json
suggest --db runs/s.db --config c.json >line

# --split and --max-fpr were taken on a training run and ignored: "--split train" reads as
# "train on that split", "--max-fpr 0.01" as the trial's operating point (the setting max_fpr).
test_expect_code 2 "--split without --evaluate" train-trial --db runs/s.db --features tones.feat --quiet --split train line
test_expect_success "... names --split" 'grep -q "\-\-split goes with \-\-evaluate" err'
test_expect_code 2 "--max-fpr without --evaluate" train-trial --db runs/s.db --features tones.feat --quiet --max-fpr 0.01 line
test_expect_success "... names --max-fpr" 'grep -q "\-\-max-fpr goes with \-\-evaluate" err'
test_expect_code 2 "--evaluate with --probe-batch (only one of them ran)" \
  train-trial --db runs/s.db --features tones.feat --evaluate x.ckpt --probe-batch line
test_expect_code 2 "--evaluate with --result-of" train-trial --db runs/s.db --features tones.feat --evaluate x.ckpt --result-of t
test_expect_code 2 "--probe-batch with --result-of" train-trial --db runs/s.db --probe-batch --result-of t
test_expect_success "... says they exclude one another" 'grep -q "give one of them" err'
test_expect_success "the trial those left alone is still RUNNING" '[ "$(sqlite3 runs/s.db "SELECT state FROM trials WHERE number = 0")" = RUNNING ]'
test_expect_code 0 "... and trains" train-trial --db runs/s.db --features tones.feat --quiet --threads 1 line
test_expect_success "... COMPLETE" 'jq -e ".state == \"COMPLETE\"" out'
test_expect_code 0 "--evaluate still takes --split and --max-fpr" \
  train-trial --evaluate runs/best.ckpt --features tones.feat --split validation --max-fpr 0.1
test_expect_success "... and uses them" 'jq -e ".split == \"validation\" and .at_fpr.max_fpr == 0.1" out'
