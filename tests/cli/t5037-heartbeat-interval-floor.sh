#!/usr/bin/env bash
# heartbeat.interval_seconds took any positive number: 1e-300 (or 0.001) made train-trial's
# heartbeat thread write the study in a busy loop (thousands of writes a second, the study's
# write lock taken from every other trial and tool). It is at least 0.01 s now, as gpu-monitor's
# --interval is: exit 2 naming the field. (Optuna takes whole seconds, at least 1.)
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
for v in 1e-300 0.001 0.0099; do
  jq ".heartbeat = {\"interval_seconds\": $v, \"grace_seconds\": 1}" c.json >h.json
  test_expect_code 2 "interval_seconds $v: exit 2" suggest --db s.db --config h.json
  test_expect_success "... names the field and the floor, makes no study" \
    "grep -q '^suggest: h.json: heartbeat.interval_seconds: $v is below 0.01' err && [ ! -s out ] && [ ! -e s.db ]"
done
jq '.heartbeat = {"interval_seconds": 0.01, "grace_seconds": 1}' c.json >h.json
test_expect_code 0 "interval_seconds 0.01: taken" suggest --db s.db --config h.json
