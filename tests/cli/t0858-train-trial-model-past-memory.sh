#!/usr/bin/env bash
# train-trial on a model that cannot fit in the machine's memory: train-trial(1) takes a dscnn of
# 4096 channels and 64 blocks, or a cnn of 4096 channels and a hidden layer of 65536, whose
# weights, gradients, Adam's two moments and one batch's activations need far more than a
# machine (or its cgroup) has. Under the kernel's heuristic overcommit (vm.overcommit_memory 0)
# such a model's allocations may succeed, one by one, and the process is then killed by the OOM
# killer as it touches them (SIGKILL: no result line, the trial left RUNNING, and other processes
# of the machine pushed out of memory first). As torch raises "DefaultCPUAllocator: can't allocate
# memory" and Optuna fails the trial and goes on, the trial ends FAIL before anything of the model
# is allocated, the reason naming the need and the limit (MemTotal, or the cgroup's memory limit
# when smaller: the total, not what is free now, as two trials of a sweep share the machine),
# exit 0 and a result line. The reference for the need is torch (the model built on the meta
# device, fixtures.sh's torch_sizes: parameters counted, nothing allocated), for the limit the
# kernel's /proc and cgroup files.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
need_python "model past memory" torch
make_tone_cache tones
tone_study_config c0.json
jq '.budget.epochs = 1' c0.json >c1.json
mkdir runs runs/cnn runs/ds   # (each study file "tones" keeps its checkpoints in a folder of its own: t0919)

# The memory this shell's processes may use in all, in MiB: MemTotal, or the memory limit of their
# cgroup or of one above it where smaller (v2 memory.max, v1 memory.limit_in_bytes).
memory_limit_mib() {
  local lim=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 )) line mnt p v file
  while IFS= read -r line; do
    case $line in
      0::*) mnt=$(findmnt -n -t cgroup2 -o TARGET | head -1) file=memory.max ;;
      *:memory:*|*:memory,*|*,memory:*|*,memory,*) mnt=$(findmnt -n -t cgroup -O memory -o TARGET | head -1) file=memory.limit_in_bytes ;;
      *) continue ;;
    esac
    [ -n "$mnt" ] || continue
    p=${line#*:*:}
    while :; do
      v=$(cat "$mnt${p%/}/$file" 2>/dev/null) || v=
      [[ $v =~ ^[0-9]+$ ]] && [ $((v >> 20)) -lt "$lim" ] && lim=$((v >> 20))
      [ "$p" = / ] || [ -z "$p" ] && break
      p=${p%/*}; [ -n "$p" ] || p=/
    done
  done </proc/self/cgroup
  echo "$lim"
}
# check_refusal CONFIG DB [LIMIT_MIB [BYTES]]: the result line (out) is FAIL with the reason naming
# the need, at least BYTES a parameter of torch's (16: weights, gradients and Adam's two moments),
# and the limit (LIMIT_MIB, else what memory_limit_mib reads); the study in DB holds the trial FAIL with that
# reason, nothing RUNNING.
check_refusal() {
  local mib params need limit per
  read -r params _ < <(torch_sizes "$(jq -c .fixed "$1")") && [ -n "$params" ] || return 1
  limit=${3:-$(memory_limit_mib)} per=${4:-16}
  jq -e '.state == "FAIL" and .value == null and .epochs == 0' out >/dev/null || { echo "result: $(cat out)" >&2; return 1; }
  reason=$(jq -r .reason out)
  [[ $reason =~ ^out\ of\ memory:\ the\ model\ needs\ ([0-9]+)\ MiB\ \(.*\),\ (the\ machine\ has|its\ cgroup\ allows)\ ([0-9]+)\ MiB ]] ||
    { echo "reason: $reason" >&2; return 1; }
  need=${BASH_REMATCH[1]} mib=${BASH_REMATCH[3]}
  echo "torch: $params parameters, limit $limit MiB; reason: $reason" >&2
  [ "$need" -ge $(( params * per >> 20 )) ] && [ "$need" -gt "$mib" ] && [ "$mib" = "$limit" ] &&
    [ "$(sqlite3 "$2" "SELECT t.state || ' ' || a.value_json FROM trials t JOIN trial_system_attributes a USING (trial_id)
                            WHERE t.number = $(jq .trial out) AND a.key = 'wakesweep:reason'")" = "FAIL $(jq -c .reason out)" ] &&
    [ "$(sqlite3 "$2" "SELECT count(*) FROM trials WHERE state = 'RUNNING'")" = 0 ]
}

# A small trial is not refused: the check is against the machine's total, not a guess.
suggest --db runs/s.db --config c1.json >line
test_expect_code 0 "the tone study's small dscnn" train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line
test_expect_success "... trains: COMPLETE" 'jq -e ".state == \"COMPLETE\"" out'

# 4 TiB of weights (4096 channels at every one of 101 x 40 points into 65536 units): no machine has
# that. Under ulimit -v, so that the test stays small whatever train-trial would allocate.
if can_limit_address_space "cnn past memory under ulimit -v" train-trial; then
  jq '.fixed += {"model": "cnn", "channels": 4096, "kernel": [1, 1], "stride": [1, 1], "inner_kernel": [1, 1], "pool": [1, 1],
                 "hidden": 65536, "dropout": 0}' c1.json >cnn.json
  suggest --db runs/cnn.db --config cnn.json >line
  test_expect_code 0 "cnn of 4096 channels into 65536 hidden units (4 TiB of weights)" \
    bash -c 'ulimit -v 2000000 && exec timeout 120 "$WS_BIN/train-trial" --db runs/cnn.db --ckpt-dir runs/cnn --features tones.feat --threads 1 --quiet line'
  test_expect_success "... FAIL before training, the reason naming the need and the limit" 'check_refusal cnn.json runs/cnn.db'
  test_expect_success "... stderr says so" 'grep -q "^train-trial: out of memory: the model needs .*: trial 0 fails$" err'
  # On a GPU the host holds the weights and gradients while the model is built (the device's
  # memory is the device's to refuse); here the host emulation of the CUDA backend (t3900's).
  emu=$WS_BUILD/tests/gpu/libwakesweep-cuda-emu.so
  if [ -e "$emu" ]; then
    suggest --db runs/cnn.db --config cnn.json >line
    test_expect_code 0 "the same cnn on the emulated CUDA device" \
      env WS_CUDA_FORCE_PROBE=1 WS_CUDA_BACKEND="$emu" CUDA_VISIBLE_DEVICES=0 bash -c \
      'ulimit -v 2000000 && exec timeout 120 "$WS_BIN/train-trial" --device cuda --db runs/cnn.db --ckpt-dir runs/cnn --features tones.feat --threads 1 --quiet line'
    test_expect_success "... FAIL: its weights and gradients past the host's memory" '
      check_refusal cnn.json runs/cnn.db "" 8 && jq -e ".reason | test(\"^out of memory: the model needs [0-9]+ MiB \\\\(weights [0-9]+, gradients [0-9]+, built in host memory before it goes to the device\\\\), \")" out'
  else
    test_skip "the same cnn on the emulated CUDA device" "$emu is not built"
  fi
fi

# Where a memory cgroup can be made (root, cgroup files writable): a dscnn of 1024 channels and
# 8 blocks (a batch of 32: about 2 GiB of activations) in a cgroup of 256 MiB. Allocating it, the
# process was killed by the cgroup's OOM killer (exit 137, no result line, the trial RUNNING).
if ! cg=$(memory_cgroup ws-t0858 $((256 << 20))); then
  test_skip "dscnn past a cgroup's memory limit" "no memory cgroup can be made here (needs root and a writable cgroup v1 memory or v2 hierarchy with the memory controller)"
else
  jq '.fixed += {"channels": 1024, "blocks": 8, "batch_size": 32, "kernel": [3, 3], "stride": [1, 1], "inner_kernel": [3, 3]}' c1.json >ds.json
  suggest --db runs/ds.db --config ds.json >line
  test_expect_code 0 "dscnn of 1024 channels, 8 blocks, in a cgroup of 256 MiB" \
    in_cgroup "$cg" timeout 120 "$WS_BIN/train-trial" --db runs/ds.db --ckpt-dir runs/ds --features tones.feat --threads 1 --quiet line
  test_expect_success "... FAIL at once, naming the cgroup's 256 MiB" 'check_refusal ds.json runs/ds.db 256 && jq -e ".reason | contains(\"its cgroup allows 256 MiB\")" out'
  suggest --db runs/s.db --config c1.json >line
  test_expect_code 0 "the small dscnn in the same cgroup" \
    in_cgroup "$cg" timeout 120 "$WS_BIN/train-trial" --db runs/s.db --features tones.feat --threads 1 --quiet line
  test_expect_success "... trains: COMPLETE" 'jq -e ".state == \"COMPLETE\"" out'
  rmdir "$cg" 2>/dev/null || true
fi
