#!/usr/bin/env bash
# report of a PostgreSQL study, run in another time zone than the sweep (a laptop in India against
# a cluster on UTC), finds the samples of the trials' time as in the sweep's own zone: the trials'
# datetimes are the trainer's local time, and the shift between the zones is read off the samples
# (utilization.c's shift_sql, which looks at every (max(row_id) / 4000)th row). report's copy of
# the window's samples (utilization_pg.c) kept the database's row ids, which count every sample
# the database ever took (other studies', earlier days'): a window of few rows with ids past a
# million had no row at a multiple of 250, no shift was found, and the samples were looked for
# 5.5 hours off ("no samples in the time the trials ran"). The expected figures are the
# monitor's own lines: 5 samples.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
if [ -z "${WS_PG_HOST:-}" ]; then
  test_skip "report's zone shift in PostgreSQL" "no PostgreSQL server (make check-cluster starts one)"; exit 0
fi
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
cp "$WS_ROOT/tests/cli/study.json" c.json
PG=$(db_new zone) || exit 1
TZ=UTC gpu-monitor "${NOGPU[@]}" -i 0.01 -n 1 --db "$PG" >/dev/null 2>&1   # its table, as a monitor makes it
# the rows a long-lived database has taken before this study
dbq "$PG" "DELETE FROM wakesweep_gpu_samples; SELECT setval('wakesweep_gpu_samples_row_id_seq', 1000000)" >/dev/null
TZ=UTC suggest --db "$PG" --config c.json --n 1 >/dev/null
TZ=UTC gpu-monitor "${NOGPU[@]}" -i 0.1 -n 5 --db "$PG" >lines 2>/dev/null
TZ=UTC tell --db "$PG" --study kws --trial 0 --state complete --value 0.5 >/dev/null
test_expect_success "the monitor wrote 5 samples with row ids past a million" '
  [ "$(jq -s length lines)" = 5 ] && [ "$(dbq "$PG" "SELECT count(*), min(row_id) > 1000000 FROM wakesweep_gpu_samples")" = "5|t" ]'
for tz in UTC Asia/Kolkata America/Los_Angeles; do
  test_expect_code 0 "report --format json in TZ=$tz" env TZ=$tz report --db "$PG" --format json
  test_expect_success "... finds the trial's 5 samples" '
    jq -e ".utilization | .samples == 5 and .note == null and (.sweep_mean | type) == \"number\"" out >/dev/null'
done
