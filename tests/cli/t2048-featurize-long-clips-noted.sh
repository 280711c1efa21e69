#!/usr/bin/env bash
# Clips longer than clip_seconds are cropped to their start, as the man page says; on one's own
# recordings (a wake word said slowly, a take with silence after it) that lost their ends without
# a word. featurize now says how many were cropped and the longest. The cropped features are
# torchaudio's MelSpectrogram of the clip's first second; clips of exactly the clip's length (at
# 16 and 44.1 kHz) and shorter ones are not counted.
. "$WS_ROOT/tests/cli/lib.sh"
py_warm torchaudio
mkdir -p c/yes c/no
sox -R -n -r 16000 -b 16 -c 1 c/yes/a_nohash_0.wav synth 0.5 sine 600 vol 0.3
sox -R -n -r 16000 -b 16 -c 1 c/yes/b_nohash_0.wav synth 1 sine 700 vol 0.3
sox -R -n -r 44100 -b 16 -c 1 c/no/c_nohash_0.wav synth 1 sine 300 vol 0.3
sox -R -n -r 16000 -b 16 -c 1 c/no/d_nohash_0.wav synth 1.5 sine 200:900 vol 0.3
sox -R -n -r 48000 -b 16 -c 2 c/no/e_nohash_0.wav synth 3 sine 400 vol 0.3

test_expect_code 0 "a corpus with clips longer than a second" featurize -q -o c.feat c
test_expect_success "... how many were cropped, and the longest" '[ "$(wc -l <err)" = 1 ] &&
  grep -qxF "featurize: clips longer than clip_seconds (1 s), their features the first 1 s: 2 of 5, the longest 3.00 s (a longer clip_seconds in --config keeps more)" err &&
  jq -e ".clips == 5 and .skipped == 0" out >/dev/null'
echo '{"clip_seconds": 3}' >three.json
test_expect_code 0 "clip_seconds 3" featurize -q --config three.json -o t.feat c
test_expect_success "... none cropped, nothing said" '[ ! -s err ]'
if "$PY" -c "import torchaudio" 2>/dev/null; then
  test_expect_success "the cropped clip's features are torchaudio's of its first second" '
    featurize --dump c.feat --clip 1 >d.json && jq -e ".path == \"no/d_nohash_0.wav\"" d.json >/dev/null && "$PY" - <<P
import json, torch, torchaudio
d = json.load(open("d.json"))
x, sr = torchaudio.load("c/no/d_nohash_0.wav")
m = torchaudio.transforms.MelSpectrogram(sample_rate=16000, n_fft=512, win_length=400, hop_length=160,
    f_min=20.0, f_max=7600.0, n_mels=40)(x[0, :16000]).T
o = torch.tensor(d["mel_power"])
err = ((o - m).abs().max() / m.abs().max()).item()
print("# relative max error", err)
assert o.shape == m.shape and err < 1e-4, err
P'
else
  test_skip "the cropped clip's features are torchaudio's of its first second" "torchaudio not available to $PY"
fi
