#!/usr/bin/env bash
# train-trial --probe-batch trains nothing, yet its note on the device read as training's: "note: no CUDA device (...); training on the CPU with 2 threads" where no
# GPU is visible, "note: training on GPU" where one opened. The note says what the probe does, and
# on the CPU the shares it sizes for (--grow-threads where given, else --threads).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
emu=$WS_BUILD/tests/gpu/libwakesweep-cuda-emu.so
tone_trial
# --device auto with every GPU hidden: the CPU, with a note saying why, on any machine
test_expect_code 0 "--probe-batch, --device auto, no GPU visible" \
  env CUDA_VISIBLE_DEVICES=-1 train-trial --probe-batch --db runs/s.db --features tones.feat line
test_expect_success "... notes why it is on the CPU" 'grep -q "^train-trial: note: no CUDA device" err'
test_expect_success "... and that it probes the CPU, not that it trains on some threads" '
  grep -q "; probing the CPU for [0-9]* threads*$" err && ! grep -q "training" err'
test_expect_code 0 "--probe-batch --threads 1 --grow-threads 2, no GPU visible" \
  env CUDA_VISIBLE_DEVICES=-1 train-trial --probe-batch --threads 1 --grow-threads 2 --db runs/s.db --features tones.feat line
test_expect_success "... notes the 2 threads it sizes for" 'grep -q "; probing the CPU for 2 threads$" err'
test_expect_code 0 "--probe-batch --threads 1, no GPU visible" \
  env CUDA_VISIBLE_DEVICES=-1 train-trial --probe-batch --threads 1 --db runs/s.db --features tones.feat line
test_expect_success "... notes the 1 thread it sizes for" 'grep -q "; probing the CPU for 1 thread$" err'
# the CPU backend cuts its work into at most 64 shares (NN_MAX_THREADS): --threads 100 said 100
test_expect_code 0 "--probe-batch --threads 100, no GPU visible" \
  env CUDA_VISIBLE_DEVICES=-1 train-trial --probe-batch --threads 100 --db runs/s.db --features tones.feat line
test_expect_success "... notes the 64 threads it sizes for, the CPU backend's most" 'grep -q "; probing the CPU for 64 threads$" err'
test_expect_code 0 "--probe-batch --threads 100 --grow-threads 64: both 64, not refused as fewer grown than base" \
  env CUDA_VISIBLE_DEVICES=-1 train-trial --probe-batch --threads 100 --grow-threads 64 --db runs/s.db --features tones.feat line
# fewer grown than the 64 that --threads 100 trains on: refused, naming the 100 given beside the
# 64 (the message said only "the trial's threads (64)", a number the user never gave)
test_expect_code 2 "--threads 100 --grow-threads 50: refused" \
  train-trial --probe-batch --threads 100 --grow-threads 50 --db runs/s.db --features tones.feat line
test_expect_success "... naming the --threads 100 given and the 64 it trains on" '
  grep -q "^train-trial: --grow-threads: expected at least the trial.s threads (64, .*100.*), got 50$" err'
# The emulated device is given 16 MiB (WS_CUDA_MEM_MIB): the note is what is tested, and on its
# 4 GiB the probe's steps, run on the CPU, doubled the batch up to 65536 (95 s of make check's).
if [ -e "$emu" ]; then
  test_expect_code 0 "--probe-batch on a GPU (the host emulation of the CUDA backend)" \
    env WS_CUDA_MEM_MIB=16 WS_CUDA_FORCE_PROBE=1 WS_CUDA_BACKEND="$emu" CUDA_VISIBLE_DEVICES=0 \
    train-trial --probe-batch --db runs/s.db --features tones.feat line
  test_expect_success "... notes the device it probes, not one it trains on" 'grep -q "^train-trial: note: probing " err && ! grep -q "training" err'
else
  test_skip "--probe-batch on a GPU (the host emulation of the CUDA backend)" "$emu is not built (make check builds it)"
fi
# training keeps its note: the device and, on the CPU, the threads it trains with
test_expect_code 0 "training, --device auto, no GPU visible" \
  env CUDA_VISIBLE_DEVICES=-1 train-trial --db runs/s.db --features tones.feat --threads 1 line
test_expect_success "... notes that it trains on the CPU with 1 thread" 'grep -q "; training on the CPU with 1 thread$" err'
