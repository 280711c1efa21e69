#!/usr/bin/env bash
# A best.ckpt in the checkpoint folder that is not a regular file (a FIFO, a symbolic link to
# /dev/zero: no trial writes one) was removed by the trial that came to update it, saying it was
# "an earlier trial's" weights: the copy of the best's weights over it was refused (not a file to
# write), then the old best.ckpt removed as a stale one. It is nobody's checkpoint of this study,
# not this study's to remove: it is left alone, the warning naming it and what it is, and the
# trial's own result is as it would be (COMPLETE, exit 0). Nothing waits on a FIFO.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trial
tt() { timeout 60 train-trial --features tones.feat --threads 1 --quiet "$@"; }

mkfifo runs/best.ckpt
test_expect_code 0 "best.ckpt a FIFO: the trial" tt --db runs/s.db line
test_expect_success "... completes, its own checkpoint written" 'jq -e ".state == \"COMPLETE\"" out && [ -s runs/trial-0.ckpt ]'
test_expect_success "... leaves the FIFO as it is" '[ -p runs/best.ckpt ]'
test_expect_success "... the warning names it and says what it is, not an earlier trial's" \
  'grep -qx "train-trial: left runs/best.ckpt alone: it is a FIFO, not a regular file (no checkpoint of this study.s)" err && ! grep -q "earlier trial" err'

# A symbolic link to /dev/zero, the trial's result and the folder as they are with no best.ckpt
rm -rf runs && mkdir runs && suggest --db runs/s.db --config c.json >line
ln -s /dev/zero runs/best.ckpt
test_expect_code 0 "best.ckpt a link to /dev/zero: the trial" tt --db runs/s.db line
test_expect_success "... completes; the link stays, leading where it led" \
  'jq -e ".state == \"COMPLETE\"" out && [ -s runs/trial-0.ckpt ] && [ "$(readlink runs/best.ckpt)" = /dev/zero ]'
test_expect_success "... the warning names it and what it is" \
  'grep -qx "train-trial: left runs/best.ckpt alone: it is a symbolic link to a character device, not a regular file (no checkpoint of this study.s)" err'

# A symbolic link that leads nowhere is no checkpoint either: left as it is
rm -rf runs && mkdir runs && suggest --db runs/s.db --config c.json >line
ln -s nowhere.ckpt runs/best.ckpt
test_expect_code 0 "best.ckpt a dangling symbolic link: the trial" tt --db runs/s.db line
test_expect_success "... completes; the link stays, the warning says what it is" \
  'jq -e ".state == \"COMPLETE\"" out && [ "$(readlink runs/best.ckpt)" = nowhere.ckpt ] && [ ! -e runs/nowhere.ckpt ] &&
   grep -qx "train-trial: left runs/best.ckpt alone: it is a symbolic link to nothing (dangling), not a regular file (no checkpoint of this study.s)" err'

# A later trial, not the best, whose best left no weights here (trial-0.ckpt deleted): an
# earlier trial's best.ckpt would be removed; a FIFO is not.
rm -rf runs && mkdir runs && suggest --db runs/s.db --config c.json --tag t0 >line
jq '.budget.epochs = 1 | .space.learning_rate.low = 0.0001 | .space.learning_rate.high = 0.0002' c.json >worse.json
tt --db runs/s.db line >/dev/null 2>&1
rm runs/best.ckpt runs/trial-0.ckpt && mkfifo runs/best.ckpt
suggest --db runs/s.db --config worse.json --force >line1
test_expect_code 0 "best.ckpt a FIFO, the best's weights gone: a later trial" tt --db runs/s.db line1
test_expect_success "... completes, not the best; the FIFO stays, named in the warning" \
  'jq -e ".state == \"COMPLETE\"" out && [ "$(report --db runs/s.db --best | jq .trial)" = 0 ] && [ -p runs/best.ckpt ] && grep -qx "train-trial: left runs/best.ckpt alone: it is a FIFO, not a regular file (no checkpoint of this study.s)" err'
[ -p runs/best.ckpt ] || { rm -f runs/best.ckpt; mkfifo runs/best.ckpt; }
test_expect_code 0 "--result-of --ckpt-dir there (the sweep's resume)" \
  timeout 60 train-trial --db runs/s.db --study tones --result-of t0 --ckpt-dir runs
test_expect_success "... leaves the FIFO alone too, saying so" \
  '[ -p runs/best.ckpt ] && grep -qx "train-trial: left runs/best.ckpt alone: it is a FIFO, not a regular file (no checkpoint of this study.s)" err'
