#!/usr/bin/env bash
# A noise file is read whole, and was held whole three times over: every channel as float32, then
# its mono mix, then the resampled copy (an hour of 48 kHz stereo: 2.3 GB, for a mel-power stream
# of 58 MB). It is now read a chunk at a time, each chunk mixed to mono and passed through the
# resampler as it comes, so only the resampled samples are held whole: five minutes of 48 kHz
# stereo (57.6 MB of 16-bit audio) add about 25 MB to the peak, not 190 MB. The file is sparse (a
# header, then a hole: silence), so it takes no disk. The features are those of the whole-file
# read: the same stream length as torchaudio's resample gives, and a tone through it the same
# frames as that tone read as a clip.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
mkdir -p c/yes c/no c/_background_noise_
sox -R -n -r 16000 -c 1 -b 16 c/yes/a.wav synth 0.1 sine 2500
sox -R -n -r 16000 -c 1 -b 16 c/no/a.wav synth 0.1 sine 300
sox -R -n -r 16000 -c 1 -b 16 c/_background_noise_/short.wav synth 1 whitenoise vol 0.1
cp -r c long
silent_wav long/_background_noise_/five-minutes.wav 48000 2 300
test_expect_code 0 "a corpus with a one-second noise file" /usr/bin/time -f %M -o base.kb featurize -q -j 1 -o c.feat c
test_expect_code 0 "... and with five minutes of 48 kHz stereo noise too" /usr/bin/time -f %M -o long.kb featurize -q -j 1 -o long.feat long
test_expect_success "... a stream of 30001 frames (5 minutes resampled to 4800000 samples)" '
  featurize --describe long.feat | jq -e "[.noise[].frames] == [30001, 101]" >/dev/null'
expect_rss_within "... held within 60 MB of the short one's peak (was about 190 MB over)" featurize long.kb base.kb 61440

# a 48 kHz stereo tone as a noise file and as a clip (1.05 s of it, the clip's read) gives the
# same frames where both see the same samples: the clip's, but its last few
mkdir -p t/yes t/no t/_background_noise_
sox -R -n -r 48000 -c 2 -b 16 t/_background_noise_/tone.wav synth 3 sine 1000 sine 3000 vol 0.3
cp t/_background_noise_/tone.wav t/yes/tone.wav && cp c/no/a.wav t/no/a.wav
test_expect_code 0 "a 48 kHz stereo tone as noise and as a clip" featurize -q -o t.feat t
test_expect_success "... the noise stream holds the clip's frames, and is as long as torchaudio's resample makes it" '
  featurize --dump t.feat --clip 1 >clip.json && "$PY" - <<P
import json, struct
import numpy as np
raw = open("t.feat", "rb").read()
off, n = struct.unpack_from("<QQ", raw, 72 + 16 * 6)
meta = json.loads(raw[off:off + n].rstrip(b"\0"))
(s,) = meta["noise"]
noise = np.frombuffer(raw, np.float32, s["frames"] * 40, s["offset"]).reshape(-1, 40)
clip = np.array(json.load(open("clip.json"))["mel_power"], dtype=np.float32)
# torchaudio.functional.resample(x, 48000, 16000) gives ceil(144000 / 3) samples, center=True
assert s["frames"] == 1 + 48000 // 160, s["frames"]
d = np.abs(noise[:95] - clip[:95]).max() / clip.max()
print("# noise vs clip, frames 0-94: max diff rel to peak", d)
assert d < 1e-5, d
P'
