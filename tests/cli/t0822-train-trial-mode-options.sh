#!/usr/bin/env bash
# train-trial refuses an option of one mode in another rather than ignore it (its man page; t0707
# has --split, --max-fpr and --device cuda). The options only training reads were still taken and
# ignored by --evaluate, --probe-batch and --result-of (--keep, which --probe-batch now sizes for, t4031): "--evaluate ... --max-seconds 5" ran
# without a limit, "--keep none" or "--ckpt-dir DIR" there wrote or kept nothing either way; and
# --result-of, which reads the study alone, ignored --features, --threads, --device, --precision
# and a trial file (--ckpt-dir it takes now: t0076). Each is now exit 2 naming the option and the mode; what a mode reads is
# still taken.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trial
jq '.budget.epochs = 1' line >line1
suggest --db runs/s.db --config c.json --tag t --n 1 | jq -c '.budget.epochs = 1' >tagged
train-trial --db runs/s.db --features tones.feat --threads 1 --quiet tagged >/dev/null

for o in "--max-seconds 5"; do
  test_expect_code 2 "--evaluate with $o" train-trial --evaluate runs/best.ckpt --features tones.feat --threads 1 $o
  test_expect_success "... names both" 'grep -qxF "train-trial: ${o%% *} goes with training, not --evaluate" err && [ ! -s out ]'
  test_expect_code 2 "--probe-batch with $o" train-trial --probe-batch --device cpu --db runs/s.db --features tones.feat $o line1
  test_expect_code 2 "--result-of with $o" train-trial --db runs/s.db --result-of t $o
done
# --grow-threads sets the shares a trial's work is cut into, which --probe-batch sizes the CPU's
# batch for (t0872); --evaluate and --result-of grow nothing
test_expect_code 2 "--evaluate with --grow-threads 2" train-trial --evaluate runs/best.ckpt --features tones.feat --threads 1 --grow-threads 2
test_expect_success "... names both" 'grep -qxF "train-trial: --grow-threads goes with training or --probe-batch, not --evaluate" err && [ ! -s out ]'
test_expect_code 2 "--result-of with --grow-threads 2" train-trial --db runs/s.db --result-of t --grow-threads 2
test_expect_success "... names both" 'grep -qxF "train-trial: --grow-threads goes with training or --probe-batch, not --result-of" err && [ ! -s out ]'
# --keep says whether the run saves a checkpoint, which --probe-batch counts for --keep best only
# (t4031); --evaluate and --result-of save nothing
test_expect_code 2 "--evaluate with --keep none" train-trial --evaluate runs/best.ckpt --features tones.feat --threads 1 --keep none
test_expect_success "... names both" 'grep -qxF "train-trial: --keep goes with training or --probe-batch, not --evaluate" err && [ ! -s out ]'
test_expect_code 2 "--result-of with --keep none" train-trial --db runs/s.db --result-of t --keep none
test_expect_success "... names both" 'grep -qxF "train-trial: --keep goes with training or --probe-batch, not --result-of" err && [ ! -s out ]'
# --ckpt-dir goes with training and --result-of (whose trial may not have copied its weights to
# best.ckpt there: t0076), not with the other two modes
test_expect_code 2 "--evaluate with --ckpt-dir runs" train-trial --evaluate runs/best.ckpt --features tones.feat --threads 1 --ckpt-dir runs
test_expect_success "... names both" 'grep -qxF "train-trial: --ckpt-dir goes with training or --result-of, not --evaluate" err && [ ! -s out ]'
test_expect_code 2 "--probe-batch with --ckpt-dir runs" train-trial --probe-batch --device cpu --db runs/s.db --features tones.feat --ckpt-dir runs line1
test_expect_success "... names both" 'grep -qxF "train-trial: --ckpt-dir goes with training or --result-of, not --probe-batch" err && [ ! -s out ]'
test_expect_code 0 "--result-of with --ckpt-dir runs" train-trial --db runs/s.db --result-of t --ckpt-dir runs
test_expect_success "... prints the trial" 'jq -e ".trial == 1 and .state == \"COMPLETE\"" out'
for o in "--features tones.feat" "--threads 2" "--device cpu" "--precision fp32"; do
  test_expect_code 2 "--result-of with $o" train-trial --db runs/s.db --result-of t $o
  test_expect_success "... names it" 'grep -qxF "train-trial: ${o%% *} goes with training, --evaluate or --probe-batch, not --result-of (which reads the study alone)" err && [ ! -s out ]'
done
test_expect_code 2 "--result-of with a trial file" train-trial --db runs/s.db --result-of t line1
test_expect_success "... names it" 'grep -qF "unexpected argument '"'line1'"'" err'

# what each mode reads is taken as before
test_expect_code 0 "--result-of with --study and --quiet" train-trial --db runs/s.db --study tones --quiet --result-of t
test_expect_success "... prints the trial" 'jq -e ".trial == 1 and .state == \"COMPLETE\"" out'
test_expect_code 0 "--evaluate with --threads and --device cpu" train-trial --evaluate runs/best.ckpt --features tones.feat --threads 1 --device cpu
test_expect_code 0 "--probe-batch with --device cpu" train-trial --probe-batch --device cpu --db runs/s.db --features tones.feat line1
test_expect_code 0 "--probe-batch with --threads and --grow-threads" \
  train-trial --probe-batch --device cpu --threads 1 --grow-threads 2 --db runs/s.db --features tones.feat line1
test_expect_code 0 "--probe-batch with --keep none" train-trial --probe-batch --device cpu --keep none --db runs/s.db --features tones.feat line1
test_expect_code 0 "training with them all" train-trial --db runs/s.db --features tones.feat --threads 1 --grow-threads 1 --max-seconds 60 --keep best --ckpt-dir runs --quiet line1
test_expect_success "... trains" 'jq -e ".state == \"COMPLETE\"" out'

# --evaluate reads the checkpoint and the cache, no study: a --db given with it was taken and
# ignored (exit 0), where every other option of another mode is refused
test_expect_code 2 "--evaluate with --db" train-trial --evaluate runs/best.ckpt --features tones.feat --threads 1 --db runs/s.db
test_expect_success "... names it" 'grep -qxF "train-trial: --db goes with training, --probe-batch or --result-of, not --evaluate (which reads the checkpoint and the cache alone)" err && [ ! -s out ]'

# --result-of '' (an unset variable: --result-of "$TARGET") looked for a tag no trial can carry
# (suggest --tag refuses it) and said "none", exit 1; so did a tag that is not UTF-8
test_expect_code 2 "--result-of ''" train-trial --db runs/s.db --result-of ''
test_expect_success "... names it" 'grep -qxF "train-trial: --result-of: empty: expected the tag a trial was given (suggest --tag)" err && [ ! -s out ]'
test_expect_code 2 "--result-of not UTF-8" train-trial --db runs/s.db --result-of $'\xff'
test_expect_success "... names it" 'grep -qxF "train-trial: --result-of: expected UTF-8 text, got bytes that are not" err && [ ! -s out ]'
