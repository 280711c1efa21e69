#!/usr/bin/env bash
# The README's tour leaves its second trial RUNNING, to be trained later by
# `tail -1 trials.jsonl | train-trial ...`, told, or failed and queued again by a suggest that finds
# its heartbeat past the grace period. Run after that suggest, train-trial said only "trial 1 is
# FAIL, not RUNNING": not why, nor that its params were queued again as a new trial. tell and
# prune-check on that trial give both (t0035), and so did train-trial for a trial failed while it
# trained it (t0707); a trial found finished before training now says the same.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trial
suggest --db runs/s.db --config c.json >line1
snap() { sqlite3 runs/s.db "SELECT group_concat(number || state, ' ') FROM (SELECT number, state FROM trials ORDER BY number)"; }

# trial 1 went silent long ago (its heartbeat in 2020): the next suggest fails it and queues it again
sqlite3 runs/s.db "UPDATE trial_heartbeats SET heartbeat = '2020-01-01 00:00:00' WHERE trial_id = 2"
suggest --db runs/s.db --config c.json --n 0 >/dev/null 2>&1
before=$(snap)
test_expect_success "the stale trial is FAIL, its params queued again" '[ "$before" = "0RUNNING 1FAIL 2WAITING" ]'
test_expect_code 2 "train-trial on the trial failed as stale" train-trial --db runs/s.db --features tones.feat --quiet line1
test_expect_success "... says it is not RUNNING (what the sweep pipeline reads as over)" 'grep -q "trial 1 is FAIL, not RUNNING" err'
test_expect_success "... and why, and that it was queued again, as tell says it" '
  grep -qx "train-trial: study .tones.: trial 1 is FAIL, not RUNNING (the study.s reason: heartbeat older than the grace period; queued again as a new trial)" err'
test_expect_success "... nothing printed, nothing changed" '[ ! -s out ] && [ "$(snap)" = "$before" ]'

# a trial told by hand, with a reason and without
tell --db runs/s.db --study tones --trial 0 --state fail --reason "out of disk" >/dev/null
test_expect_code 2 "train-trial on a trial failed by tell --reason" train-trial --db runs/s.db --features tones.feat --quiet line
test_expect_success "... gives that reason (not queued again)" '
  grep -qx "train-trial: study .tones.: trial 0 is FAIL, not RUNNING (the study.s reason: out of disk)" err && [ ! -s out ]'
suggest --db runs/s.db --config c.json >line3
tell --db runs/s.db --study tones --trial 2 --state complete --value 0.5 >/dev/null
test_expect_code 2 "train-trial on a COMPLETE trial (no reason kept)" train-trial --db runs/s.db --features tones.feat --quiet line3
test_expect_success "... says only its state" 'grep -qx "train-trial: study .tones.: trial 2 is COMPLETE, not RUNNING" err'
