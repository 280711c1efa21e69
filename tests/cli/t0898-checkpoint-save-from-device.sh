#!/usr/bin/env bash
# A checkpoint saved from a GPU comes through host memory: the save copied the weights down whole
# and twice more (floats, then little-endian bytes) and wrote the file from them, about 3 x the
# weights of host memory at each new best, while train-trial's memory check counted none of it on a
# device. The save takes 1 MiB of the weights at a time now (and the file's pages), less than the
# weights and gradients the check holds against the host as the model is built. Here the host
# emulation of the CUDA backend (tests/gpu/cuda_emu.c, t0858's and t3900's), whose device memory
# is host memory too: the save's own is the difference between a trial keeping its best weights
# and one keeping none. References: torch (fixtures.sh's torch_sizes) for the number of weights,
# the kernel (/usr/bin/time %M) for the peak resident size.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
need_python "a save from the emulated device" torch
emu=$WS_BUILD/tests/gpu/libwakesweep-cuda-emu.so
if [ ! -e "$emu" ]; then
  test_skip "a save from the emulated device" "$emu is not built"
  exit 0
fi
if asan_built train-trial; then
  test_skip "a save from the emulated device" "train-trial is built with AddressSanitizer, whose shadow memory follows every allocation"
  exit 0
fi
tone_trial
big_cnn_config big.json
read -r params _ < <(torch_sizes "$(jq -c .fixed big.json)")
weights=$((params * 4))
for keep in best none; do
  mkdir "$keep" && suggest --db "$keep/s.db" --config big.json >"$keep.line"
  test_expect_code 0 "a cnn of $params parameters ($weights bytes of weights) on the emulated device, --keep $keep" \
    env WS_CUDA_FORCE_PROBE=1 WS_CUDA_BACKEND="$emu" CUDA_VISIBLE_DEVICES=0 /usr/bin/time -f %M -o "$keep.kb" \
    train-trial --device cuda --db "$keep/s.db" --features tones.feat --threads 1 --quiet --keep "$keep" --ckpt-dir "$keep" "$keep.line"
  test_expect_success "... COMPLETE, on the device" 'jq -e ".state == \"COMPLETE\"" out && ! grep -qi "falls back\|fallback" err'
done
test_expect_success "... the checkpoint saved, as large as the weights and a header" '
  s=$(stat -c %s best/trial-0.ckpt) && [ "$s" -gt "$weights" ] && [ "$s" -lt $((weights + 65536)) ]'
echo "peak resident: --keep best $(cat best.kb) KB, --keep none $(cat none.kb) KB; the weights $((weights >> 10)) KB" >&2
test_expect_success "... the save's host memory beyond training's: under a quarter of the weights (the copies were 2 x)" \
  '[ $(( $(cat best.kb) - $(cat none.kb) )) -le $((weights / 4 >> 10)) ]'
