#!/usr/bin/env bash
# train-trial --evaluate reads the checkpoint header's features block strictly, naming the file
# and the field: an unknown transform was taken for logmel, an mfcc checkpoint without n_mfcc was
# read with n_mfcc 0, a mean that is not a number was read as 0 (every clip scored, exit 0), and
# the messages about the block said "checkpoint:" instead of the file's name.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
mkdir runs
tone_study_config c0.json
jq '.fixed += {"transform": "mfcc", "n_mfcc": 13} | .budget.epochs = 2' c0.json >c.json
suggest --db runs/s.db --config c.json >line
train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line >result
test_expect_success "setup: an mfcc trial trained, its checkpoint names the transform" '
  jq -e ".state == \"COMPLETE\"" result && [ -s runs/trial-0.ckpt ]'
ckpt_edit runs/trial-0.ckpt same.ckpt 'pass'
test_expect_code 0 "the mfcc checkpoint, rewritten unchanged, evaluates" train-trial --evaluate same.ckpt --features tones.feat --threads 1

# expect NAME FILE MESSAGE PYTHON: the edited checkpoint exits 2 with exactly that message.
expect() {
  want="train-trial: $2: $3"
  ckpt_edit runs/trial-0.ckpt "$2" "$4"
  test_expect_code 2 "$1" train-trial --evaluate "$2" --features tones.feat --threads 1
  test_expect_success "... says: $3" 'grep -qxF "$want" err && [ ! -s out ]'
}
expect "an unknown transform" wavelet.ckpt \
  'header: features.normalize.transform: expected "logmel" or "mfcc", got "wavelet"' 'n["transform"] = "wavelet"'
expect "no transform" notransform.ckpt \
  'header: features.normalize.transform: expected "logmel" or "mfcc", got nothing (the key is missing)' 'del n["transform"]'
expect "mfcc without n_mfcc" nomfcc.ckpt \
  'header: features.normalize.n_mfcc: expected an integer in 1..2147483647' 'del n["n_mfcc"]'
expect "n_mfcc 4294967309 (13 in 32 bits)" wrapmfcc.ckpt \
  'header: features.normalize.n_mfcc: expected an integer in 1..2147483647' 'n["n_mfcc"] = 2**32 + 13'
expect "a mean that is not a number" strmean.ckpt \
  'header: features.normalize: mean[2]: expected a finite number' 'n["mean"][2] = "0.5"'
expect "an inverse deviation that is null" nullinv.ckpt \
  'header: features.normalize: inv_std[0]: expected a finite number' 'n["inv_std"][0] = None'
expect "one mean too few" shortmean.ckpt \
  'header: features.normalize: expected 13 means and scales' 'del n["mean"][0]'
expect "no normalize object" nonorm.ckpt \
  'header: features.normalize: expected an object, got nothing (the key is missing)' 'del h["features"]["normalize"]'
expect "no settings object" nosettings.ckpt \
  'header: features.settings: expected an object, got nothing (the key is missing)' 'del h["features"]["settings"]'
