#!/usr/bin/env bash
# best.ckpt is replaced by the best trial's weights (a copy renamed over it) where it holds an
# earlier trial's: what was there was read first (its header: this study's, an earlier trial's),
# but the rename put the copy over whatever the name held by then, so a file put in its place
# between (a FIFO, another study's checkpoint) was removed by it. Now the copy is put in place
# only where the name still holds the file read (exchanged with it, renameat2 RENAME_EXCHANGE,
# and exchanged back where it is another): that one is left, best.ckpt not updated, and the
# warning says so; the trial's result is as it would be. An LD_PRELOAD shim puts the file named by
# WS_SWAP_IN in place of best.ckpt just before a rename() or renameat2() onto it.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
swap_in_shim "best.ckpt swapped as the best's weights are put over it" || exit 0
asan=$(asan_lib train-trial)
swapped() { env LD_PRELOAD="$asan${asan:+ }$PWD/swap.so" WS_SWAP_IN="$PWD/in" WS_SWAP_ON=over timeout 60 "$WS_BIN/train-trial" "$@"; }

# trial 0 of a poor config, then a better trial 1: its weights are copied over trial 0's best.ckpt
tone_trial
jq '.budget.epochs = 1 | .space.learning_rate.low = 0.0001 | .space.learning_rate.high = 0.0002' c.json >worse.json
rm -rf runs && mkdir runs && suggest --db runs/s.db --config worse.json >line0
train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line0 >/dev/null 2>&1
cp -r runs base
better() { suggest --db runs/s.db --config c.json --force >line1; }

# the control: nothing swapped in, trial 1 the best, best.ckpt its weights
better
test_expect_code 0 "nothing swapped in: the better trial" swapped --db runs/s.db --features tones.feat --threads 1 --quiet line1
test_expect_success "... the study's best, best.ckpt its weights" \
  '[ "$(report --db runs/s.db --best | jq .trial)" = 1 ] && cmp runs/best.ckpt runs/trial-1.ckpt'

# a FIFO put in place of best.ckpt as the copy goes over it
rm -rf runs && cp -r base runs && mkfifo in && better
test_expect_code 0 "a FIFO put in place of best.ckpt as the best's weights go over it: the trial" \
  swapped --db runs/s.db --features tones.feat --threads 1 --quiet line1
test_expect_success "... completes, the study's best, its own checkpoint written" \
  'jq -e ".state == \"COMPLETE\"" out && [ "$(report --db runs/s.db --best | jq .trial)" = 1 ] && [ -s runs/trial-1.ckpt ]'
test_expect_success "... the FIFO left where it was put, saying so" \
  '[ -p runs/best.ckpt ] && [ ! -e in ] && grep -q "left runs/best.ckpt alone: a FIFO was put in its place" err'
test_expect_success "... no temporary left" '! ls -A runs | grep -q "\.tmp\."'

# another study's checkpoint put in its place: left as it is
rm -rf runs && cp -r base runs && better
ckpt_edit base/trial-0.ckpt in 'h["trial"]["study"] = "other"; h["trial"]["number"] = 9'
cp in in.copy
test_expect_code 0 "another study's checkpoint put in place of best.ckpt as the best's weights go over it: the trial" \
  swapped --db runs/s.db --features tones.feat --threads 1 --quiet line1
test_expect_success "... leaves it as it is, saying so" \
  'cmp runs/best.ckpt in.copy && grep -q "left runs/best.ckpt alone: a regular file was put in its place" err && ! ls -A runs | grep -q "\.tmp\."'
