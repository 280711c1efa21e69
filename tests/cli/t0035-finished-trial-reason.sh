#!/usr/bin/env bash
# tell and prune-check on a trial that another process finished (failed as stale while the
# machine slept, by suggest --grace; failed by hand with a reason) said only "trial N: already
# FAIL, nothing changed". The study keeps why (wakesweep:reason) and that it was queued again
# (wakesweep:requeued): the message now gives both, so the user knows what happened and that the
# sweep lost nothing. Exit status and the study stay as they were (2, nothing changed).
# train-trial's "finished by another process" case: t0707.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 2 >lines
# trial 0's process went silent long ago (its heartbeat in 2020): the next suggest fails it.
sqlite3 s.db "UPDATE trial_heartbeats SET heartbeat = '2020-01-01 00:00:00' WHERE trial_id = 1"
suggest --db s.db --config c.json --grace 5 >/dev/null 2>&1
snap() { sqlite3 s.db "SELECT state, (SELECT count(*) FROM trial_values), (SELECT count(*) FROM trial_intermediate_values) FROM trials WHERE number = $1"; }
before=$(snap 0)
test_expect_code 2 "tell on a trial failed as stale" tell --db s.db --study kws --trial 0 --state complete --value 0.5
test_expect_success "... names the study's reason and that it was queued again" '
  grep -qx "tell: trial 0: already FAIL, nothing changed (the study.s reason: heartbeat older than the grace period; queued again as a new trial)" err &&
  [ ! -s out ] && [ "$(snap 0)" = "$before" ]'
test_expect_code 2 "prune-check on it" prune-check --db s.db --study kws --trial 0 --step 1 --value 0.3
test_expect_success "... says the same" '
  grep -qx "prune-check: trial 0: already FAIL, nothing changed (the study.s reason: heartbeat older than the grace period; queued again as a new trial)" err &&
  [ ! -s out ] && [ "$(snap 0)" = "$before" ]'
test_expect_code 0 "a trial failed by hand with a reason" tell --db s.db --study kws --trial 1 --state fail --reason "out of disk"
test_expect_code 2 "... told again" tell --db s.db --study kws --trial 1 --state pruned
test_expect_success "... gives that reason (not queued again)" '
  grep -qx "tell: trial 1: already FAIL, nothing changed (the study.s reason: out of disk)" err'
test_expect_code 0 "a COMPLETE trial (no reason kept)" tell --db s.db --study kws --trial 2 --state complete --value 0.9
test_expect_code 2 "... told again" tell --db s.db --study kws --trial 2 --state complete --value 0.8
test_expect_success "... says only its state" 'grep -qx "tell: trial 2: already COMPLETE, nothing changed" err'
