#!/usr/bin/env bash
# tests/bench/train/run.sh — training samples per second of lib/nn next to PyTorch on the CPU:
# default dnn, cnn and dscnn, batch 64, on 1 and 2 threads, same architecture, same run.
#   tests/bench/train/run.sh [BUILD_DIR]     (or: make bench-nn BUILD=...)
# Environment: MODELS ("dnn cnn dscnn"), THREADS ("1 2"), BATCH (64), FRAMES (101), MELS (40),
# BENCH_SECONDS per measurement (3), REPEAT (2: interleaved runs, best kept), OUT (a file for the
# JSON lines). Not part of make check.
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
build=${1:-${BUILD:-build}}
cd "$root"
make -s BUILD="$build" BIN="$build/bin" "$build/bench/nn_bench" "$build/bin/train-trial" >&2
bench=$build/bench/nn_bench
PY=${PY:-/usr/bin/python3}
MODELS=${MODELS:-dnn cnn dscnn} THREADS=${THREADS:-1 2}
BATCH=${BATCH:-64} FRAMES=${FRAMES:-101} MELS=${MELS:-40} BENCH_SECONDS=${BENCH_SECONDS:-3} REPEAT=${REPEAT:-2}
out=${OUT:-/dev/null}

# Which BLAS torch uses: Debian's torch calls the libblas.so.3 alternative; OpenBLAS is wanted.
echo "# libblas.so.3 alternative: $(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | sed -n 's/^Value: //p')"
echo "# torch's BLAS: $("$PY" -c '
import torch
torch.mm(torch.randn(64, 64), torch.randn(64, 64))
libs = sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower() and l.split()[-1].startswith("/")})
print(", ".join(libs) or "none found")')"
ws_set=${OPENBLAS_CORETYPE:-unset}
. tests/bench/same_blas_kernels.sh
same_blas_kernels "$build/bin/train-trial"   # torch's GEMMs in the kernels lib/nn uses
echo "# our BLAS: $(ldd "$bench" | awk '/blas/ {print $3}' | xargs -r readlink -f | tr '\n' ' ')kernels $("$bench" dnn 1 1 4 4 0 | jq -r .blas_core)" \
     "(OPENBLAS_CORETYPE was $ws_set, now set for both; lib/nn's own AVX-512 kernels: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no))"
echo "# input 1x${FRAMES}x${MELS}, batch $BATCH, Adam; samples/s of whole training steps ($(nproc) cores);"
echo "# best of $REPEAT interleaved runs each; cpu-ratio: torch's CPU time per step / ours (less sensitive to"
echo "# other load on a shared machine); setup: launch (exec) to the first training step, wall ms and"
echo "# CPU ms (su-cpu, less sensitive to load); first: launch to the end of that step; the fastest run"
echo "# of each (random data here; tests/bench/train/startup.sh: train-trial on the demo cache);"
echo "# load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %7s %10s %10s %7s %9s %8s %8s %8s %8s %8s %8s %7s %7s\n' model threads wakesweep torch ratio cpu-ratio \
  setup-ms torch-su su-cpu t-su-cpu first-ms t-first rss-MiB t-rss
for model in $MODELS; do
  for t in $THREADS; do
    runs=()
    for r in $(seq "$REPEAT"); do
      # BENCH_LAUNCH_NS: the launch, for the start-up columns (exec, loading, imports included)
      runs+=("$(BENCH_LAUNCH_NS=$(date +%s%N) exec "$bench" "$model" "$t" "$BATCH" "$FRAMES" "$MELS" "$BENCH_SECONDS")")
      runs+=("$(OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t MKL_NUM_THREADS=$t BENCH_LAUNCH_NS=$(date +%s%N) \
               exec "$PY" tests/bench/train/torch_bench.py "$model" "$t" "$BATCH" "$FRAMES" "$MELS" "$BENCH_SECONDS")")
    done
    printf '%s\n' "${runs[@]}" >>"$out"
    "$PY" -c '
import json, sys
rows = [json.loads(l) for l in sys.argv[1:]]
best = {}
for r in rows:
    if r["impl"] not in best or r["samples_per_s"] > best[r["impl"]]["samples_per_s"]:
        best[r["impl"]] = r
a, b = best["wakesweep"], best["torch"]
assert a["params"] == b["params"], ("parameter counts differ", a["params"], b["params"])
low = lambda impl, key: min(r[key] for r in rows if r["impl"] == impl)
cpu = low("torch", "cpu_ms_per_step") / low("wakesweep", "cpu_ms_per_step")
print("%-6s %7d %10.1f %10.1f %6.2fx %8.2fx %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %7.0f %7.0f" % (a["model"], a["threads"],
      a["samples_per_s"], b["samples_per_s"], a["samples_per_s"] / b["samples_per_s"], cpu,
      low("wakesweep", "setup_ms"), low("torch", "setup_ms"), low("wakesweep", "setup_cpu_ms"), low("torch", "setup_cpu_ms"),
      low("wakesweep", "first_step_ms"), low("torch", "first_step_ms"), a["max_rss_mib"], b["max_rss_mib"]))' "${runs[@]}"
  done
done
