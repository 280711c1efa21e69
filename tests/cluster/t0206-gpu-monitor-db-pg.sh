#!/usr/bin/env bash
# gpu-monitor --db stores its samples in a PostgreSQL study, as in a SQLite file (t4005, t4014):
# a table made when missing, beside Optuna's, whose rows carry the host that took them (each node
# of a cluster runs its own monitor into the one database), the RUNNING trials' pids of this
# host watched (a pid recorded on another node names nothing here), and report reads them back
# into its utilization lines. It refused a PostgreSQL URL (exit 2, "keeps its samples in SQLite
# study files only"), so on a cluster, where the GPUs matter most, report had no utilization.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
if [ -z "${WS_PG_HOST:-}" ]; then
  test_skip "gpu-monitor samples in PostgreSQL" "no PostgreSQL server (make check-cluster starts one)"; exit 0
fi
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
host=$(uname -n)   # gethostname(2), as the tools take it
PG=$(db_new mon) || exit 1
cp "$WS_ROOT/tests/cli/study.json" c.json
sleep 60 & ours=$!
sleep 60 & other=$!
trap 'kill $ours $other 2>/dev/null; rm -rf "$TMP"' EXIT

# A monitor started before the study: its table alone, none of Optuna's (suggest makes those).
test_expect_code 0 "gpu-monitor --db postgresql://... before the study exists" gpu-monitor "${NOGPU[@]}" -i 0.02 -n 2 --db "$PG"
test_expect_success "... two samples printed and stored, with this host, none of Optuna's tables made" '
  [ "$(jq -s length out)" = 2 ] &&
  [ "$(dbq "$PG" "SELECT count(*), count(DISTINCT sample), min(host), max(host) FROM wakesweep_gpu_samples
        WHERE kind = '\''device'\'' AND source = '\''proc'\'' AND util BETWEEN 0 AND 100")" = "2|2|$host|$host" ] &&
  [ "$(dbq "$PG" "SELECT count(*) FROM pg_tables WHERE tablename = '\''trials'\''")" = 0 ]'
test_expect_success "... the rows' t are the lines' t" '
  [ -s out ] && [ "$(dbq "$PG" "SELECT t FROM wakesweep_gpu_samples ORDER BY sample" | awk "{ printf \"%.6f\\n\", \$1 }")" = \
    "$(jq .t out | awk "{ printf \"%.6f\\n\", \$1 }")" ]'
dbq "$PG" "DELETE FROM wakesweep_gpu_samples" >/dev/null 2>&1

# Trial 0 runs here ($ours), trial 1 on another node (its pid $other names another process here),
# trial 2 has finished.
suggest --db "$PG" --config c.json --n 3 >/dev/null
tell --db "$PG" --study kws --trial 2 --state complete --value 0.5 >/dev/null
dbq "$PG" "INSERT INTO trial_system_attributes (trial_id, key, value_json) SELECT trial_id, k, v FROM trials,
  (VALUES (0, 'wakesweep:pid', '$ours'), (0, 'wakesweep:host', '\"$host\"'),
          (1, 'wakesweep:pid', '$other'), (1, 'wakesweep:host', '\"not-$host\"'),
          (2, 'wakesweep:pid', '$other'), (2, 'wakesweep:host', '\"$host\"')) AS a (n, k, v)
  WHERE number = n" >/dev/null || echo "FAIL recording the trials' pids"
id0=$(dbq "$PG" "SELECT trial_id FROM trials WHERE number = 0")
test_expect_code 0 "gpu-monitor --db postgresql://... with RUNNING trials" gpu-monitor "${NOGPU[@]}" -i 0.05 -n 3 --db "$PG"
test_expect_success "... watches this host's RUNNING trial's process only" '
  jq -e -s "length == 3 and all(.[]; [.processes[] | [.pid, .trial]] == [[$ours, 0]])" out >/dev/null'
test_expect_success "... and stores it as trial 0's: 3 device rows, 3 process rows" '
  [ "$(dbq "$PG" "SELECT kind, count(*), count(DISTINCT sample), min(pid), min(trial_id), count(rss_bytes)
        FROM wakesweep_gpu_samples WHERE host = '\''$host'\'' GROUP BY kind ORDER BY kind" | tr "\n" " ")" = \
    "device|3|3|||0 process|3|3|$ours|$id0|3 " ]'

# report reads them as it reads a SQLite file's: the sweep's mean over the 3 samples, trial 0's
# own process (CPU, RSS), the /proc source.
test_expect_code 0 "report --format json of the PostgreSQL study" report --db "$PG" --format json
test_expect_success "... utilization from the 3 samples, of the CPUs" '
  jq -e ".utilization | .source == \"proc\" and .what == \"CPU\" and .samples == 3 and (.sweep_mean | type) == \"number\"
    and .note == null" out >/dev/null'
test_expect_success "... trial 0: its mean and its process's CPU and RSS; trial 1: no process of its own" '
  jq -e "(.trials | map({key: (.trial | tostring), value: .}) | from_entries) as \$t
    | (\$t[\"0\"] | (.util_mean | type) == \"number\" and (.cpu_mean | type) == \"number\" and .rss_max_bytes > 0)
    and (\$t[\"1\"] | (.util_mean | type) == \"number\" and .cpu_mean == null)" out >/dev/null'
test_expect_code 0 "report (text) of the PostgreSQL study" report --db "$PG"
test_expect_success "... names the sweep's mean over 3 samples" 'grep -q "^utilization (CPU, gpu-monitor): sweep mean [0-9.]*% over 3 samples" out'

# Two nodes' monitors in one database, each with a GPU 0: a GPU is (host, device). This host's
# GPU 0 ran trial 0 at 80 %; node-b's GPU 0 (20 %) and GPU 1 (10 %) ran none of the study's
# trials. Told apart by host, trial 0's mean and the sweep's are 80 (by hand), and node-b's two
# GPUs are named as left out; by device alone they were 50 (both GPU 0s), and only "GPU 1" left out.
PG2=$(db_new hosts) || exit 1
gpu-monitor "${NOGPU[@]}" -i 0.01 -n 1 --db "$PG2" >/dev/null 2>&1   # its table, as a monitor makes it
dbq "$PG2" "DELETE FROM wakesweep_gpu_samples" >/dev/null
suggest --db "$PG2" --config c.json --n 1 >/dev/null
id=$(dbq "$PG2" "SELECT trial_id FROM trials")
sleep 0.2
t=$(date +%s.%N) dt=$(date -d "@$t" '+%Y-%m-%d %H:%M:%S.%6N')
for k in 1 2; do
  dbq "$PG2" "INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, device, util, pid, trial_id, mem_used_bytes, host)
    VALUES ($k, $t + $k * 0.01, '$dt', 'nvml', 'device', 0, 80, NULL, NULL, NULL, '$host'),
           ($k, $t + $k * 0.01, '$dt', 'nvml', 'process', 0, NULL, $ours, $id, 1048576, '$host'),
           ($k + 10, $t + $k * 0.01, '$dt', 'nvml', 'device', 0, 20, NULL, NULL, NULL, 'node-b'),
           ($k + 10, $t + $k * 0.01, '$dt', 'nvml', 'device', 1, 10, NULL, NULL, NULL, 'node-b')" >/dev/null ||
    echo "FAIL inserting two hosts' samples"
done
test_expect_code 0 "report --format json of a study with two hosts' samples" report --db "$PG2" --format json
test_expect_success "... trial 0's and the sweep's mean of this host's GPU 0 alone: 80" '
  jq -e ".trials[0].util_mean == 80 and .utilization.sweep_mean == 80 and .utilization.samples == 2
    and .utilization.what == \"GPU\"" out >/dev/null'
test_expect_success "... node-b's GPUs named as left out" '
  jq -e ".utilization.note == \"GPUs node-b:0, node-b:1 left out: no trial of the study ran on them\"" out >/dev/null'

# The sweep's monitor (pipelines/monitor.sh, as make sweep starts and stops it) hands it a
# PostgreSQL DB too: it ran without --db there, and the samples went to monitor.jsonl alone.
PG3=$(db_new pipeline) || exit 1
suggest --db "$PG3" --config c.json --n 0 >/dev/null
test_expect_success "pipelines/monitor.sh over a PostgreSQL study: its samples are stored there" '
  mkdir -p runs && bash "$WS_ROOT/pipelines/monitor.sh" start runs "$PG3" "$WS_BIN" 0.1 && sleep 0.5 &&
  bash "$WS_ROOT/pipelines/monitor.sh" stop runs && n=$(dbq "$PG3" "SELECT count(*) FROM wakesweep_gpu_samples") &&
  [ "$n" -gt 0 ] && [ "$n" = "$(jq -s length runs/monitor.jsonl)" ] ||
  { echo "samples: ${n:-none}; monitor.err: $(cat runs/monitor.err)"; false; } >&2'
