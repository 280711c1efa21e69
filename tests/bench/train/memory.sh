#!/usr/bin/env bash
# tests/bench/train/memory.sh — peak resident memory of a trial on a feature cache, next to
# Python + PyTorch training the same dscnn on the same cache, and the issue's bound: twice the
# cache size plus the model and optimizer state (AdamW: weights, gradients and two moments of
# every parameter, and the BatchNorm running statistics).
#   tests/bench/train/memory.sh [BUILD_DIR]
# Environment: FEATURES (features/demo.feat), STUDY (configs/studies/kws-default.json), BATCH (64),
# CHANNELS (64), CORNERS (BATCHxCHANNELS: one row; e.g. "32x32 32x64 64x32 64x64", kws-default's
# corners, one row each), STEPS (torch's training steps, 40). Ours is one whole epoch and its
# validation (train-trial, 1 thread). Both map the cache, so its pages that were read count in both.
# Not part of make check.
set -eu
. "$(dirname "$0")/demo_setup.sh"
STEPS=${STEPS:-40}
CORNERS=${CORNERS:-${BATCH}x$CHANNELS}
jq '.budget.epochs = 1' "$STUDY" >"$tmp/study.json"
echo "# $FEATURES, dscnn blocks $blocks, AdamW, 1 thread;"
echo "# wakesweep: one epoch and its validation; torch: $STEPS training steps"
awk -v n="$(stat -L -c %s "$FEATURES")" 'BEGIN { printf "cache %.1f MiB\n", n / 1048576 }'
printf '%5s %8s %9s %9s %10s %8s %9s %8s %11s\n' batch channels "state MiB" "bound MiB" "ours MiB" "/ bound" \
  "torch MiB" "/ bound" "torch/ours"
for corner in $CORNERS; do
  b=${corner%x*} c=${corner#*x}
  case "$b$c" in *[!0-9]*|'') echo "memory.sh: CORNERS: $corner: expected BATCHxCHANNELS, e.g. 32x64" >&2; exit 2;; esac
  jq -n --argjson b "$b" --argjson c "$c" '{batch_size: $b, channels: $c}' >"$tmp/fixed.json"
  rm -f "$tmp"/s.db*
  "$bin/suggest" --db "$tmp/s.db" --config "$tmp/study.json" --fixed "$tmp/fixed.json" >"$tmp/line"
  /usr/bin/time -f %M -o "$tmp/rss" "$bin/train-trial" --db "$tmp/s.db" --features "$FEATURES" --threads 1 \
    --quiet --keep none "$tmp/line" >"$tmp/result"
  state=$(jq -r .state "$tmp/result")
  [ "$state" = COMPLETE ] || { echo "memory.sh: batch $b, channels $c: the trial ended $state" >&2; exit 1; }
  torch=$(OMP_NUM_THREADS=1 "$PY" tests/bench/train/torch_startup.py "$FEATURES" "$c" "$blocks" "$b" "$STEPS")
  "$PY" - "$b" "$c" "$(stat -L -c %s "$FEATURES")" "$(cat "$tmp/rss")" "$torch" <<'PYEOF'
import json, sys
b, c, cache, ours_kib, torch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5])
state = 4 * (4 * torch["n_params"] + torch["n_buffers"])
mib = lambda n: n / 2**20
bound, ours, theirs = mib(2 * (cache + state)), ours_kib / 1024, torch["max_rss_mib"]
print("%5s %8s %9.2f %9.1f %10.1f %7.2fx %9.1f %7.2fx %10.2fx"
      % (b, c, mib(state), bound, ours, ours / bound, theirs, theirs / bound, theirs / ours))
PYEOF
done
