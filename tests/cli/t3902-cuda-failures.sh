#!/usr/bin/env bash
# How a trial on a CUDA device fails, without a GPU: the host emulation of the backend behind a
# wrapper that fails on purpose (tests/gpu/cuda_fault.c) as the real backend would. Out of memory
# is a kind of failure, never a word in a message: a fault inside a kernel ("an illegal memory
# access was encountered") ends the trial FAIL with that message, not "oom", and --probe-batch
# stops with it instead of calling the batch too large; a failed synchronisation always gives a
# reason; a GPU that is there but full or busy at start fails the trial (exit 0, the sweep goes
# on), while no device at all is still exit 2; --device auto falls back to the CPU saying why.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
fault=$WS_BUILD/tests/gpu/libwakesweep-cuda-fault.so
make_tone_cache tones
mkdir runs
cat >c.json <<J
{"study": "tones", "direction": "maximize", "objective": "f1", "pruner": {"name": "nop"}, "budget": {"epochs": 3},
 "sampler": {"name": "random", "seed": 3},
 "space": {"learning_rate": {"type": "float", "low": 0.01, "high": 0.02, "log": true}},
 "fixed": {"model": "dscnn", "channels": 16, "blocks": 1, "batch_size": 4, "positive": "hey_nova",
           "features": "$WS_ROOT/configs/features/default.json"}}
J
dev=(env WS_CUDA_FORCE_PROBE=1 WS_CUDA_BACKEND="$fault" CUDA_VISIBLE_DEVICES=0)
tt=(train-trial --device cuda --keep none --quiet --db runs/s.db --features tones.feat)
# --probe-batch keeps nothing (--keep none would only leave the checkpoint out of the CPU's count), so its runs leave --keep out
tp=(train-trial --device cuda --quiet --db runs/s.db --features tones.feat)
reason() { sqlite3 runs/s.db "SELECT json_extract(value_json, '$') FROM trial_system_attributes a JOIN trials t USING (trial_id)
                              WHERE t.number = $(jq .trial "$1") AND a.key = 'wakesweep:reason'"; }
state() { sqlite3 runs/s.db "SELECT state FROM trials WHERE number = $(jq .trial "$1")"; }

# --- a fault inside a kernel is not out of memory ------------------------------------------------
suggest --db runs/s.db --config c.json >l1
test_expect_code 0 "a kernel fault seen at the first validation ends the trial, not the sweep" \
  "${dev[@]}" FAULT_AFTER=3 "${tt[@]}" l1
test_expect_success "... FAIL with the fault as the reason, not oom" '
  jq -e ".state == \"FAIL\" and (.reason | test(\"illegal memory access was encountered \\\\(cudaErrorIllegalAddress\\\\)\"))" out &&
  [ "$(state l1)" = FAIL ] && reason l1 | grep -q "illegal memory access" && [ "$(reason l1)" != oom ]'
suggest --db runs/s.db --config c.json >l2
test_expect_code 0 "a failure the backend knows as out of memory (cudaErrorMemoryAllocation)" \
  "${dev[@]}" FAULT_AFTER=3 FAULT_OOM=1 FAULT_TEXT="out of memory (cudaErrorMemoryAllocation)" "${tt[@]}" l2
test_expect_success "... is oom" 'jq -e ".state == \"FAIL\" and .reason == \"oom\"" out && [ "$(reason l2)" = oom ]'
suggest --db runs/s.db --config c.json >l3
test_expect_code 0 "an allocation that cudaMalloc refused for a fault" "${dev[@]}" ALLOC_FAULT_AT=1 "${tt[@]}" l3
test_expect_success "... fails with the fault, not oom" '
  jq -e ".state == \"FAIL\" and (.reason | test(\"cudaMalloc: an illegal memory access\"))" out'
suggest --db runs/s.db --config c.json >l4
test_expect_code 0 "a synchronisation that fails while the session is created" "${dev[@]}" FAIL_FIRST_SYNC=1 "${tt[@]}" l4
test_expect_success "... FAIL with the failure as the reason (never null)" '
  jq -e ".state == \"FAIL\" and (.reason | type == \"string\") and (.reason | test(\"^dtrain: cuda: .*illegal memory access\"))" out &&
  reason l4 | grep -q "illegal memory access"'

# --- --probe-batch ----------------------------------------------------------------------------------
test_expect_code 3 "--probe-batch stops at a kernel fault" "${dev[@]}" FAULT_AFTER=0 "${tp[@]}" --probe-batch l4
test_expect_success "... saying probe: cuda: and the fault, with no batch printed" '
  grep -q "^train-trial: probe: cuda: .*illegal memory access was encountered" err && [ ! -s out ]'
test_expect_code 0 "--probe-batch on the failing wrapper without a fault" "${dev[@]}" WS_CUDA_MEM_MIB=64 "${tp[@]}" --probe-batch l4
cp out probe-ok
test_expect_code 0 "... and when the first step runs out of memory (the backend's code)" \
  "${dev[@]}" FAULT_AFTER=0 FAULT_OOM=1 FAULT_TEXT="the resource allocation failed: out of memory" WS_CUDA_MEM_MIB=64 "${tp[@]}" --probe-batch l4
test_expect_success "... that batch does not fit: 0 (where it found $(jq .batch probe-ok) without)" '
  jq -e ".batch == 0" out && jq -e ".batch > 4" probe-ok'

# --- a GPU that is there but cannot be opened ----------------------------------------------------------
suggest --db runs/s.db --config c.json >l5
test_expect_code 0 "a GPU too full to open (the context does not fit): exit 0" \
  "${dev[@]}" INIT_FAIL=memory INIT_WHY="opening device 0: out of memory (cudaErrorMemoryAllocation)" "${tt[@]}" l5
test_expect_success "... the trial FAIL with reason oom" 'jq -e ".state == \"FAIL\" and .reason == \"oom\"" out &&
  [ "$(state l5)" = FAIL ] && [ "$(reason l5)" = oom ]'
suggest --db runs/s.db --config c.json >l5b
test_expect_code 0 "... without --quiet" "${dev[@]}" INIT_FAIL=memory INIT_WHY="opening device 0: out of memory (cudaErrorMemoryAllocation)" \
  train-trial --device cuda --keep none --db runs/s.db --features tones.feat l5b
test_expect_success "... one note: the device cannot be used, the trial fails" '[ "$(wc -l <err)" = 1 ] &&
  grep -q "^train-trial: note: the CUDA device cannot be used (out of memory: opening device 0: out of memory (cudaErrorMemoryAllocation)); the trial fails$" err'
suggest --db runs/s.db --config c.json >l6
busy="opening device 0: CUDA-capable device(s) is/are busy or unavailable (cudaErrorDevicesUnavailable)"
test_expect_code 0 "a GPU busy in exclusive mode: exit 0" "${dev[@]}" INIT_FAIL=busy INIT_WHY="$busy" "${tt[@]}" l6
test_expect_success "... the trial FAIL with why" '
  jq -e ".state == \"FAIL\" and (.reason | test(\"busy or unavailable\"))" out && [ "$(state l6)" = FAIL ]'
test_expect_code 0 "--probe-batch on a full GPU: nothing fits" \
  "${dev[@]}" INIT_FAIL=memory INIT_WHY="cublasCreate: the resource allocation failed" "${tp[@]}" --probe-batch l6
test_expect_success "... batch 0" 'jq -e ".device == \"cuda\" and .batch == 0" out'
test_expect_code 3 "--probe-batch on a busy GPU fails" "${dev[@]}" INIT_FAIL=busy INIT_WHY="$busy" "${tp[@]}" --probe-batch l6
test_expect_success "... saying why" 'grep -q "probe: cuda: .*busy or unavailable" err'
suggest --db runs/s.db --config c.json >l7
test_expect_code 2 "no device at all is still exit 2" "${dev[@]}" INIT_FAIL=none \
  INIT_WHY="cudaGetDeviceCount: no CUDA-capable device is detected (cudaErrorNoDevice)" "${tt[@]}" l7
test_expect_success "... no CUDA device (why), the trial FAIL" '
  grep -q "no CUDA device (cudaGetDeviceCount: no CUDA-capable device" err && [ "$(state l7)" = FAIL ]'
suggest --db runs/s.db --config c.json >l8
test_expect_code 0 "--device auto with a full GPU trains on the CPU" "${dev[@]}" INIT_FAIL=memory \
  INIT_WHY="out of device memory at start: the cuBLAS workspace needs 32 MiB, 3 MiB free" \
  train-trial --device auto --threads 1 --keep none --db runs/s.db --features tones.feat l8
test_expect_success "... COMPLETE, the note saying why it is not on the GPU" '
  jq -e ".state == \"COMPLETE\"" out && [ "$(wc -l <err)" = 1 ] &&
  grep -q "note: the CUDA device cannot be used (out of memory: out of device memory at start: .*); training on the CPU" err'

# --- a failed download of the weights is not saved as a checkpoint ------------------------------
# The backend's download returns nothing; a failure it recorded (here at the 6th wait of a
# 1-epoch trial: the first checkpoint's download, after the losses' and the validation's) was
# not looked at: trial-N.ckpt and best.ckpt were written from it and the trial was COMPLETE.
mkdir ck
jq '.budget.epochs = 1' c.json >c1.json
suggest --db ck/s.db --config c1.json >lk
test_expect_code 0 "a fault at the checkpoint's download" "${dev[@]}" FAULT_AFTER=6 \
  train-trial --device cuda --quiet --db ck/s.db --features tones.feat lk
test_expect_success "... fails the trial with the fault, no checkpoint written" '
  jq -e ".state == \"FAIL\" and (.reason | test(\"trial-0.ckpt: weights: cuda: .*illegal memory access\"))" out &&
  [ ! -e ck/trial-0.ckpt ] && [ ! -e ck/best.ckpt ]'
suggest --db ck/s.db --config c1.json >lk2
test_expect_code 0 "... while one without a fault keeps its checkpoint" "${dev[@]}" \
  train-trial --device cuda --quiet --db ck/s.db --features tones.feat lk2
test_expect_success "... COMPLETE, trial-1.ckpt written" 'jq -e ".state == \"COMPLETE\"" out && [ -s ck/trial-1.ckpt ]'
