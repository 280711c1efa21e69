#!/usr/bin/env bash
# class_weights with label_smoothing: torch's smoothing term weighs every class's weight against
# the batch's label weights, so with weights 10000 and 1 a model that knows nothing (all logits
# equal) has a loss of ~348 on a batch without the heavy class (torch's own number, below), far
# above the 100 x log(classes) that the trainer took for divergence: every such trial failed
# "diverged" at its first batch, on the CPU and on a device alike. The divergence limit is a
# hundred times the loss of equal logits on the batch; a loss that does run away still fails.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
emu=$WS_BUILD/tests/gpu/libwakesweep-cuda-emu.so
make_tone_cache tones
tone_study_config c.json
# classes in the cache's order: go hey_nova no yes; "go" is the heavy one. torch 1.13's loss of
# equal logits on a batch without it, 347.925 (100 x ln 4 is 138.6):
#   F.cross_entropy(torch.zeros(4, 4), torch.tensor([1, 2, 3, 1]),
#                   weight=torch.tensor([1e4, 1, 1, 1]), label_smoothing=0.1)
jq '.objective = "accuracy" | del(.constraints) | .budget.epochs = 2
    | .fixed.class_weights = [10000, 1, 1, 1] | .fixed.label_smoothing = 0.1' c.json >w.json

mkdir -p runs/c runs/e
suggest --db runs/c.db --config w.json >c0
test_expect_code 0 "weights 10000 and 1, label_smoothing 0.1: trains" \
  train-trial --device cpu --threads 1 --quiet --db runs/c.db --features tones.feat --ckpt-dir runs/c c0
test_expect_success "... COMPLETE, its 2 epochs, not diverged" 'jq -e ".state == \"COMPLETE\" and .epochs == 2" out'
if [ -e "$emu" ]; then
  suggest --db runs/e.db --config w.json >e0
  test_expect_code 0 "... on the emulated device" env WS_CUDA_FORCE_PROBE=1 WS_CUDA_BACKEND="$emu" CUDA_VISIBLE_DEVICES=0 \
    train-trial --device cuda --threads 1 --quiet --db runs/e.db --features tones.feat --ckpt-dir runs/e e0
  test_expect_success "... COMPLETE there too" 'jq -e ".state == \"COMPLETE\" and .epochs == 2" out'
else
  test_skip "... on the emulated device" "no $emu (make check builds it)"
fi

# a loss that runs away is still divergence: the same weights at a learning rate of 1e4
jq '.fixed.optimizer = "sgd" | .space = {"learning_rate": {"type": "float", "low": 1e4, "high": 2e4}}' w.json >big.json
suggest --db runs/big.db --config big.json >b0
test_expect_code 0 "... at learning_rate 1e4" \
  train-trial --device cpu --threads 1 --quiet --keep none --db runs/big.db --features tones.feat b0
test_expect_success "... FAIL, the loss diverged or NaN" \
  'jq -e ".state == \"FAIL\" and (.reason | test(\"^(diverged: loss|loss is NaN)\"))" out'
