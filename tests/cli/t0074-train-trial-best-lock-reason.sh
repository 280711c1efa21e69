#!/usr/bin/env bash
# train-trial's lock of best.ckpt (.best.lock in the checkpoint folder) that cannot be taken (a
# folder of that name, made by hand or by a stray mkdir -p): the trial completes, best.ckpt is not
# updated, and the warning said "RUNS/.best.lock: cannot lock" without why, leaving the user to
# guess among a folder, permissions and a file system without locks. It names the reason.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trial
mkdir runs/.best.lock
test_expect_code 0 ".best.lock a folder: the trial" train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line
test_expect_success "... completes, its own checkpoint written, best.ckpt not" \
  'jq -e ".state == \"COMPLETE\"" out && [ -s runs/trial-0.ckpt ] && [ ! -e runs/best.ckpt ] && [ -d runs/.best.lock ]'
test_expect_success "... the warning names the lock and why it could not be taken" \
  'grep -qx "train-trial: runs/.best.lock: cannot lock: Is a directory" err'
# a lock file that cannot be opened for writing (not root: root opens it all the same)
rm -rf runs && mkdir runs && suggest --db runs/s.db --config c.json >line
if [ "$(id -u)" = 0 ]; then
  test_skip "a .best.lock that cannot be written" "running as root, which opens a file of mode 0444 all the same"
else
  : >runs/.best.lock && chmod 0444 runs/.best.lock
  test_expect_code 0 "a .best.lock that cannot be written: the trial" train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line
  test_expect_success "... the warning says: Permission denied" 'grep -qx "train-trial: runs/.best.lock: cannot lock: Permission denied" err'
fi
