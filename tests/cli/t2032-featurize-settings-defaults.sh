#!/usr/bin/env bash
# featurize --config: the defaults (configs/features/default.json's) do not follow the other
# settings, as torchaudio's do (MelSpectrogram(sample_rate=8000) takes f_max 4000, n_fft=256 a
# win_length of 256). A default refused beside a value the file gives named a number found nowhere
# in the file: {"sample_rate": 8000}, a telephone corpus's rate, said "f_max: 7600 Hz is above the
# Nyquist frequency (4000 Hz)". The message says that it is the default and what to give (null:
# torchaudio's default, where null is one); a value the file gives is named as before. The study's
# fixed.features file is read alike (train-trial).
. "$WS_ROOT/tests/cli/lib.sh"

mkdir -p c/yes c/no
sox -n -r 8000 -b 16 -c 1 c/yes/y0_nohash_0.wav synth 0.5 sine 450 vol 0.3
sox -n -r 8000 -b 16 -c 1 c/no/n0_nohash_0.wav synth 0.5 sine 900 vol 0.3

# expect NAME JSON KEY NULL_HINT: exit 2, the message names the file and KEY, says it is the default
expect_default() {
  local name=$1 json=$2 key=$3 hint=$4
  printf '%s\n' "$json" >"$name.json"
  test_expect_code 2 "$json: refused" featurize -q -c "$name.json" -o "$name.feat" c
  test_expect_success "... says $key is the default, not in the file${hint:+, and null for $hint}" "
    grep -q '^featurize: $name.json.$key: .*(the default: $key is not in the file' err &&
    grep -q 'give $key${hint:+, or null for $hint})' err && [ ! -e $name.feat ]"
}
expect_default sr8k '{"sample_rate": 8000}' f_max 'sample_rate // 2'
expect_default nfft256 '{"n_fft": 256}' win_length n_fft
expect_default nfft16 '{"n_fft": 16, "win_length": 16}' hop_length 'win_length // 2'
expect_default fmax10 '{"f_max": 10}' f_min ''
expect_default nfft64k '{"n_fft": 65536, "win_length": null}' clip_seconds ''

# a value the file gives: named as it was, with no word of defaults
printf '{"sample_rate": 8000, "f_max": 7600}\n' >given.json
test_expect_code 2 "a value the file gives, refused" featurize -q -c given.json -o given.feat c
test_expect_success "... named without a word of defaults" '
  grep -q "^featurize: given.json.f_max: 7600 Hz is above the Nyquist frequency (4000 Hz)$" err'

# what the message says to give works, and gives torchaudio's f_max for 8000 Hz
printf '{"sample_rate": 8000, "f_max": null}\n' >null.json
test_expect_code 0 "f_max null at 8000 Hz" featurize -q -c null.json -o null.feat c
test_expect_success "... is sample_rate // 2, torchaudio's default" 'featurize --describe null.feat >d &&
  jq -e ".features.f_max == 4000" d >/dev/null'

# train-trial reads the study's fixed.features file alike
cat >study.json <<'J'
{"study": "s", "direction": "maximize", "sampler": {"name": "random", "seed": 1},
 "space": {"learning_rate": {"type": "float", "low": 0.001, "high": 0.1, "log": true}},
 "fixed": {"model": "dscnn", "positive": "yes", "features": "sr8k.json"}}
J
suggest --db s.db --config study.json >line 2>/dev/null
test_expect_code 2 "train-trial: the study's fixed.features with the default refused" \
  train-trial --db s.db --features null.feat --device cpu --quiet line
test_expect_success "... says it is the default" 'grep -q "fixed.features: sr8k.json.f_max: .*(the default: f_max is not in the file" err'

# a null that stands for a number refused: the message showed the number, which the file does not hold
printf '{"win_length": 1, "hop_length": null}\n' >hopnull.json
test_expect_code 2 "hop_length null with win_length 1 (win_length // 2 = 0)" featurize -q -c hopnull.json -o h.feat c
test_expect_success "... says the 0 is the file's null" '
  grep -qx "featurize: hopnull.json.hop_length: 0 is outside 1..4\*n_fft (the file.s null: win_length // 2)" err'
