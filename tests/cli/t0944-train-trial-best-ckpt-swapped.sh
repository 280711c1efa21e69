#!/usr/bin/env bash
# A best.ckpt that is no checkpoint of the study's (a FIFO, another file) is left alone (t0942),
# but the look at it and its removal as an earlier trial's were two steps on its path: lstat and
# a read of its header, then unlink(). One put in its place between them (a FIFO, another program's
# file) was removed as the earlier trial's weights. Now what is removed is what was read: best.ckpt
# is opened once (O_NONBLOCK, told by fstat of that descriptor), and removed only where the
# file at its name is still that one (moved aside first, looked at there, and put back where it is
# another). An LD_PRELOAD shim puts the file named by WS_SWAP_IN in place of best.ckpt just
# before train-trial's unlink() or rename() of best.ckpt: the moment between the look and the use.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
swap_in_shim "best.ckpt swapped between its look and its removal" || exit 0
asan=$(asan_lib train-trial)
swapped() { env LD_PRELOAD="$asan${asan:+ }$PWD/swap.so" WS_SWAP_IN="$PWD/in" timeout 60 "$WS_BIN/train-trial" "$@"; }

# trial 0 the best, its trial-0.ckpt then deleted: a later, worse trial removes the best.ckpt
# there as an earlier trial's weights (t0942's last case)
tone_trial
jq '.budget.epochs = 1 | .space.learning_rate.low = 0.0001 | .space.learning_rate.high = 0.0002' c.json >worse.json
rm -rf runs && mkdir runs && suggest --db runs/s.db --config c.json --tag t0 >line
train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line >/dev/null 2>&1
rm runs/trial-0.ckpt
cp runs/best.ckpt stale.ckpt

# the control: nothing swapped in, the stale best.ckpt is removed, saying so
suggest --db runs/s.db --config worse.json --force >line1
test_expect_code 0 "nothing swapped in: the later trial" swapped --db runs/s.db --features tones.feat --threads 1 --quiet line1
test_expect_success "... removes the earlier trial's best.ckpt, saying so" \
  '[ "$(report --db runs/s.db --best | jq .trial)" = 0 ] && [ ! -e runs/best.ckpt ] && grep -q "removed runs/best.ckpt (an earlier trial.s weights)" err'

# a FIFO put in place of best.ckpt between the look and the removal
cp stale.ckpt runs/best.ckpt && mkfifo in
suggest --db runs/s.db --config worse.json --force >line2
test_expect_code 0 "a FIFO put in place of best.ckpt as the trial removes it: the trial" \
  swapped --db runs/s.db --features tones.feat --threads 1 --quiet line2
test_expect_success "... completes; the FIFO is left where it was put" \
  'jq -e ".state == \"COMPLETE\"" out && [ -p runs/best.ckpt ] && [ ! -e in ]'
test_expect_success "... the warning says it was left alone, not removed" \
  'grep -q "left runs/best.ckpt alone" err && ! grep -q "removed runs/best.ckpt" err'
test_expect_success "... nothing else is left in the folder" '! ls -A runs | grep -q "\.tmp\."'

# another program's file (not a checkpoint of this study) put in its place: left with its bytes
rm -f runs/best.ckpt && cp stale.ckpt runs/best.ckpt && echo "another program's file" >in && cp in in.copy
suggest --db runs/s.db --config worse.json --force >line3
test_expect_code 0 "another file put in place of best.ckpt as the trial removes it: the trial" \
  swapped --db runs/s.db --features tones.feat --threads 1 --quiet line3
test_expect_success "... leaves that file there as it is, saying so" \
  'cmp runs/best.ckpt in.copy && grep -q "left runs/best.ckpt alone" err && ! grep -q "removed runs/best.ckpt" err'

# the sweep's resume (train-trial --result-of --ckpt-dir) removes it the same way
rm -f runs/best.ckpt && cp stale.ckpt runs/best.ckpt && mkfifo in
test_expect_code 0 "--result-of --ckpt-dir, a FIFO put in place of best.ckpt as it removes it" \
  swapped --db runs/s.db --study tones --result-of t0 --ckpt-dir runs
test_expect_success "... leaves the FIFO, saying so" \
  '[ -p runs/best.ckpt ] && grep -q "left runs/best.ckpt alone" err && ! grep -q "removed runs/best.ckpt" err'
