#!/usr/bin/env bash
# The lock under which best.ckpt changes (.best.lock in the checkpoint folder) was opened with
# O_CREAT through a symbolic link: a .best.lock that is a link to a path elsewhere had every
# trial create the file it leads to (or lock one that is there, another program's). A link there
# is now a lock that cannot be taken (t0074): the trial completes, best.ckpt is not updated, and
# the warning names the lock and says it is a symbolic link; where the link leads, nothing is made.
# The same where a study made anew takes the folder over (t0922), which takes that lock first.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trial
mkdir elsewhere
ln -s "$PWD/elsewhere/made.lock" runs/.best.lock
test_expect_code 0 ".best.lock a link to a file elsewhere not there yet: the trial" \
  train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line
test_expect_success "... completes, its own checkpoint written, best.ckpt not" \
  'jq -e ".state == \"COMPLETE\"" out && [ -s runs/trial-0.ckpt ] && [ ! -e runs/best.ckpt ]'
test_expect_success "... makes nothing where the link leads; the link stays" \
  '[ ! -e elsewhere/made.lock ] && [ -z "$(ls -A elsewhere)" ] && [ -L runs/.best.lock ]'
test_expect_success "... the warning names the lock and says it is a symbolic link" \
  'grep -qx "train-trial: runs/.best.lock: cannot lock: is a symbolic link (not followed: the lock is a file of the folder.s own)" err'

# A link to a file that is there, locked by another program: the trial neither waits on it nor
# takes it (it would have waited for good on a lock held as long as that program runs).
rm -rf runs && mkdir runs && suggest --db runs/s.db --config c.json >line
: >elsewhere/held
ln -s "$PWD/elsewhere/held" runs/.best.lock
flock -x elsewhere/held sleep 60 &
holder=$!
sleep 0.5
test_expect_code 0 ".best.lock a link to a file another program holds locked: the trial" \
  timeout 40 train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line
test_expect_success "... completes without waiting on it, the file left as it was" \
  'jq -e ".state == \"COMPLETE\"" out && [ ! -s elsewhere/held ] && [ ! -e runs/best.ckpt ] && grep -q "runs/.best.lock: cannot lock: is a symbolic link" err'
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null

# A study made anew where the folder's claim names the old one (its study file removed): the new
# study's trial takes the folder over under the lock, then updates best.ckpt under it.
rm -rf runs elsewhere/* && mkdir runs && suggest --db runs/s.db --config c.json >line
train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line >/dev/null 2>&1
rm -f runs/s.db runs/s.db-wal runs/s.db-shm runs/.best.lock
ln -s "$PWD/elsewhere/made.lock" runs/.best.lock
suggest --db runs/s.db --config c.json >line
test_expect_code 0 "a takeover with .best.lock a link elsewhere: the trial" \
  train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line
test_expect_success "... takes the folder over, completes, makes nothing where the link leads" \
  'jq -e ".state == \"COMPLETE\"" out && [ -s runs/trial-0.ckpt ] && [ ! -e runs/best.ckpt ] &&
   [ ! -e elsewhere/made.lock ] && [ -L runs/.best.lock ] && grep -q "runs/.best.lock: cannot lock: is a symbolic link" err'
