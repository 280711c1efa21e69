#!/usr/bin/env bash
# A cache of other feature settings than the study's is refused (exit 2), and the message said
# only "n_mels: 64 in the cache, 40 wanted", not what wanted 40: the study config's
# fixed.features file, or, without one, featurize's defaults. The usual cause is a cache made
# with another feature config (make sweep FEATURE_CONFIG=..., featurize --config) than the one
# the study names, and the message now names that file (or says the study names none), so the
# user knows which of the two to change.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
mkdir runs
jq '.n_mels = 64' "$WS_ROOT/configs/features/default.json" >f64.json
tone_study_config c.json
jq --arg f "$PWD/f64.json" '.fixed.features = $f' c.json >c64.json
suggest --db runs/s.db --config c64.json >line64
test_expect_code 2 "a cache of 40 mels for a study of fixed.features with 64" \
  train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line64
test_expect_success "... names the difference and the study's feature config file" '
  grep -qxF "train-trial: tones.feat: feature settings differ: n_mels: 40 in the cache, 64 wanted by the study config'"'"'s fixed.features, $PWD/f64.json" err'

featurize --quiet --config f64.json --out t64.feat tones/manifest.jsonl >/dev/null
jq '.study = "nofeat" | del(.fixed.features)' c.json >none.json
suggest --db runs/s.db --config none.json >line0
test_expect_code 2 "a cache of 64 mels for a study without fixed.features" \
  train-trial --db runs/s.db --features t64.feat --threads 1 --quiet line0
test_expect_success "... says the study names none: featurize's defaults are wanted" '
  grep -qxF "train-trial: t64.feat: feature settings differ: n_mels: 64 in the cache, 40 wanted by the study config, which has no fixed.features: featurize'"'"'s defaults (configs/features/default.json)" err'
test_expect_code 2 "--probe-batch says the same" \
  train-trial --probe-batch --device cpu --db runs/s.db --features t64.feat line0
test_expect_success "... names it" 'grep -qF "40 wanted by the study config, which has no fixed.features" err'
