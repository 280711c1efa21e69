#!/usr/bin/env bash
# tests/bench/train/memory.sh — peak resident memory of a trial on a feature cache, next to
# Python + PyTorch training the same dscnn on the same cache, and the issue's bound: twice the
# cache size plus the model and optimizer state (AdamW: weights, gradients and two moments of
# every parameter, and the BatchNorm running statistics).
#   tests/bench/train/memory.sh [BUILD_DIR]
# Environment: FEATURES (features/demo.feat), STUDY (configs/studies/kws-default.json), BATCH (64),
# CHANNELS (64), STEPS (torch's training steps, 40). Ours is one whole epoch and its validation
# (train-trial, 1 thread). Both map the cache, so its pages that were read count in both.
# Not part of make check.
set -eu
. "$(dirname "$0")/demo_setup.sh"
STEPS=${STEPS:-40}
jq '.budget.epochs = 1' "$STUDY" >"$tmp/study.json"
"$bin/suggest" --db "$tmp/s.db" --config "$tmp/study.json" --fixed "$tmp/fixed.json" >"$tmp/line"
/usr/bin/time -f %M -o "$tmp/rss" "$bin/train-trial" --db "$tmp/s.db" --features "$FEATURES" --threads 1 --quiet \
  --keep none "$tmp/line" >"$tmp/result"
torch=$(OMP_NUM_THREADS=1 "$PY" tests/bench/train/torch_startup.py "$FEATURES" "$CHANNELS" "$blocks" "$BATCH" "$STEPS")
echo "# $FEATURES, dscnn channels $CHANNELS blocks $blocks, batch $BATCH, AdamW, 1 thread;"
echo "# wakesweep: one epoch and its validation ($(jq -r .state "$tmp/result")); torch: $STEPS training steps"
"$PY" - "$(stat -L -c %s "$FEATURES")" "$(cat "$tmp/rss")" "$torch" <<'PYEOF'
import json, sys
cache, ours_kib, torch = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
state = 4 * (4 * torch["n_params"] + torch["n_buffers"])
bound = 2 * (cache + state)
mib = lambda b: b / 2**20
print("cache %.1f MiB, model and optimizer state %.2f MiB (%d parameters): bound %.1f MiB"
      % (mib(cache), mib(state), torch["n_params"], mib(bound)))
print("%-10s %10s %10s" % ("", "peak MiB", "/ bound"))
for name, m in (("wakesweep", ours_kib / 1024), ("torch", torch["max_rss_mib"])):
    print("%-10s %10.1f %9.2fx" % (name, m, m / mib(bound)))
print("torch / wakesweep: %.2fx" % (torch["max_rss_mib"] / (ours_kib / 1024)))
PYEOF
