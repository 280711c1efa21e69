#!/usr/bin/env bash
# train-trial's check of a model against the machine's memory (the reason "out of memory: the
# model needs N MiB (..., a batch of B: A), ...") left out the data path's buffers for a batch,
# which trainer_data_init allocates before the check: the mel power of B clips (B x frames x mels
# floats, augmented there before the transform) and its scratch. Two studies alike but for the
# cache's mel bands (40 and 128, MFCC of 10 coefficients: the same model input, so the same
# activations and input batch) must differ in A by the power buffer alone: 32 clips x frames x 88
# floats. The reference for the frames: torch.stft's frame count for the clip's samples (center=True).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
need_python "data buffers in the memory check" torch
can_limit_address_space "data buffers in the memory check" train-trial || exit 0
make_tone_cache tones
mkdir runs
# 4 s clips (so that the power buffer is MiBs), 40 and 128 mel bands
for m in 40 128; do
  jq --argjson m "$m" '.clip_seconds = 4 | .n_mels = $m' "$WS_ROOT/configs/features/default.json" >f$m.json
  featurize --quiet --config f$m.json --out t$m.feat tones/manifest.jsonl >/dev/null 2>t$m.err
  tone_study_config c.json
  # a cnn of 4096 channels into 65536 hidden units: terabytes of weights, refused on any machine
  jq --arg f "$PWD/f$m.json" '.budget.epochs = 1 | .fixed += {"features": $f, "transform": "mfcc", "n_mfcc": 10,
        "batch_size": 32, "model": "cnn", "channels": 4096, "kernel": [1, 1], "stride": [1, 1], "inner_kernel": [1, 1],
        "pool": [1, 1], "hidden": 65536, "dropout": 0}' c.json >c$m.json
  suggest --db runs/s$m.db --config c$m.json >line$m
  mkdir runs/s$m   # (each study file "tones" keeps its checkpoints in a folder of its own: t0919)
  test_expect_code 0 "the cnn past memory on $m mel bands" \
    bash -c 'ulimit -v 2000000 && exec timeout 120 "$WS_BIN/train-trial" --db runs/s'$m'.db --ckpt-dir runs/s'$m' --features t'$m'.feat --threads 1 --quiet line'$m
  cp out r$m
  test_expect_success "... refused, naming a batch of 32" 'jq -e ".state == \"FAIL\" and (.reason | test(\"a batch of 32: [0-9]+\\\\)\"))" r'$m
done
# A of a reason, in MiB
batch_mib() { jq -r '.reason | capture("a batch of 32: (?<a>[0-9]+)\\)").a' "$1"; }
test_expect_success "the batch's need grows by the mel power buffer: 32 x frames x 88 floats (within the MiB rounding)" '
  frames=$("$PY" -c "import torch; print(torch.stft(torch.zeros(4 * 16000), 512, 160, 400, window=torch.hann_window(400), center=True, pad_mode=\"reflect\", return_complex=True).shape[1])") &&
  want=$(( 32 * frames * 88 * 4 )) a40=$(batch_mib r40) a128=$(batch_mib r128) &&
  echo "torch: $frames frames; want +$want bytes ($((want >> 20)) MiB and some); 40 mels: $a40 MiB, 128: $a128 MiB" >&2 &&
  d=$(( (a128 - a40) << 20 )) && [ "$d" -ge $(( want - (1 << 20) )) ] && [ "$d" -le $(( want + (1 << 20) )) ]'
