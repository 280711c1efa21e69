#!/usr/bin/env bash
# make sweep DEVICE=cuda on a machine without a GPU, the trials run here (no LAUNCH): each job
# slot's train-trial refused it ("no CUDA device"), after the features were made, RUNS and the
# monitor started and a trial claimed per slot. Now refused when make reads the makefiles (exit 2),
# naming DEVICE and train-trial's reason. With a LAUNCH the trials run elsewhere (srun on a GPU
# node), and DEVICE=cuda goes. A machine with an NVIDIA driver is left to the trials (asking
# train-trial there loads the CUDA backend, a second or so at every make): skipped there.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
if [ -e /dev/nvidiactl ] || [ -e /dev/nvidia0 ] || [ -e /dev/dxg ]; then
  test_skip "make sweep DEVICE=cuda without a GPU" "this machine has an NVIDIA driver (/dev/nvidia*)"
  exit 0
fi
make_tone_cache tones
tone_sweep_config c.json tones-cuda 1
sweep() {  # NAME [make args...]
  local name=$1; shift
  ws_make -j2 sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/$name.feat" CONFIG="$TMP/c.json" TRIALS=2 \
    RUNS="$TMP/$name" MONITOR_INTERVAL=0.2 "$@"
}
untouched() { [ ! -e "$1" ] && [ ! -e "$1.feat" ]; }
want="DEVICE: 'cuda': no CUDA device (no NVIDIA driver: no /dev/nvidia* on this machine): give DEVICE=auto (a GPU where there is one, else the CPU) or cpu, or a LAUNCH that runs the trials where there is one"

test_expect_code 2 "make sweep DEVICE=cuda without a GPU is refused" sweep cu DEVICE=cuda
test_expect_success "... naming DEVICE and train-trial's reason, before anything ran" 'grep -qF "$want" err && untouched cu'
test_expect_code 2 "make -n sweep DEVICE=cuda too" sweep cun -n DEVICE=cuda
test_expect_code 2 "CUDA_VISIBLE_DEVICES=-1 make sweep DEVICE=cuda: refused, saying it hides every GPU" \
  env CUDA_VISIBLE_DEVICES=-1 make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" -n sweep DATA="$TMP/tones/manifest.jsonl" \
  FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 RUNS="$TMP/cv" DEVICE=cuda
test_expect_success "... as train-trial says it" 'grep -qF "DEVICE: '\''cuda'\'': no CUDA device (CUDA_VISIBLE_DEVICES='\''-1'\'' hides every GPU)" err'
test_expect_code 2 "make staged DEVICE=cuda without a GPU is refused" ws_make -j2 staged DATA="$TMP/tones/manifest.jsonl" \
  FEATURES="$TMP/st.feat" STAGE_TRIALS=1 STAGED_RUNS="$TMP/st" DEVICE=cuda
test_expect_success "... naming DEVICE, before anything ran" 'grep -qF "$want" err && untouched st'
test_expect_code 0 "with a LAUNCH (the trials run where it runs them) DEVICE=cuda goes (make -n)" sweep cul -n DEVICE=cuda LAUNCH=env
test_expect_code 0 "DEVICE=auto runs, on the CPU" sweep au DEVICE=auto
test_expect_success "... both trials" '[ "$(cat au/trial-*.json | jq -r .state | sort | uniq -c | tr -s " ")" = " 2 COMPLETE" ]'
