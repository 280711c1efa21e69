#!/usr/bin/env bash
# tests/bench/report/run.sh — report's time on a long sweep (long_sweep_study.sh: 1000 trials,
# 10 hours of samples at 1 s), each form, best of REPEAT runs. Prints one JSON line of seconds.
# Usage: [BIN=bin] [REPEAT=3] bash tests/bench/report/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
BIN=${BIN:-$root/bin}
REPEAT=${REPEAT:-3}
[ -x "$BIN/report" ] || { echo "bench: no $BIN/report (make first, or set BIN)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ws-bench-report.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
PATH=$BIN:$PATH bash "$root/tests/bench/report/long_sweep_study.sh" "$tmp/long.db" "$root/tests/cli/study.json"
out='{}'
for form in json jsonl text csv html; do
  best=
  for _ in $(seq "$REPEAT"); do
    t0=$(date +%s%N)
    "$BIN/report" --db "$tmp/long.db" --format "$form" >/dev/null
    s=$(awk -v ns=$(( $(date +%s%N) - t0 )) 'BEGIN { printf "%.3f", ns / 1e9 }')
    best=$(awk -v a="${best:-1e9}" -v b="$s" 'BEGIN { print (b < a) ? b : a }')
  done
  out=$(jq -c --arg f "$form" --argjson s "$best" '. + {($f): $s}' <<<"$out")
done
jq -n -c --argjson s "$out" '{bench: "report", trials: 1000, samples: 36001, seconds: $s}'
