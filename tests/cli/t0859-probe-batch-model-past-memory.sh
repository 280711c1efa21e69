#!/usr/bin/env bash
# train-trial --probe-batch sizes a model without building it on the host: it built the trial's
# model (weights drawn, gradients allocated) and reserved its activations for batches of 1 and 2
# only to measure them, on the CPU and before a GPU's search alike (whose every candidate builds
# the model in host memory before it goes to the device), so a model past the host's
# memory (a cnn of 4 TiB of weights; a dscnn of 4096 channels and 64 blocks, 4 GiB of weights
# touched as they were drawn) failed the probe ("model: out of memory", exit 3) or had it killed
# by the OOM killer. Now the sizes come from the layer list (nn_model_plan, what training will
# allocate), and a GPU's search is not begun for a model whose weights and gradients are past the
# host's memory: the probe answers, batch 0 where the model alone does not fit. References: torch (the
# model built on the meta device, fixtures.sh's torch_sizes: parameters, and each convolution's
# output for one sample).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
need_python "probe past memory" torch
make_tone_cache tones
tone_study_config c0.json
mkdir runs

# probe_study NAME JQ: a study of the tone config changed by JQ, in runs/NAME.db, its trial line in NAME.line
probe_study() { jq "$2" c0.json >"$1.json" && suggest --db "runs/$1.db" --config "$1.json" >"$1.line"; }

probe_study small '.'
test_expect_code 0 "--probe-batch --device cpu, the tone study's small dscnn" \
  train-trial --probe-batch --device cpu --db runs/small.db --features tones.feat small.line
test_expect_success "... a batch in the tens of thousands" 'jq -e ".batch > 1000 and .bytes.per_sample > 0" out'

if can_limit_address_space "--probe-batch past memory under ulimit -v" train-trial; then
  probe_study cnn '.fixed += {"model": "cnn", "channels": 4096, "kernel": [1, 1], "stride": [1, 1], "inner_kernel": [1, 1],
                              "pool": [1, 1], "hidden": 65536, "dropout": 0}'
  test_expect_code 0 "a cnn of 4 TiB of weights, under ulimit -v 2 GB" \
    bash -c 'ulimit -v 2000000 && exec timeout 120 "$WS_BIN/train-trial" --probe-batch --device cpu --db runs/cnn.db --features tones.feat cnn.line'
  test_expect_success "... batch 0: the model alone does not fit" 'jq -e ".device == \"cpu\" and .batch == 0" out'
  # On a GPU each candidate batch builds the model in host memory before it goes to the device:
  # one past the host's memory fits no batch (here the host emulation of the CUDA backend, t3900's).
  emu=$WS_BUILD/tests/gpu/libwakesweep-cuda-emu.so
  if [ -e "$emu" ]; then
    test_expect_code 0 "the same cnn on the emulated CUDA device" \
      env WS_CUDA_FORCE_PROBE=1 WS_CUDA_BACKEND="$emu" CUDA_VISIBLE_DEVICES=0 bash -c \
      'ulimit -v 2000000 && exec timeout 120 "$WS_BIN/train-trial" --probe-batch --device cuda --db runs/cnn.db --features tones.feat cnn.line'
    test_expect_success "... batch 0" 'jq -e ".device == \"cuda\" and .batch == 0" out'
  else
    test_skip "the same cnn on the emulated CUDA device" "$emu is not built"
  fi

  probe_study ds '.fixed += {"channels": 4096, "blocks": 64, "kernel": [10, 4], "stride": [2, 2], "inner_kernel": [3, 3]}'
  test_expect_code 0 "a dscnn of 4096 channels and 64 blocks, under ulimit -v 2 GB" \
    bash -c 'ulimit -v 2000000 && exec timeout 120 "$WS_BIN/train-trial" --probe-batch --device cpu --db runs/ds.db --features tones.feat ds.line'
  # Training keeps the pointwise convolutions' outputs and makes the others again in the backward
  # pass (lib/nn/model.c, mark_recomputed): 64 of torch's 129 convolution outputs, all of one size.
  test_expect_success "... per sample at least the pointwise outputs of torch's; the batch with Adam's model within what is free" '
    read -r params acts < <(torch_sizes "$(jq -c .fixed ds.json)") &&
    echo "torch: $params parameters, $acts floats of convolution outputs a sample; $(cat out)" >&2 &&
    jq -e --argjson p "$params" --argjson a "$acts" \
      ".bytes.per_sample >= 4 * \$a * 64 / 129 and .batch * .bytes.per_sample + 16 * \$p <= .bytes.free" out'
fi

# Where a memory cgroup can be made (root, cgroup files writable): the same dscnn probed in a cgroup
# of 256 MiB, where drawing its 4 GiB of weights had the probe killed (exit 137).
if ! cg=$(memory_cgroup ws-t0859 $((256 << 20))); then
  test_skip "--probe-batch in a cgroup of 256 MiB" "no memory cgroup can be made here (needs root and a writable cgroup v1 memory or v2 hierarchy with the memory controller)"
else
  [ -e ds.line ] || probe_study ds '.fixed += {"channels": 4096, "blocks": 64}'
  test_expect_code 0 "--probe-batch of the 4096-channel dscnn in a cgroup of 256 MiB" \
    in_cgroup "$cg" timeout 120 "$WS_BIN/train-trial" --probe-batch --device cpu --db runs/ds.db --features tones.feat ds.line
  test_expect_success "... answers, not killed" 'jq -e ".device == \"cpu\" and (.batch | type) == \"number\"" out'
  rmdir "$cg" 2>/dev/null || true
fi
