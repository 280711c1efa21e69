#!/usr/bin/env bash
# tests/bench/sweep/gaps.sh — what a sweep costs between its trials: a job slot's idle time from
# one trial's end (train-trial finishing it in the study) to the next one's start (suggest
# creating it): make, pipelines/trial.sh and every process they start. Trials here are short
# (kws-fast's search at 1 epoch of a 1-block, 8-channel dscnn, no pruning), so the gaps are a
# large part of the sweep, as they are of a pruned sweep's many short trials. Prints one JSON
# line per run: the report's idle slot-seconds, per trial in ms, and the sweep's wall time.
#
# Usage: [TRIALS=30] [JOBS=2] [RUNS_OF=3] [FEATURES=features/demo.feat] bash tests/bench/sweep/gaps.sh
# Not part of make check; the machine should be otherwise idle.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
TRIALS=${TRIALS:-30} JOBS=${JOBS:-2} RUNS_OF=${RUNS_OF:-3} FEATURES=${FEATURES:-features/demo.feat}
for v in TRIALS JOBS RUNS_OF; do [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "gaps: $v must be a positive number" >&2; exit 2; }; done
make -s all
[ -f "$FEATURES" ] || make -s FEATURES="$FEATURES" data features
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ws-bench-gaps.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
jq '.study = "gaps" | .budget = {"epochs": 1} | .pruner = {"name": "nop"} | del(.space.channels)
    | .fixed.channels = 8 | .fixed.blocks = 1' configs/studies/kws-fast.json >"$tmp/study.json"
for r in $(seq "$RUNS_OF"); do
  # -o: the cache is taken as it is, never remade
  make -s -j"$JOBS" -o "$FEATURES" CONFIG="$tmp/study.json" FEATURES="$FEATURES" TRIALS="$TRIALS" \
    RUNS="$tmp/r$r" DEVICE=cpu sweep >"$tmp/log" 2>&1 || { tail "$tmp/log" >&2; exit 1; }
  jq -c --argjson jobs "$JOBS" '.time | {bench: "sweep-gaps", trials, jobs: $jobs, wall_s: (.wall_s * 100 | round / 100),
    idle_s: (.idle_s * 100 | round / 100), idle_ms_per_trial: (.idle_s / .trials * 1000 | round)}' "$tmp/r$r/report.json"
done
