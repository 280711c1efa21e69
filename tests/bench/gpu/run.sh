#!/usr/bin/env bash
# tests/bench/gpu/run.sh [BUILD_DIR] [BIN_DIR] — training samples per second on the GPU (the
# device path: data on the device, augmentation, log-mel, forward, backward, update; one sync
# per epoch) for dnn, cnn and dscnn, next to train-trial's CPU loop on all cores, with the GPU's
# busy share from gpu-monitor (NVML utilization averaged over the samples taken during each
# run). Without a GPU it prints one "skip" line. Not part of make check: `make bench-gpu`.
# Environment: MODELS ("dnn cnn dscnn"), BATCHES ("64 256"), PRECISIONS ("tf32 fp32 bf16"),
# BENCH_SECONDS per measurement (5), OUT (a file for the JSON lines).
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
build=${1:-${BUILD:-build}} bin=${2:-${BIN:-bin}}
cd "$root"
make -s BUILD="$build" BIN="$bin" all "$build/bench/cuda_bench" >&2
bench=$build/bench/cuda_bench
MODELS=${MODELS:-dnn cnn dscnn} BATCHES=${BATCHES:-64 256} PRECISIONS=${PRECISIONS:-tf32 fp32 bf16}
secs=${BENCH_SECONDS:-5} out=${OUT:-/dev/null}
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
rc=0
"$bench" dscnn 64 tf32 0.2 cuda >/dev/null 2>"$tmp/err" || rc=$?
if [ "$rc" = 77 ]; then echo "skip bench-gpu: $(sed 's/^cuda_bench: //' "$tmp/err")"; exit 0; fi
[ "$rc" = 0 ] || { cat "$tmp/err" >&2; exit 1; }
"$bin/gpu-monitor" --interval 0.1 --quiet >"$tmp/samples" &
mon=$!
for model in $MODELS; do
  for batch in $BATCHES; do
    for prec in $PRECISIONS; do "$bench" "$model" "$batch" "$prec" "$secs" cuda >>"$tmp/results"; done
  done
  "$bench" "$model" 64 fp32 "$secs" cpu >>"$tmp/results"
done
kill -TERM "$mon"; wait "$mon" || true
cat "$tmp/results" >>"$out"
echo "# $(head -n 1 "$tmp/results" | jq -r .name); $(nproc) CPU cores; ${secs} s per run after a warm-up epoch"
echo "# busy: mean NVML utilization.gpu (% of time a kernel ran) over gpu-monitor's samples in the run"
printf '%-6s %-5s %6s %-5s %13s %10s %7s %9s\n' model dev batch prec samples/s ms/step busy setup-ms
while read -r line; do
  t0=$(jq .t0 <<<"$line") t1=$(jq .t1 <<<"$line")
  busy=$(jq -s --argjson a "$t0" --argjson b "$t1" \
    '[.[] | select(.source == "nvml" and .t >= $a and .t <= $b) | .devices[0].util | select(. != null)]
     | if length > 0 then (add / length | floor | tostring) + "%" else "-" end' -r "$tmp/samples")
  [ "$(jq -r .device <<<"$line")" = cpu ] && busy=-
  jq -r --arg busy "$busy" '[.model, .device, .batch, .precision, (.samples_per_s | floor), .ms_per_step, $busy, .setup_ms]
    | @tsv' <<<"$line" | awk -F'\t' '{printf "%-6s %-5s %6s %-5s %13s %10.3f %7s %9.1f\n", $1, $2, $3, $4, $5, $6, $7, $8}'
done <"$tmp/results"
