#!/usr/bin/env bash
# The lock under which best.ckpt changes (.best.lock in the checkpoint folder) was opened
# O_RDWR and locked whatever it was: a .best.lock that is a FIFO (mkfifo, put there by hand or by
# another program) opened at once (Linux opens a FIFO read-write without waiting) and flock took
# it, so trials ordered themselves on a pipe no trial made (and a program waiting to read from it
# was woken by each trial's open). Only a regular file of the folder's own is the
# lock: a FIFO is refused as a symbolic link is (t0941): the trial completes at once, best.ckpt is
# not updated, the warning names the lock and says what it is, and the FIFO stays as it was.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trial
tt() { timeout 60 train-trial --features tones.feat --threads 1 --quiet "$@"; }

mkfifo runs/.best.lock
test_expect_code 0 ".best.lock a FIFO: the trial" tt --db runs/s.db line
test_expect_success "... completes, its own checkpoint written, best.ckpt not" \
  'jq -e ".state == \"COMPLETE\"" out && [ -s runs/trial-0.ckpt ] && [ ! -e runs/best.ckpt ]'
test_expect_success "... leaves the FIFO as it was" '[ -p runs/.best.lock ]'
test_expect_success "... the warning names the lock and says it is a FIFO" \
  'grep -qx "train-trial: runs/.best.lock: cannot lock: is a FIFO, not a regular file (the lock is a file of the folder.s own)" err'

# A study made anew where the folder's claim names the old one (its study file removed): the
# takeover takes that lock first (t0922); with a FIFO there it goes on unordered, as with a link.
rm -rf runs && mkdir runs && suggest --db runs/s.db --config c.json >line
tt --db runs/s.db line >/dev/null 2>&1
rm -f runs/s.db runs/s.db-wal runs/s.db-shm runs/.best.lock
mkfifo runs/.best.lock
suggest --db runs/s.db --config c.json >line
test_expect_code 0 "a takeover with .best.lock a FIFO: the trial" tt --db runs/s.db line
test_expect_success "... takes the folder over, completes, best.ckpt not written, the FIFO left" \
  'jq -e ".state == \"COMPLETE\"" out && [ -s runs/trial-0.ckpt ] && [ ! -e runs/best.ckpt ] && [ -p runs/.best.lock ] &&
   grep -q "runs/.best.lock: cannot lock: is a FIFO" err'

# The sweep's resume (train-trial --result-of --ckpt-dir) takes the same lock: the same refusal.
rm -rf runs && mkdir runs && suggest --db runs/s.db --config c.json --tag t0 >line
tt --db runs/s.db line >/dev/null 2>&1
rm -f runs/.best.lock && mkfifo runs/.best.lock
test_expect_code 0 "--result-of --ckpt-dir with .best.lock a FIFO" \
  timeout 60 train-trial --db runs/s.db --study tones --result-of t0 --ckpt-dir runs
test_expect_success "... the FIFO left as it was, the warning naming it" \
  '[ -p runs/.best.lock ] && grep -q "runs/.best.lock: cannot lock: is a FIFO" err'
