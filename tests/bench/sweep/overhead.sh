#!/usr/bin/env bash
# tests/bench/sweep/overhead.sh — where a sweep's CPU time goes outside the training epochs.
# Runs a small sweep (make -jJOBS sweep, kws-fast on the demo cache) under `perf record` sampling
# CPU time (task-clock, one sample every PERIOD_MS of CPU, with DWARF call stacks), and prints
# the CPU seconds of each part, from the samples:
#   train-epochs  train-trial inside train_part (the epochs' batches: the work itself)
#   eval          train-trial inside validate (the validation passes)
#   after-val     train-trial inside after_validation: the best checkpoint's save, the report to
#                 the study and the pruner's query (prune-check's logic)
#   heartbeat     train-trial's ticker thread;  cache-verify: the cache's checksum thread
#   setup+finish  the rest of train-trial: process start, cache load, model build, study reads,
#                 the trial's finish
#   suggest, monitor (gpu-monitor), report, make+shell (make, bash, jq, mv, flock, ...)
# CPU time, not wall time: the machine may be shared. The train-trial parts are from the samples'
# stacks; a part under PERIOD_MS x a few samples is noise. THREADS=1 (no --grow-threads) keeps
# every trial's work on its main thread, whose stacks name the part. Also prints the trials'
# values (trial, state, value, epochs), to compare a change's runs by (same seeds, -j1: same values).
#
# Usage: [TRIALS=10] [JOBS=2] [PERIOD_MS=5] [CONFIG=configs/studies/kws-fast.json]
#        [FEATURES=features/demo.feat] [KEEP=dir] bash tests/bench/sweep/overhead.sh
# Not part of make check. Needs perf (linux-perf) and permission to use it; perf.data is ~25 MB
# per 10 CPU seconds. Measured: tests/bench/sweep/results.txt ("CPU outside the epochs").
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
TRIALS=${TRIALS:-10} JOBS=${JOBS:-2} PERIOD_MS=${PERIOD_MS:-5} CONFIG=${CONFIG:-configs/studies/kws-fast.json}
FEATURES=${FEATURES:-features/demo.feat}
for v in TRIALS JOBS PERIOD_MS; do [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "overhead: $v must be a positive number" >&2; exit 2; }; done
command -v perf >/dev/null || { echo "overhead: perf not found (apt-get install linux-perf)" >&2; exit 2; }
make -s all
[ -f "$FEATURES" ] || make -s FEATURES="$FEATURES" data features
tmp=${KEEP:-$(mktemp -d "${TMPDIR:-/tmp}/ws-bench-overhead.XXXXXX")}
mkdir -p "$tmp"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp/runs"
# -o: the cache is taken as it is, never remade
perf record -q -e task-clock -c $((PERIOD_MS * 1000000)) --call-graph dwarf,8192 -o "$tmp/perf.data" -- \
  make -s -j"$JOBS" -o "$FEATURES" CONFIG="$CONFIG" FEATURES="$FEATURES" TRIALS="$TRIALS" RUNS="$tmp/runs" \
    DEVICE=cpu THREADS=1 sweep >"$tmp/log" 2>&1 || { tail "$tmp/log" >&2; exit 1; }
# One record per sample: "comm period", then its stack, a line a frame (address, symbol), leaf
# first; a blank line ends it. A train-trial stack that does not unwind to trainer_run, main or a
# thread's start (OpenBLAS's assembly kernels have no unwind tables; 8 KB of stack is copied per
# sample) is a compute kernel's: its samples are split between train-epochs and eval as the unwound
# samples with the same leaf symbol are (a few kernel-only samples go with them).
perf script -i "$tmp/perf.data" -F comm,period,ip,sym 2>/dev/null | awk '
  function part(c, s) {
    if (c != "train-trial") {
      if (c == "suggest" || c == "report") return c
      if (c == "gpu-monitor") return "monitor"
      return "make+shell"
    }
    if (s !~ / (main|trainer_run|start_thread|__libc_start_call_main|check_run|run) /) return "?"
    if (s ~ / train_part /) return "train-epochs"
    if (s ~ / validate /) return "eval"
    if (s ~ / after_validation /) return "after-val"
    if (s ~ / ticker_run | run /) return "heartbeat"
    if (s ~ / check_run /) return "cache-verify"
    return "setup+finish"
  }
  function flush(  p) {
    if (comm == "") return
    p = part(comm, stack " ")
    if (p == "?") lost[leaf] += period
    else cpu[p] += period
    if (p == "make+shell") cmd[comm] += period
    if (p == "train-epochs" || p == "eval") by[p, leaf] += period
    comm = ""
  }
  NF == 0 { flush(); next }
  comm == "" { comm = $1; period = $2 / 1e9; stack = ""; leaf = ""; next }
  { sym = $0; sub(/^[ 	]*[0-9a-f]+ /, "", sym); sub(/ \(inlined\)$/, "", sym)
    if (leaf == "") leaf = sym
    stack = stack " " sym }
  END {
    flush()
    for (l in lost) {
      t = by["train-epochs", l]; v = by["eval", l]
      if (t + v == 0) { t = cpu["train-epochs"]; v = cpu["eval"] }
      cpu["train-epochs"] += lost[l] * t / (t + v); cpu["eval"] += lost[l] * v / (t + v); unwound += lost[l]
    }
    for (p in cpu) { total += cpu[p]; if (p != "train-epochs") over += cpu[p] }
    n = split("train-epochs eval after-val heartbeat cache-verify setup+finish suggest make+shell monitor report", order)
    for (i = 1; i <= n; i++) printf "%-13s %8.2f s CPU\n", order[i], cpu[order[i]]
    printf "  make+shell by command:"; for (c in cmd) printf " %s %.2f", c, cmd[c]; printf "\n"
    printf "%-13s %8.2f s CPU: %.1f%% of %.2f (%.2f s of kernels split by leaf)\n", "overhead", over, 100 * over / total, total, unwound
  }'
jq -r '.time | "sweep: \(.trials) trials, \(.wall_s * 10 | round / 10) s wall"' "$tmp/runs/report.json"
for f in "$tmp"/runs/trial-*.json; do jq -c '[.trial, .state, .value, .epochs]' "$f"; done | tr '\n' ' '; echo
