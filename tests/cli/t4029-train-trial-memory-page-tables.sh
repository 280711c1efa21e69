#!/usr/bin/env bash
# train-trial's memory check (lib/trainer/memory.c) held a model's weights, gradients, optimizer
# state, checkpoint and batch against the machine's (or its cgroup's) memory, but not the page
# tables of all that memory, which the kernel charges to the process's memory cgroup as it does
# the pages (v2 memory.stat pagetables, v1 kmem): the CPU batch probe (lib/nn/device.c) counted
# them, the check did not, so the two disagreed on what a model needs. Now both use one function
# (core/memlimit.h). The reference is the architecture's: an 8-byte entry per page touched
# (getconf PAGESIZE), the last level of the tables. The need the reason names must hold its parts
# (each rounded up to a MiB, so less one MiB a part) and their page tables; without them the
# need was the parts' sum. Models past any machine (refused before anything is allocated, under
# ulimit -v all the same), so that the tables are thousands of MiB, far past the rounding.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
can_limit_address_space "the need of a model past memory" train-trial || exit 0
make_tone_cache tones
tone_study_config c0.json
page=$(getconf PAGESIZE)
mkdir runs runs/cnn runs/ds   # (each study file "tones" keeps its checkpoints in a folder of its own: t0919)
# need_holds_tables: the reason in out names a need of at least its parts (less a MiB each, their
# rounding) and their page tables, 8 bytes a page of them.
need_holds_tables() {
  local reason need parts k sum
  jq -e '.state == "FAIL" and .epochs == 0' out >/dev/null || { echo "result: $(cat out)" >&2; return 1; }
  reason=$(jq -r .reason out)
  [[ $reason =~ ^out\ of\ memory:\ the\ model\ needs\ ([0-9]+)\ MiB\ \(([^\)]*)\) ]] || { echo "reason: $reason" >&2; return 1; }
  need=${BASH_REMATCH[1]}
  # the parts: "weights W, gradients G, ..., a batch of B: A" (B is a batch size, not a part)
  parts=$(sed -E 's/a batch of [0-9]+:/a batch:/' <<<"${BASH_REMATCH[2]}" | grep -oE '[0-9]+')
  k=$(wc -l <<<"$parts") sum=$(paste -sd+ <<<"$parts" | bc)
  sum=$((sum - k))
  echo "need $need MiB; parts $((sum + k)) MiB ($k); page tables of them $((sum * 8 / page)) MiB" >&2
  [ "$need" -ge $((sum + sum * 8 / page)) ]
}
big() {  # NAME JQ-FIXED: a study of the tone config with those fixed settings, one epoch
  jq ".budget.epochs = 1 | .fixed += $2" c0.json >"$1.json" && suggest --db "runs/$1.db" --config "$1.json" >"$1.line"
}

# A cnn of 4096 channels into 65536 hidden units: 4 TiB of weights (t0858's).
big cnn '{"model": "cnn", "channels": 4096, "kernel": [1, 1], "stride": [1, 1], "inner_kernel": [1, 1], "pool": [1, 1], "hidden": 65536, "dropout": 0}'
test_expect_code 0 "a cnn of 4 TiB of weights on the CPU" \
  bash -c 'ulimit -v 2000000 && exec timeout 120 "$WS_BIN/train-trial" --db runs/cnn.db --ckpt-dir runs/cnn --features tones.feat --threads 1 --quiet cnn.line'
test_expect_success "... its need holds the page tables of its memory" need_holds_tables
test_expect_code 0 "... with --keep none" \
  bash -c 'suggest --db runs/cnn.db --config cnn.json >cnn.line && ulimit -v 2000000 && exec timeout 120 "$WS_BIN/train-trial" --keep none --db runs/cnn.db --features tones.feat --threads 1 --quiet cnn.line'
test_expect_success "... the same" need_holds_tables
# On a GPU the host builds the weights and gradients: their page tables too (the host emulation
# of the CUDA backend, t3900's).
emu=$WS_BUILD/tests/gpu/libwakesweep-cuda-emu.so
if [ -e "$emu" ]; then
  test_expect_code 0 "the same cnn on the emulated CUDA device" \
    env WS_CUDA_FORCE_PROBE=1 WS_CUDA_BACKEND="$emu" CUDA_VISIBLE_DEVICES=0 bash -c \
    'suggest --db runs/cnn.db --config cnn.json >cnn.line && ulimit -v 2000000 && exec timeout 120 "$WS_BIN/train-trial" --device cuda --db runs/cnn.db --ckpt-dir runs/cnn --features tones.feat --threads 1 --quiet cnn.line'
  test_expect_success "... its need (weights, gradients) holds their page tables" 'need_holds_tables && jq -e ".reason | contains(\"built in host memory\")" out'
else
  test_skip "the same cnn on the emulated CUDA device" "$emu is not built"
fi
# In a memory cgroup, whose limit the reason names (where one can be made): a dscnn of 1024
# channels, 8 blocks and a batch of 512 (some 30 GiB of activations) in one of 256 MiB.
if ! cg=$(memory_cgroup ws-t4029 $((256 << 20))); then
  test_skip "a dscnn past a cgroup's limit" "no memory cgroup can be made here (needs root and a writable cgroup v1 memory or v2 hierarchy with the memory controller)"
else
  big ds '{"channels": 1024, "blocks": 8, "batch_size": 512, "kernel": [3, 3], "stride": [1, 1], "inner_kernel": [3, 3]}'
  test_expect_code 0 "a dscnn of 1024 channels, 8 blocks, a batch of 512 in a cgroup of 256 MiB" \
    in_cgroup "$cg" timeout 120 "$WS_BIN/train-trial" --db runs/ds.db --ckpt-dir runs/ds --features tones.feat --threads 1 --quiet ds.line
  test_expect_success "... its need holds the page tables, against the cgroup's 256 MiB" '
    need_holds_tables && jq -e ".reason | contains(\"its cgroup allows 256 MiB\")" out'
  rmdir "$cg" 2>/dev/null || true
fi
