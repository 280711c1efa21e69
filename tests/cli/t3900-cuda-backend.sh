#!/usr/bin/env bash
# The CUDA backend on any machine, GPU or not: it was built by nvcc (when nvcc exists) and
# train-trial does not link CUDA; without a GPU, --device cuda exits 2 with "no CUDA device"
# and --device auto trains on the CPU without loading any CUDA library; the kernel bodies
# match the CPU backend on the host (test_cuda_host); the whole device path above the kernels
# (sessions, plans, losses, validation, probe, OOM, the trainer's device loop) runs on a host
# emulation of the backend and gives the CPU's results exactly; no allocation, copy or sync
# inside a training step (grep of the step regions, and the counters at run time). The checks
# that need a GPU are t3901's.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
so=$WS_BUILD/libwakesweep-cuda.so
emu=$WS_BUILD/tests/gpu/libwakesweep-cuda-emu.so
nvcc=$(command -v nvcc || ls /usr/local/cuda/bin/nvcc 2>/dev/null)

# --- the build ----------------------------------------------------------------------------------
if [ -e "$so" ]; then
  test_expect_success "the backend was built by nvcc and exports one entry point" '
    nm -D --defined-only "$so" | grep -q " T nn_cuda_api_get$" &&
    [ "$(nm -D --defined-only "$so" | grep -c " T ")" = 1 ] && readelf -S "$so" | grep -q nv_fatbin'
  test_expect_success "... linked with cuBLAS, found through its rpath" 'ldd "$so" | grep -q "libcublas.so.* => /"'
elif [ -n "$nvcc" ]; then
  test_skip "the backend was built by nvcc" "nvcc is here but the backend is not built (make CUDA=0)"
else
  test_skip "the backend was built by nvcc" "no nvcc on this machine"
fi
# device.o has the backend's path compiled in: a change of CUDA= (or of nvcc's presence)
# compiles it again, and only then (make -n: nothing is built here; the sub-makes inherit the
# variables this make check was given, so "as built" is this build: one whose device.o names
# the backend, not one made with CUDA=0 beside an older backend).
if [ -e "$so" ] && grep -qF "$so" "$WS_BUILD/lib/nn/device.o"; then
  test_expect_success "make CUDA=0 after this build compiles device.o again, without the backend's path" '
    make -n -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" CUDA=0 "$WS_BUILD/lib/nn/device.o" >mk0 2>&1 &&
    grep -q "lib/nn/device\.c" mk0 && ! grep -q NN_CUDA_SO mk0'
  test_expect_success "... while make as built leaves it alone" '
    make -n -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" "$WS_BUILD/lib/nn/device.o" >mk1 2>&1 &&
    ! grep -q "lib/nn/device\.c" mk1'
  # the first GPU built for, alone: code the build did not have (unless it was built so)
  info=$(make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" cuda-info)   # "... archs=80 90 ptx=90"
  archs=$(sed 's/.* archs=\(.*\) ptx=.*/\1/' <<<"$info") ptx=${info##* ptx=}
  arch=${archs%% *}
  if [ "$archs $ptx" != "$arch $arch" ]; then
    test_expect_success "make CUDA_ARCHS=$arch CUDA_PTX=$arch compiles the backend again, for that GPU alone" '
      make -n -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" CUDA_ARCHS=$arch CUDA_PTX=$arch "$so" >mk2 2>&1 &&
      grep "lib/nn/cuda/backend\.cu" mk2 | grep -o "code=[a-z]*_[0-9]*" | sort -u | tr "\n" " " >archs &&
      [ "$(cat archs)" = "code=compute_$arch code=sm_$arch " ]'
  fi
  test_expect_success "... while make as built leaves it alone" '
    make -n -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" "$so" >mk3 2>&1 && ! grep -q nvcc mk3'
fi
test_expect_success "train-trial itself links no CUDA library" '! ldd "$WS_BIN/train-trial" | grep -qiE "cuda|cublas|cudnn"'

# --- without a GPU -------------------------------------------------------------------------------
make_tone_cache tones
mkdir -p runs/e runs/c
cat >c.json <<J
{"study": "tones", "direction": "maximize", "objective": "f1", "pruner": {"name": "nop"}, "budget": {"epochs": 3},
 "sampler": {"name": "random", "seed": 3},
 "space": {"learning_rate": {"type": "float", "low": 0.01, "high": 0.02, "log": true}},
 "fixed": {"model": "dscnn", "channels": 16, "blocks": 1, "batch_size": 4, "positive": "hey_nova",
           "noise_prob": 0.5, "snr_low": 0, "snr_high": 10, "time_shift": 3, "time_masks": 1, "time_mask_width": 4,
           "freq_masks": 1, "freq_mask_width": 3, "clip_norm": 1.0, "dropout": 0.1,
           "features": "$WS_ROOT/configs/features/default.json"}}
J
suggest --db runs/s.db --config c.json >line
# Is there a GPU here? train-trial says "no CUDA device (why)" when there is none.
train-trial --device cuda --db runs/none.db --features none.feat /dev/null >/dev/null 2>gpu.err || true
if grep -q "no CUDA device" gpu.err; then
  suggest --db runs/s.db --config c.json >line-cuda
  test_expect_code 2 "--device cuda without a GPU exits 2" train-trial --device cuda --db runs/s.db --features tones.feat line-cuda
  test_expect_success "... saying no CUDA device and why; the trial FAIL" 'grep -q "train-trial: --device cuda: no CUDA device (.*)" err &&
    [ "$(sqlite3 runs/s.db "SELECT state FROM trials WHERE number = $(jq .trial line-cuda)")" = FAIL ]'
  # With no TRIAL_FILE it reads stdin for the trial to fail; a terminal there gave no line yet,
  # and an interactive run waited for one before saying there is no GPU. (A pty as stdin.)
  python3 - "$WS_BIN/train-trial" --device cuda --db runs/s.db --features tones.feat >tty.rc 2>tty.err <<'P'
import os, pty, subprocess, sys
m, s = pty.openpty()
p = subprocess.Popen(sys.argv[1:], stdin=s, stdout=subprocess.DEVNULL)
os.close(s)
try:
    print(p.wait(timeout=10))
except subprocess.TimeoutExpired:
    p.kill()
    print("waited")
P
  test_expect_success "--device cuda without a GPU, a terminal on stdin: exit 2 at once" '
    [ "$(cat tty.rc)" = 2 ] && grep -q "train-trial: --device cuda: no CUDA device" tty.err'
  test_expect_code 0 "--device auto without a GPU trains on the CPU" train-trial --device auto --threads 1 --keep none --db runs/s.db --features tones.feat line
  test_expect_success "... COMPLETE, with a one-line note" '
    jq -e ".state == \"COMPLETE\"" out && [ "$(wc -l <err)" = 1 ] && grep -q "note: no CUDA device (.*); training on the CPU" err'
  test_expect_success "... and no CUDA library was loaded" '
    suggest --db runs/s.db --config c.json >line2 &&
    LD_DEBUG=libs train-trial --device auto --threads 1 --keep none --quiet --db runs/s.db --features tones.feat line2 >/dev/null 2>ld.log &&
    grep -q "calling init" ld.log && ! grep -qiE "cudart|cublas|wakesweep-cuda" ld.log'
  if [ -e "$so" ]; then
    test_expect_code 2 "forced past the /dev check, the backend loads and asks the runtime" \
      env WS_CUDA_FORCE_PROBE=1 train-trial --device cuda --db runs/s.db --features tones.feat line
    test_expect_success "... which finds no device" 'grep -q "no CUDA device (cudaGetDeviceCount: " err'
  fi
else
  test_skip "--device cuda without a GPU exits 2" "this machine has a GPU (t3901 uses it)"
fi
test_expect_code 2 "CUDA_VISIBLE_DEVICES=-1 hides every GPU" \
  env CUDA_VISIBLE_DEVICES=-1 train-trial --device cuda --db runs/s.db --features tones.feat line
test_expect_success "... and says so" 'grep -q "no CUDA device (CUDA_VISIBLE_DEVICES=.-1. hides every GPU)" err'
test_expect_code 2 "--precision takes fp32, tf32 or bf16" train-trial --precision fp16 --db runs/s.db --features tones.feat line
test_expect_code 0 "--probe-batch on the CPU" env CUDA_VISIBLE_DEVICES=-1 train-trial --device cpu --probe-batch --db runs/s.db --features tones.feat line
test_expect_success "... prints a bound computed from memory" 'jq -e ".device == \"cpu\" and .batch > 100 and .bytes.per_sample > 0" out'
# a probe is a question about the line's model, not a run of it: the trial stays as it was (train-trial.1)
suggest --db runs/s.db --config c.json >line-probe
test_expect_code 0 "--probe-batch on a RUNNING trial" env CUDA_VISIBLE_DEVICES=-1 train-trial --device cpu --probe-batch --db runs/s.db --features tones.feat line-probe
test_expect_success "... leaves it RUNNING, to be trained or told" '
  [ "$(sqlite3 runs/s.db "SELECT state FROM trials WHERE number = $(jq .trial line-probe)")" = RUNNING ]'

# --- the kernel bodies on the host ---------------------------------------------------------------
test_run_cases kernels "$WS_BUILD/tests/gpu/test_cuda_host"

# --- the device path on the host emulation of the backend --------------------------------------
# Each is one gcc call over several sources: a header any of them includes (nn.h's structs cross
# api.h; the log-mel's epsilon) builds it again (make -n -W: nothing is built here).
test_expect_success "the emulation and the fault wrapper are built again when a header they include changes" '
  for h in lib/nn/nn.h lib/audio/transform_math.h; do
    make -n -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" -W "$h" "$emu" >mk 2>&1 && grep -q "tests/gpu/cuda_emu\.c" mk || exit 1
  done &&
  make -n -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" -W lib/nn/nn.h "$WS_BUILD/tests/gpu/libwakesweep-cuda-fault.so" >mk 2>&1 &&
  grep -q "tests/gpu/cuda_fault\.c" mk'
emu_env=(env WS_CUDA_FORCE_PROBE=1 WS_CUDA_BACKEND="$emu" CUDA_VISIBLE_DEVICES=0)
test_run_cases emulated "${emu_env[@]}" "$WS_BUILD/tests/gpu/test_cuda_gpu"
suggest --db runs/e.db --config c.json >e0
test_expect_code 0 "train-trial --device cuda on the emulated device" "${emu_env[@]}" train-trial --device cuda --threads 1 \
  --quiet --db runs/e.db --features tones.feat --ckpt-dir runs/e e0
cp out emulated
suggest --db runs/c.db --config c.json >c0
test_expect_code 0 "... and the same trial line on the CPU" train-trial --device cpu --threads 1 --quiet --db runs/c.db \
  --features tones.feat --ckpt-dir runs/c c0
test_expect_success "... give the same metrics, clip for clip (the operating point from the logits it downloads)" '
  jq -e ".state == \"COMPLETE\" and (.metrics.at_fpr.f1 | type) == \"number\"" emulated &&
  [ "$(jq -c .metrics emulated)" = "$(jq -c .metrics out)" ]'
test_expect_success "... and the same best weights" 'cmp runs/e/trial-0.ckpt runs/c/trial-0.ckpt'
# Validating twice an epoch (budget.validations_per_epoch): the device loop cuts its epochs as
# the CPU loop does, so the six values match; the ends of the epochs match the run above.
jq '.budget.validations_per_epoch = 2' c.json >c2.json
mkdir -p runs/e2 runs/c2
suggest --db runs/e2.db --config c2.json >e2line
suggest --db runs/c2.db --config c2.json >c2line
test_expect_code 0 "two validations an epoch on the emulated device" "${emu_env[@]}" train-trial --device cuda --threads 1 \
  --quiet --db runs/e2.db --features tones.feat --ckpt-dir runs/e2 e2line
test_expect_code 0 "... and on the CPU" train-trial --device cpu --threads 1 --quiet --db runs/c2.db \
  --features tones.feat --ckpt-dir runs/c2 c2line
test_expect_success "... give the same six intermediate values, whose even steps are the once-an-epoch run's" '
  study_steps runs/e2.db >e2.ivs && study_steps runs/c2.db >c2.ivs && [ "$(wc -l <e2.ivs)" = 6 ] && cmp e2.ivs c2.ivs &&
  awk "\$1 % 2 == 0 { print \$2 }" e2.ivs >even && study_steps runs/e.db | cut -d" " -f2 >once && cmp even once'
test_expect_success "... and the same best weights" 'cmp runs/e2/trial-0.ckpt runs/c2/trial-0.ckpt'
# train_both NAME JQ: c2.json changed by JQ, one trial line trained on the emulated device and on
# the CPU (runs/e2NAME.db, runs/c2NAME.db); e2NAME.ivs and c2NAME.ivs hold their steps' values.
train_both() {
  local n=$1
  jq "$2" c2.json >"c2$n.json" && mkdir -p "runs/e2$n" "runs/c2$n" &&
    suggest --db "runs/e2$n.db" --config "c2$n.json" >"e2$n.line" && suggest --db "runs/c2$n.db" --config "c2$n.json" >"c2$n.line" &&
    "${emu_env[@]}" train-trial --device cuda --threads 1 --quiet --db "runs/e2$n.db" --features tones.feat \
      --ckpt-dir "runs/e2$n" "e2$n.line" >/dev/null &&
    train-trial --device cpu --threads 1 --quiet --db "runs/c2$n.db" --features tones.feat --ckpt-dir "runs/c2$n" \
      "c2$n.line" >/dev/null &&
    study_steps "runs/e2$n.db" >"e2$n.ivs" && study_steps "runs/c2$n.db" >"c2$n.ivs"
}
# budget.fine_epochs 1: the later epochs validate once, and the device loop fetches their
# losses once, at the end: the values are still the CPU's, at the steps of the run above.
test_expect_success "two validations in the first epoch only: trains on the emulated device and on the CPU" \
  'train_both f ".budget.fine_epochs = 1"'
test_expect_success "... give the same values, those of the run above at steps 1, 2 and the epochs' ends" '
  cmp e2f.ivs c2f.ivs && awk "\$1 <= 2 || \$1 % 2 == 0" e2.ivs >e2sel && cmp e2f.ivs e2sel && [ "$(wc -l <e2f.ivs)" -lt 6 ]'
# budget.fine_steps [1] in 2 fine epochs: step 3 is left out, and the device loop checks that
# part's losses with the next validated part's: the values are still the CPU's.
test_expect_success "budget.fine_steps [1]: trains on the emulated device and on the CPU" \
  'train_both s ".budget.fine_epochs = 2 | .budget.fine_steps = [1]"'
test_expect_success "... give the same values, those of the run above at steps 1, 2, 4 and 6" '
  cmp e2s.ivs c2s.ivs && awk "\$1 != 3 && \$1 != 5" e2.ivs >e2ssel && cmp e2s.ivs e2ssel &&
  [ "$(cut -d" " -f1 e2s.ivs | tr "\n" " ")" = "1 2 4 6 " ]'
suggest --db runs/e.db --config c.json >e1
test_expect_code 0 "out of device memory ends the trial, not the sweep" env WS_CUDA_MEM_MIB=1 "${emu_env[@]}" \
  train-trial --device cuda --quiet --keep none --db runs/e.db --features tones.feat e1
test_expect_success "... FAIL with reason oom" 'jq -e ".state == \"FAIL\" and .reason == \"oom\"" out &&
  [ "$(sqlite3 runs/e.db "SELECT state FROM trials WHERE number=1")" = FAIL ]'
test_expect_code 0 "--probe-batch on the emulated device" env WS_CUDA_MEM_MIB=16 "${emu_env[@]}" train-trial --device cuda \
  --probe-batch --quiet --db runs/e.db --features tones.feat e1
test_expect_success "... finds the largest batch under a 16 MiB limit (35 here: its steps run on the CPU)" '
  jq -e ".device == \"cuda\" and .batch > 4 and .batch < 65536 and .bytes.data > 0" out'

# --- no allocation, copy or synchronisation inside a training step ----------------------------
# The step's code lies between NN_STEP_BEGIN and NN_STEP_END markers; none of these calls may
# appear there (model.c's forward and backward only call the table; test_step_no_alloc_no_sync
# counts the calls at run time, above on the emulation and in t3901 on a GPU).
forbidden='cudaMalloc|cudaFree|cudaHost|cu_alloc|cu_free|cu_host_|cu_h2d|cu_d2h|cu_sync|Synchroni[sz]e|HostToDevice|DeviceToHost|cudaMemcpy\(|[^_]malloc\(|calloc\(|realloc\(|[^_a-z]free\(|->alloc|->release|->upload|->download|->sumsq|be->xent|->sync\(|nn_model_reserve|nn_predict|plan_buffer|plan_upload'
test_expect_success "the step regions hold no allocation, host copy or sync" '
  for f in lib/nn/device.c lib/nn/cuda/backend.cu lib/nn/cuda/data.cu; do
    [ "$(grep -c "NN_STEP_BEGIN" "$WS_ROOT/$f")" -ge 1 ] && [ "$(grep -c "NN_STEP_END" "$WS_ROOT/$f")" -ge 1 ] || { echo "$f: no markers" >&2; exit 1; }
    sed -n "/NN_STEP_BEGIN/,/NN_STEP_END/p" "$WS_ROOT/$f" | grep -v "^ *\(/\?\*\|//\)" | grep -nE "$forbidden" && { echo "in $f" >&2; exit 1; }
  done; true'
