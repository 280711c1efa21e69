#!/usr/bin/env bash
# report run in another time zone than the sweep's (a study file copied from a GPU server on UTC
# to a laptop in New York): Optuna keeps trial datetimes as the trainer's naive local time, and
# gpu-monitor's samples carry their epoch seconds (t) beside the same local time (datetime), so
# the samples are matched to the trials in the sweep's local time. Matched by t against the
# trials' times read in the report's zone, every sample fell 5 hours off: "no samples in the time
# the trials ran". Real gpu-monitor samples, the report in each zone.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
export TZ=UTC
suggest --db s.db --config c.json --n 1 >/dev/null
gpu-monitor --nvml-library /nonexistent/libnvidia-ml.so.1 --db s.db -i 0.05 -n 4 -q >/dev/null
tell --db s.db --study kws --trial 0 --state complete --value 0.5 >/dev/null
# each sample's util a known value, so that the means are checked and not only found
sqlite3 s.db "UPDATE wakesweep_gpu_samples SET util = 10 * sample WHERE kind = 'device'"
want=$(sqlite3 s.db "SELECT avg(util) FROM wakesweep_gpu_samples WHERE kind = 'device'")

for zone in UTC America/New_York Asia/Kolkata; do
  test_expect_code 0 "report in $zone" env TZ=$zone report --db s.db --format json
  test_expect_success "... the sweep's samples, in the trial's window" '
    [ "$(jq -c "[.utilization.samples, .utilization.note]" out)" = "[4,null]" ] &&
    jq -e --argjson w "$want" ".utilization.sweep_mean == \$w and .trials[0].util_mean == \$w" out >/dev/null'
done
test_expect_code 0 "html in America/New_York" env TZ=America/New_York report --db s.db --format html
test_expect_success "... the utilization plot has its line" '
  sed -n "/id=\"utilization\"/,/<\/svg>/p" out | grep -q "<polyline[^>]*points=\"[0-9]"'
