#!/usr/bin/env bash
# gpu-monitor cost benchmark: CPU time (user + system) that gpu-monitor spends sampling at 10 Hz
# for 60 s, as a percentage of one core. Goal: under 0.5 %.
# Modes, run side by side (they mostly sleep, so they barely disturb each other):
#   proc       the /proc fallback (what a machine without a GPU runs)
#   proc-full  the same with --pidfile (4 watched pids) and --db (rows into a study file with
#              Optuna's tables and 4 RUNNING trials whose pids are read every sample)
#   nvml       NVML, the real driver when there is one, else the fake (tests/fake_nvml: measures
#              our side of the calls only), with --pidfile and --db
# Usage: tests/bench/gpu-monitor/run.sh [DURATION_S [INTERVAL_S]]   (defaults 60 0.1)
# Prints one JSON line per mode; exit 1 when a mode misses the goal.
set -u
root=$(cd "$(dirname "$0")/../../.." && pwd)
bin=${WS_BIN:-$root/bin} build=${WS_BUILD:-$root/build}
D=${1:-60} I=${2:-0.1} GOAL=0.5
work=$(mktemp -d "${TMPDIR:-/tmp}/ws-bench-gpu.XXXXXX")
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
[ -x "$bin/gpu-monitor" ] || { echo "no $bin/gpu-monitor: build first (make)" >&2; exit 2; }

for _ in 1 2 3 4; do sleep $((D + 30)) & pids+=($!); done
printf '%s\n' "${pids[@]}" > pids
study_db() {   # a study file with Optuna-shaped trial tables and 4 RUNNING trials holding the pids
  sqlite3 "$1" "CREATE TABLE trials (trial_id INTEGER PRIMARY KEY, number INTEGER, study_id INTEGER, state VARCHAR(8),
    datetime_start DATETIME, datetime_complete DATETIME);
    CREATE TABLE trial_system_attributes (trial_system_attribute_id INTEGER PRIMARY KEY, trial_id INTEGER,
    key VARCHAR(512), value_json TEXT, UNIQUE (trial_id, key));"
  local k=0 p
  for p in "${pids[@]}"; do
    sqlite3 "$1" "INSERT INTO trials VALUES ($k, $k, 1, 'RUNNING', NULL, NULL);
      INSERT INTO trial_system_attributes (trial_id, key, value_json) VALUES ($k, 'wakesweep:pid', '$p');"
    k=$((k + 1))
  done
}
study_db full.db
study_db nvml.db

# measure MODE ARGS...: runs gpu-monitor for D seconds and prints its JSON line.
measure() {
  local mode=$1; shift
  local TIMEFORMAT='%U %S %R' t
  t=$( { time "$@" --interval "$I" --duration "$D" -q >"$mode.out" 2>"$mode.err"; } 2>&1 )
  read -r user sys real <<<"$t"
  local n; n=$(wc -l <"$mode.out")
  awk -v m="$mode" -v u="$user" -v s="$sys" -v r="$real" -v n="$n" -v d="$D" -v i="$I" -v g="$GOAL" -v src="$(head -c 40 "$mode.out" | sed -n 's/.*"source":"\([a-z]*\)".*/\1/p')" 'BEGIN {
    pct = 100 * (u + s) / r
    printf "{\"bench\":\"gpu-monitor\",\"mode\":\"%s\",\"source\":\"%s\",\"interval_s\":%s,\"duration_s\":%s,\"samples\":%d,", m, src, i, d, n
    printf "\"user_s\":%s,\"sys_s\":%s,\"wall_s\":%s,\"core_pct\":%.3f,\"goal_pct\":%s,\"ok\":%s}\n", u, s, r, pct, g, (pct < g ? "true" : "false") }'
}

nvml_env=()
if ! ldconfig -p 2>/dev/null | grep -q 'libnvidia-ml\.so\.1'; then
  [ -e "$build/fake_nvml/libnvidia-ml.so.1" ] || { echo "no NVML and no fake in $build/fake_nvml (make check builds it)" >&2; exit 2; }
  nvml_env=(env LD_LIBRARY_PATH="$build/fake_nvml" FAKE_NVML_DEVICES=2)
fi
measure proc "$bin/gpu-monitor" --nvml-library /nonexistent/libnvidia-ml.so.1 >proc.json & m1=$!
measure proc-full "$bin/gpu-monitor" --nvml-library /nonexistent/libnvidia-ml.so.1 --pidfile pids --db full.db >full.json & m2=$!
measure nvml "${nvml_env[@]}" "$bin/gpu-monitor" --fallback none --pidfile pids --db nvml.db >nvml.json & m3=$!
wait $m1 $m2 $m3
cat proc.json full.json nvml.json
! grep -q '"ok":false' proc.json full.json nvml.json
