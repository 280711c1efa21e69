#!/usr/bin/env bash
# The study file deleted, or another file renamed over it, while train-trial trains a trial.
# Before, it went on recording into the file it had open, now nameless: it printed the trial's
# result line (COMPLETE, or FAIL at its time limit) and exited 0, and the result was in no study
# anyone could read; nothing said so. Now it notices (SQLite's HAS_MOVED, the check gpu-monitor
# makes for its --db file) at the next validation or heartbeat, stops training, says that the
# result is not stored, naming the file, prints no result line and exits 3 (train-trial(1): a
# result that cannot be recorded). A study renamed over it is left as it was.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

# run ACTION: tone_training's endless trial (100000 epochs), with a time limit of 25 s as a
# backstop; ACTION (a command) runs once its first validation is in the study. Sets trc (its exit
# status: not rc, which test_expect_success has for its own) and secs
# (how long train-trial ran after ACTION).
run() {
  rm -rf runs
  tone_training --max-seconds 25
  local t0=$SECONDS
  eval "$1"
  trc=0; wait "$pid" || trc=$?
  secs=$((SECONDS - t0))
}

run "rm runs/s.db"
test_expect_success "study file deleted while training: exit 3" 'echo "exit $trc" >&2; [ "$trc" = 3 ]'
test_expect_success "... said: the file named, the result not stored" '
  cat err >&2
  grep -qx "train-trial: runs/s.db: the file was deleted or replaced while trial 0 of study '\''tones'\'' trained: its result is not stored (training stopped at epoch [0-9.]*)" err'
test_expect_success "... no result line (none that says the study holds the trial)" '[ ! -s out ]'
test_expect_success "... training stopped when it was noticed, not at its time limit" '
  echo "$secs s" >&2; [ "$secs" -lt 15 ]'
test_expect_success "... no file made again behind the user" '[ ! -e runs/s.db ]'
test_expect_success "... a new study at that path holds no row of the old one" '
  suggest --db runs/s.db --config c.json >line2 &&
  [ "$(sqlite3 runs/s.db "SELECT count(*) FROM trials; SELECT count(*) FROM trial_intermediate_values")" = "1
0" ]'

# Another study renamed over the one in training: that study is left as it was.
rm -rf other && mkdir other
suggest --db other/o.db --config c.json --n 2 >/dev/null
sqlite3 other/o.db "PRAGMA journal_mode = DELETE" >/dev/null
cp other/o.db other/o.orig
run "cp other/o.db runs/new.db && mv runs/new.db runs/s.db"
test_expect_success "study file replaced while training: exit 3, said" '
  cat err >&2
  echo "exit $trc" >&2; [ "$trc" = 3 ] && [ ! -s out ] &&
  grep -q "^train-trial: runs/s.db: the file was deleted or replaced while trial 0 of study .* trained: its result is not stored" err'
test_expect_success "... the study renamed over it is left as it was" '
  [ "$(sqlite3 runs/s.db "SELECT count(*) FROM trial_intermediate_values; PRAGMA integrity_check")" = "0
ok" ] && cmp runs/s.db other/o.orig'

# Between validations (validate_every past the run): a heartbeat (every 0.2 s here) finds the file
# gone, writes no beat into it, and the trainer stops at its next batch.
rm -rf runs && mkdir runs
jq '.budget.epochs = 100000 | .fixed.validate_every = 100000 | .heartbeat = {"interval_seconds": 0.2, "grace_seconds": 60}' \
  c.json >rare.json
suggest --db runs/s.db --config rare.json >line
train-trial --db runs/s.db --features tones.feat --threads 1 --quiet --max-seconds 25 line >out 2>err & pid=$!
sleep 2
t0=$SECONDS
rm runs/s.db
trc=0; wait "$pid" || trc=$?
secs=$((SECONDS - t0))
test_expect_success "deleted between validations: noticed by a heartbeat, exit 3 within seconds, said, no result line" '
  cat err >&2; echo "exit $trc, $secs s" >&2
  [ "$trc" = 3 ] && [ "$secs" -lt 15 ] && [ ! -s out ] &&
  grep -q "^train-trial: runs/s.db: the file was deleted or replaced while trial 0 of study .* trained: its result is not stored" err'
