#!/usr/bin/env bash
# A config's heartbeat.grace_seconds must be above its interval_seconds (a shorter grace fails
# trials still training, between two heartbeats), but suggest --grace took any value in silence:
# --grace 5 with trials beating every 10 s failed live trials as stale, and nothing said why.
# Optuna takes any grace_period, and a short --grace is a way to fail silent trials soon, so it is
# not refused: it is said on stderr, naming the interval and the config.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
test_expect_code 0 "--grace 5, the interval 10 s (the default)" suggest --db s.db --config c.json --n 0 --grace 5
test_expect_success "... says it is not above the interval" '
  grep -qx "suggest: --grace 5 is not above heartbeat.interval_seconds (10) of c.json: a trial still training beats once an interval, and may be failed as stale between two heartbeats" err'
test_expect_code 0 "--grace 10" suggest --db s.db --config c.json --n 0 --grace 10
test_expect_success "... says so too" 'grep -q "^suggest: --grace 10 is not above heartbeat.interval_seconds (10) of c.json" err'
test_expect_code 0 "--grace 10.5" suggest --db s.db --config c.json --n 0 --grace 10.5
test_expect_success "... says nothing" '[ ! -s err ]'
jq '.heartbeat = {"interval_seconds": 2, "grace_seconds": 4}' c.json >c2.json
test_expect_code 0 "--grace 3 with a config's interval of 2 s" suggest --db s2.db --config c2.json --n 0 --grace 3
test_expect_success "... says nothing" '[ ! -s err ]'
