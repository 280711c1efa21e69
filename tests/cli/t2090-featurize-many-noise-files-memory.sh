#!/usr/bin/env bash
# Every noise file's mel-power stream was held in memory from the moment it was made to the end
# of the run, when the cache was written: featurize's peak grew with the corpus's noise in all,
# not with its longest file (a folder of hours of noise, MUSAN's 6 hours for one, some 350 MB at
# the default settings; 40 files of 5 minutes, 192 MB). Each stream now goes to a temporary file
# beside the cache once it is made, and from there into the cache: eight ten-minute files (60001
# frames of 40 mels, 9.4 MB each) take about what one does, not 66 MB more. The files are sparse
# (silence), so they take no disk. Streams that went through that file are still each file's
# features, checked against torchaudio's MelSpectrogram.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
mkdir -p one/yes one/no one/_background_noise_
sox -R -n -r 16000 -c 1 -b 16 one/yes/a.wav synth 0.1 sine 2500
sox -R -n -r 16000 -c 1 -b 16 one/no/a.wav synth 0.1 sine 300
cp -r one eight
silent_wav one/_background_noise_/n1.wav 16000 1 600
for i in 1 2 3 4 5 6 7 8; do silent_wav eight/_background_noise_/n$i.wav 16000 1 600; done
test_expect_code 0 "a corpus with one ten-minute noise file" /usr/bin/time -f %M -o one.kb featurize -q -j 1 -o one.feat one
test_expect_code 0 "... and one with eight" /usr/bin/time -f %M -o eight.kb featurize -q -j 1 -o eight.feat eight
test_expect_success "... eight streams of 60001 frames" '
  featurize --describe eight.feat | jq -e "[.noise[].frames] == [range(8) | 60001]" >/dev/null'
expect_rss_within "... held within 12 MB of the one file's peak (was about 66 MB over)" featurize eight.kb one.kb 12288
test_expect_success "... no temporary file left beside the caches" '[ "$(ls -A | grep -c "\.feat\.")" = 0 ]'

# streams of distinct sounds (two threads, so they are made at once), each as torchaudio makes it
py_warm torchaudio   # the "$PY" runs below import torchaudio: once a run, in its server (lib.sh)
if ! "$PY" -c "import torchaudio, numpy" 2>/dev/null; then
  test_skip noise-streams-as-torchaudio "torchaudio and numpy not available to $PY"
  exit 0
fi
mkdir -p t/yes t/no t/_background_noise_
cp one/yes/a.wav t/yes/ && cp one/no/a.wav t/no/
sox -R -n -r 16000 -c 1 -b 16 t/_background_noise_/a.wav synth 3.1 sine 440 vol 0.4
sox -R -n -r 16000 -c 1 -b 16 t/_background_noise_/b.wav synth 2.05 whitenoise vol 0.3
sox -R -n -r 16000 -c 1 -b 16 t/_background_noise_/c.wav synth 4 sine 300-3000 vol 0.5
test_expect_code 0 "three noise files of their own sound, two threads" featurize -q -j 2 -o t.feat t
test_expect_success "... each stream is its file's mel power as torchaudio's" '"$PY" - <<P
import json, struct, warnings
import numpy as np, torchaudio
warnings.filterwarnings("ignore")
raw = open("t.feat", "rb").read()
off, n = struct.unpack_from("<QQ", raw, 72 + 16 * 6)
meta = json.loads(raw[off:off + n].rstrip(b"\0"))
assert [s["name"] for s in meta["noise"]] == ["a.wav", "b.wav", "c.wav"], meta["noise"]
mel = torchaudio.transforms.MelSpectrogram(sample_rate=16000, n_fft=512, win_length=400, hop_length=160, n_mels=40,
                                           f_min=20.0, f_max=7600.0, power=2.0, center=True, pad_mode="reflect")
for s in meta["noise"]:
    w, sr = torchaudio.load("t/_background_noise_/" + s["name"])
    ta = mel(w)[0].T.double().numpy()
    ours = np.frombuffer(raw, np.float32, s["frames"] * 40, s["offset"]).reshape(-1, 40).astype(np.float64)
    assert ours.shape == ta.shape, (s["name"], ours.shape, ta.shape)
    d = np.abs(ours - ta).max() / ta.max()
    print("#", s["name"], "max diff rel to peak", d)
    assert d < 1e-4, (s["name"], d)
P'
