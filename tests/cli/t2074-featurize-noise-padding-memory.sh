#!/usr/bin/env bash
# The mel spectrogram of a centred signal (center: true, torch.stft's n_fft / 2 samples of
# reflection or zeros on both sides) was taken from a padded copy of the whole signal: a noise
# stream, held whole once decoded (t2056), was held twice, and the copy kept by the worker thread
# to the end of the run. Half an hour of 16 kHz noise (28.8 M samples, 115 MB as float32) took
# about 253 MB over a run without it, where its samples and its features (180001 frames of 40
# mels, 29 MB) need 144 MB. Only the frames that reach into the padding are now copied. The
# frames at both ends of a noise stream, padded either way, are torchaudio's.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
mkdir -p c/yes c/no c/_background_noise_
sox -R -n -r 16000 -c 1 -b 16 c/yes/a.wav synth 0.1 sine 2500
sox -R -n -r 16000 -c 1 -b 16 c/no/a.wav synth 0.1 sine 300
sox -R -n -r 16000 -c 1 -b 16 c/_background_noise_/short.wav synth 1 whitenoise vol 0.1
cp -r c long
silent_wav long/_background_noise_/half-hour.wav 16000 1 1800   # sparse: no disk taken
test_expect_code 0 "a corpus with a one-second noise file" /usr/bin/time -f %M -o base.kb featurize -q -j 1 -o c.feat c
test_expect_code 0 "... and with half an hour of 16 kHz noise too" /usr/bin/time -f %M -o long.kb featurize -q -j 1 -o long.feat long
test_expect_success "... a stream of 180001 frames" 'featurize --describe long.feat | jq -e "[.noise[].frames] == [180001, 101]" >/dev/null'
# its samples and features, and 30 MB for the rest (the one-second run's peak is the base)
need_kb=$(( (28800000 * 4 + 180001 * 40 * 4) / 1024 ))
expect_rss_within "... held within its samples and features ($need_kb KB) and 30 MB of the short one's peak (was about 253 MB over)" \
  featurize long.kb base.kb $((need_kb + 30720))

# the frames at a noise stream's ends, where the padding is, against torchaudio's MelSpectrogram of
# the file (white noise to its first and last samples), reflect and constant padding
py_warm torchaudio   # the "$PY" runs below import torchaudio: once a run, in its server (lib.sh)
if ! "$PY" -c "import torchaudio, numpy" 2>/dev/null; then
  test_skip noise-padding-as-torchaudio "torchaudio and numpy not available to $PY"
  exit 0
fi
mkdir -p e/yes e/no e/_background_noise_
cp c/yes/a.wav e/yes/ && cp c/no/a.wav e/no/
sox -R -n -r 16000 -c 1 -b 16 e/_background_noise_/n.wav synth 1.2345 whitenoise vol 0.5
for mode in reflect constant; do
  jq -n --arg m "$mode" '{pad_mode: $m}' >"$mode.json"
  test_expect_code 0 "a noise stream, $mode padding" featurize -q -c "$mode.json" -o "$mode.feat" e
  test_expect_success "... its first and last frames as torchaudio's" "\"\$PY\" - $mode <<'P'
import json, struct, sys, warnings
import numpy as np, torch, torchaudio
warnings.filterwarnings('ignore')
raw = open(sys.argv[1] + '.feat', 'rb').read()
off, n = struct.unpack_from('<QQ', raw, 72 + 16 * 6)
meta = json.loads(raw[off:off + n].rstrip(b'\0'))
(s,) = meta['noise']
ours = np.frombuffer(raw, np.float32, s['frames'] * 40, s['offset']).reshape(-1, 40).astype(np.float64)
w, sr = torchaudio.load('e/_background_noise_/n.wav')
ta = torchaudio.transforms.MelSpectrogram(sample_rate=16000, n_fft=512, win_length=400, hop_length=160, n_mels=40,
    f_min=20.0, f_max=7600.0, power=2.0, center=True, pad_mode=sys.argv[1])(w)[0].T.double().numpy()
assert ours.shape == ta.shape, (ours.shape, ta.shape)
ends = np.r_[0:4, len(ta) - 4:len(ta)]
d = np.abs(ours[ends] - ta[ends]).max() / ta.max()
print('# ' + sys.argv[1] + ': first and last 4 frames, max diff rel to peak', d)
assert d < 1e-5, d
P"
done
