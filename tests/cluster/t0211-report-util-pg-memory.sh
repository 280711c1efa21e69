#!/usr/bin/env bash
# report of a PostgreSQL study reads gpu-monitor's samples of the study's window (its trials' times,
# with two days' leeway for the zone shift) into a SQLite copy (utilization_pg.c). It read them in
# one query result, which libpq holds whole: 408 MB of peak memory at a million rows, against
# 54 MB for the same rows in a SQLite study. Here t0206's two hosts' samples (the known figures:
# trial 0 and the sweep at 80 %, node-b's GPUs left out), then the same after 200000 samples of
# this host's GPU taken the day before the trial (copied, as in the leeway, but of no trial's
# time): the same report, in memory that does not grow with the samples (the copy is a temporary
# file).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
if [ -z "${WS_PG_HOST:-}" ]; then
  test_skip "report's samples of a PostgreSQL study in bounded memory" "no PostgreSQL server (make check-cluster starts one)"; exit 0
fi
export TZ=UTC   # the samples' datetimes below are written in UTC, as the monitor writes its zone's
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
FILL=200000
host=$(uname -n)
cp "$WS_ROOT/tests/cli/study.json" c.json
sleep 60 & ours=$!
trap 'kill $ours 2>/dev/null; rm -rf "$TMP"' EXIT
PG=$(db_new rss) || exit 1
gpu-monitor "${NOGPU[@]}" -i 0.01 -n 1 --db "$PG" >/dev/null 2>&1   # its table, as a monitor makes it
suggest --db "$PG" --config c.json --n 1 >/dev/null
id=$(dbq "$PG" "SELECT trial_id FROM trials")
sleep 0.2
t=$(date +%s.%N) dt=$(date -d "@$t" '+%Y-%m-%d %H:%M:%S.%6N')
sleep 0.2
tell --db "$PG" --study kws --trial 0 --state complete --value 0.5 >/dev/null
# known: t0206's two hosts' samples
known() {
  dbq "$PG" "INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, device, util, pid, trial_id, mem_used_bytes, host)
    SELECT k, $t + k * 0.01, '$dt', 'nvml', 'device', 0, 80, NULL, NULL, NULL, '$host' FROM generate_series(1, 2) k UNION ALL
    SELECT k, $t + k * 0.01, '$dt', 'nvml', 'process', 0, NULL, $ours, $id, 1048576, '$host' FROM generate_series(1, 2) k UNION ALL
    SELECT k + 10, $t + k * 0.01, '$dt', 'nvml', 'device', 0, 20, NULL, NULL, NULL, 'node-b' FROM generate_series(1, 2) k UNION ALL
    SELECT k + 10, $t + k * 0.01, '$dt', 'nvml', 'device', 1, 10, NULL, NULL, NULL, 'node-b' FROM generate_series(1, 2) k" >/dev/null
}
dbq "$PG" "DELETE FROM wakesweep_gpu_samples" >/dev/null
test_expect_success "the known samples stored" 'known'
test_expect_success "report (text and --format json) of the known samples: t0206's figures" '
  /usr/bin/time -f %M -o small.kb report --db "$PG" --format json >small.json &&
  report --db "$PG" >small.txt &&
  jq -e ".trials[0].util_mean == 80 and .utilization.sweep_mean == 80 and .utilization.samples == 2 and .utilization.what == \"GPU\"
    and .utilization.note == \"GPUs node-b:0, node-b:1 left out: no trial of the study ran on them\"" small.json >/dev/null &&
  grep -q "^utilization (GPU, gpu-monitor): sweep mean 80\.0% over 2 samples" small.txt'

# the filler first, so that the known rows come after many chunks of one host (node-b is then
# first seen late), its datetimes in the same zone as its t (no shift found)
dbq "$PG" "DELETE FROM wakesweep_gpu_samples" >/dev/null
test_expect_success "$FILL samples of this host's GPU the day before the trial, then the known ones" '
  dbq "$PG" "INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, device, util, host)
    SELECT 100 + g, x.t, to_char(to_timestamp(x.t) AT TIME ZONE '\''UTC'\'', '\''YYYY-MM-DD HH24:MI:SS.US'\''), '\''nvml'\'',
      '\''device'\'', 0, g % 100, '\''$host'\'' FROM generate_series(1, $FILL) g, LATERAL (SELECT $t - 86400 + g * 0.1 AS t) x" >/dev/null &&
  known && [ "$(dbq "$PG" "SELECT count(*) FROM wakesweep_gpu_samples")" = $((FILL + 8)) ]'
test_expect_success "report (text and --format json): the same as of the known samples alone" '
  /usr/bin/time -f %M -o big.kb report --db "$PG" --format json >big.json &&
  report --db "$PG" >big.txt && cmp small.json big.json && cmp small.txt big.txt'
# the copy is a temporary file whose pages SQLite caches a few MB of (about 5 MB over the small
# table's); in memory it grew by 23 MB with the 200000 rows, and the one query result made it 79
expect_rss_within "... in memory that grows with the $FILL samples by at most 10 MB" report big.kb small.kb 10240
# where the temporary file cannot be written (here a file size limit of 1 MB, under the copy's
# 25 MB; a full disk, no temporary directory), the copy is made in memory
test_expect_success "report under ulimit -f 1024 (KB): the same, the copy in memory" '
  (ulimit -f 1024; report --db "$PG" --format json >lim.json) && cmp small.json lim.json'
