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
make -s BUILD="$build" BIN="$build/bin" "$build/bench/nn_bench" >&2
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
echo "# our BLAS: $(ldd "$bench" | awk '/blas/ {print $3}' | xargs -r readlink -f | tr '\n' ' ')"
echo "# input 1x${FRAMES}x${MELS}, batch $BATCH, Adam; samples/s of whole training steps ($(nproc) cores);"
echo "# best of $REPEAT interleaved runs each; cpu-ratio: torch's CPU time per step / ours (less sensitive to"
echo "# other load on a shared machine); load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %7s %12s %12s %7s %9s %14s %14s %9s %9s\n' model threads wakesweep torch ratio cpu-ratio first-step-ms torch-first-ms rss-MiB torch-rss
for model in $MODELS; do
  for t in $THREADS; do
    runs=()
    for r in $(seq "$REPEAT"); do
      runs+=("$("$bench" "$model" "$t" "$BATCH" "$FRAMES" "$MELS" "$BENCH_SECONDS")")
      runs+=("$(OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t MKL_NUM_THREADS=$t \
               "$PY" tests/bench/train/torch_bench.py "$model" "$t" "$BATCH" "$FRAMES" "$MELS" "$BENCH_SECONDS")")
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
cpu = min(r["cpu_ms_per_step"] for r in rows if r["impl"] == "torch") / min(r["cpu_ms_per_step"] for r in rows if r["impl"] == "wakesweep")
print("%-6s %7d %12.1f %12.1f %6.2fx %8.2fx %14.1f %14.1f %9.0f %9.0f" % (a["model"], a["threads"], a["samples_per_s"],
      b["samples_per_s"], a["samples_per_s"] / b["samples_per_s"], cpu, a["first_step_ms"], b["first_step_ms"],
      a["max_rss_mib"], b["max_rss_mib"]))' "${runs[@]}"
  done
done
