#!/usr/bin/env bash
# The CUDA backend on a real GPU: every layer, whole models and the device training session
# against the CPU backend, determinism, no allocation or sync in a step, OOM (test_cuda_gpu);
# then train-trial on the GPU: --device auto picks it, trains, reproduces itself, bf16 trains,
# out of memory ends the trial FAIL "oom", --probe-batch. Without a GPU: one line
# "skip gpu: no CUDA device (why)". Run alone with `make check-gpu`.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

train-trial --device cuda --db none.db --features none.feat /dev/null >/dev/null 2>gpu.err || true
if grep -q "no CUDA device" gpu.err; then
  echo "skip gpu: $(grep -o 'no CUDA device (.*)' gpu.err | head -n 1)"
  exit 0
fi

# Under the sanitizers the CUDA driver needs ASan's shadow gap, and its runtime keeps memory
# until exit.
if asan_built train-trial; then
  export ASAN_OPTIONS=protect_shadow_gap=0:detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}
fi

test_run_cases gpu "$WS_BUILD/tests/gpu/test_cuda_gpu"

make_tone_cache tones
mkdir -p runs/a runs/b
cat >c.json <<J
{"study": "tones", "direction": "maximize", "objective": "f1", "pruner": {"name": "nop"}, "budget": {"epochs": 10},
 "sampler": {"name": "random", "seed": 2},
 "space": {"learning_rate": {"type": "float", "low": 0.01, "high": 0.02, "log": true}},
 "fixed": {"model": "dscnn", "channels": 16, "blocks": 1, "batch_size": 4, "positive": "hey_nova",
           "noise_prob": 0.3, "snr_low": 5, "snr_high": 15, "time_shift": 2,
           "features": "$WS_ROOT/configs/features/default.json"}}
J
suggest --db runs/a.db --config c.json >line
test_expect_code 0 "--device auto trains on the GPU" train-trial --device auto --db runs/a.db --features tones.feat --ckpt-dir runs/a line
cp out a
test_expect_success "... says so, and the trial is COMPLETE" 'grep -q "note: training on cuda:0" err && jq -e ".state == \"COMPLETE\"" a'
test_expect_success "... and learns the tones (validation accuracy >= 0.5, chance 0.25)" 'jq -e ".metrics.accuracy >= 0.5" a'
suggest --db runs/b.db --config c.json >/dev/null
test_expect_code 0 "the same trial line again" train-trial --device cuda --quiet --db runs/b.db --features tones.feat --ckpt-dir runs/b line
test_expect_success "... gives the same metrics and weights (deterministic)" '
  [ "$(jq -c .metrics out)" = "$(jq -c .metrics a)" ] && cmp runs/a/trial-0.ckpt runs/b/trial-0.ckpt'
suggest --db runs/a.db --config c.json >l1
test_expect_code 0 "--precision bf16 trains" train-trial --device cuda --precision bf16 --quiet --keep none --db runs/a.db --features tones.feat l1
test_expect_success "... COMPLETE" 'jq -e ".state == \"COMPLETE\" and .metrics.accuracy >= 0.25" out'
suggest --db runs/a.db --config c.json >l2
test_expect_code 0 "out of device memory ends the trial" env WS_CUDA_MEM_MIB=1 train-trial --device cuda --quiet --keep none \
  --db runs/a.db --features tones.feat l2
test_expect_success "... FAIL with reason oom" 'jq -e ".state == \"FAIL\" and .reason == \"oom\"" out'
test_expect_code 0 "--probe-batch on the GPU" env WS_CUDA_MEM_MIB=512 train-trial --device cuda --probe-batch --quiet \
  --db runs/a.db --features tones.feat l2
test_expect_success "... a batch between 1 and the 65536 searched, under a 512 MiB limit" '
  jq -e ".device == \"cuda\" and .batch >= 1 and .batch < 65536" out'
