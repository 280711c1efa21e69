#!/usr/bin/env bash
# A clip_norm too small for a float (1e-50): torch.nn.utils.clip_grad_norm_ on float32
# gradients takes max_norm / (norm + 1e-6) as a float32, 0, and multiplies every gradient by it,
# so the optimizer steps on zero gradients; the CPU backend does the same. The device path (here
# on the host emulation of the CUDA backend, as t3900 runs it) must train the same trial line to
# the same weights, clip for clip; and so must one that a float does not hold.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
emu=$WS_BUILD/tests/gpu/libwakesweep-cuda-emu.so
emu_env=(env WS_CUDA_FORCE_PROBE=1 WS_CUDA_BACKEND="$emu" CUDA_VISIBLE_DEVICES=0)
make_tone_cache tones
mkdir -p runs/e runs/c
cat >c.json <<J
{"study": "tones", "direction": "maximize", "objective": "accuracy", "pruner": {"name": "nop"}, "budget": {"epochs": 3},
 "sampler": {"name": "random", "seed": 3},
 "space": {"learning_rate": {"type": "float", "low": 0.01, "high": 0.02, "log": true}},
 "fixed": {"model": "dscnn", "channels": 16, "blocks": 1, "batch_size": 4, "positive": "hey_nova", "clip_norm": 1e-50,
           "features": "$WS_ROOT/configs/features/default.json"}}
J
suggest --db runs/e.db --config c.json >e0
suggest --db runs/c.db --config c.json >c0
test_expect_code 0 "clip_norm 1e-50 on the emulated device" "${emu_env[@]}" train-trial --device cuda --threads 1 \
  --quiet --db runs/e.db --features tones.feat --ckpt-dir runs/e e0
cp out emulated
test_expect_code 0 "... and the same trial line on the CPU" train-trial --device cpu --threads 1 --quiet --db runs/c.db \
  --features tones.feat --ckpt-dir runs/c c0
test_expect_success "... give the same intermediate values" '
  study_steps runs/e.db >e.ivs && study_steps runs/c.db >c.ivs && [ "$(wc -l <e.ivs)" = 3 ] && cmp e.ivs c.ivs'
test_expect_success "... and the same best weights (no step moved them)" \
  'cmp runs/e/trial-0.ckpt runs/c/trial-0.ckpt && jq -e ".best_epoch == 1" emulated'

# A clip_norm that a float does not hold (0.1): the CPU takes the factor clip_norm / (norm + 1e-6)
# in double from the setting itself; the device took it from the setting rounded to a float, a
# factor 1.5e-8 apart, which rounded to another float now and then: weights apart in the last bits.
jq '.fixed.clip_norm = 0.1 | .study = "tenth"' c.json >c1.json
mkdir -p runs/e1 runs/c1
suggest --db runs/e1.db --config c1.json >e1
suggest --db runs/c1.db --config c1.json >c1
test_expect_code 0 "clip_norm 0.1 on the emulated device" "${emu_env[@]}" train-trial --device cuda --threads 1 \
  --quiet --db runs/e1.db --features tones.feat --ckpt-dir runs/e1 e1
test_expect_code 0 "... and the same trial line on the CPU" train-trial --device cpu --threads 1 --quiet --db runs/c1.db \
  --features tones.feat --ckpt-dir runs/c1 c1
test_expect_success "... give the same weights, bit for bit" '
  study_steps runs/e1.db >e1.ivs && study_steps runs/c1.db >c1.ivs && cmp e1.ivs c1.ivs &&
  cmp runs/e1/trial-0.ckpt runs/c1/trial-0.ckpt'
