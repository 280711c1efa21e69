#!/usr/bin/env bash
# README, after its ask/tell loop: the trial's heartbeat is beaten by suggest when it makes the
# trial and by each prune-check, so a trainer whose epoch outlasts the grace has its trial failed
# as stale by the next suggest while it still trains. Checked here as written, with a grace of 1 s.
# runner: waits (the README's heartbeat grace)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
test_expect_success "README says so" '
  tr "\n" " " <"$WS_ROOT/README.md" | grep -q "beaten by .suggest. when it makes the trial and by each .prune-check.: a trainer whose epoch takes longer than the grace has its trial failed as stale"'
tone_study_config c.json
jq '.study = "g" | .heartbeat = {"interval_seconds": 0.5, "grace_seconds": 1}' c.json >g.json
test_expect_success "a trial asked for, then a step reported within the grace: it goes on (exit 1)" '
  suggest --db s.db --config g.json >line && [ "$(jq .trial line)" = 0 ] &&
  sleep 0.6 && { prune-check --db s.db --study g --trial 0 --step 1 --value 0.5 >/dev/null; [ $? = 1 ]; }'
test_expect_success "an epoch longer than the grace: the next suggest fails the trial as stale" '
  sleep 2.5 && suggest --db s.db --config g.json >line2 2>err && grep -q "trial 0: heartbeat older than 1s, marked FAIL" err &&
  [ "$(sqlite3 s.db "SELECT state FROM trials WHERE number = 0")" = FAIL ]'
test_expect_success "... and the trainer's next prune-check is refused (exit 2), saying why" '
  { prune-check --db s.db --study g --trial 0 --step 2 --value 0.5 >/dev/null 2>err; [ $? = 2 ]; } &&
  grep -q "heartbeat older than the grace period" err'
