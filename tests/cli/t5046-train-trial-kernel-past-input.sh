#!/usr/bin/env bash
# train-trial: a convolution at stride 1 whose kernel is more than twice the input's height (a
# cache of one frame, kernel [11, 1]; of one frame and 40 bands, kernel [5, 5]) has tap rows that
# read padding only. im2col took the row range of such a tap from past the output and zeroed
# what followed it with a negative size: train-trial died of SIGSEGV (exit 139) in its first
# batch, the trial left RUNNING with no result line. Such a model trains (torch's Conv2d takes
# it: padding k // 2 keeps one output row). The numbers are test_nn_cpu_kernels' (its
# test_conv_kernel_past_input checks them against a direct reference); here, the trials end.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
# one frame a clip: 512 samples, no centring (featurize's frames: 1 + (512 - 512) / 160)
jq '.clip_seconds = 0.032 | .center = false' "$WS_ROOT/configs/features/default.json" >one.json
featurize --quiet --config one.json --out one.feat tones/manifest.jsonl >one.summary 2>one.err
test_expect_success "(the cache has one frame of 40 bands)" 'jq -e ".frames == 1 and .mels == 40" one.summary'
tone_study_config c.json
n=0
for fixed in '{"model": "dscnn", "kernel": [11, 1], "stride": 1}' '{"model": "dscnn", "kernel": [5, 5], "stride": 1}' \
             '{"model": "cnn", "kernel": [5, 3], "stride": 1, "inner_kernel": [7, 1], "pool": 1, "hidden": 4}'; do
  n=$((n + 1))
  jq --argjson f "$fixed" --arg fc "$PWD/one.json" '.budget.epochs = 2 | .fixed += $f | .fixed.features = $fc' c.json >"c$n.json"
  suggest --db "s$n.db" --config "c$n.json" >"line$n"
  test_expect_code 0 "$fixed on a cache of one frame" train-trial --db "s$n.db" --features one.feat --threads 1 --keep none --quiet "line$n"
  test_expect_success "... COMPLETE after 2 epochs, not a signal" 'jq -e ".state == \"COMPLETE\" and .epochs == 2" out'
  test_expect_success "... and so in the study" "[ \"\$(sqlite3 s$n.db 'SELECT state FROM trials')\" = COMPLETE ]"
done
