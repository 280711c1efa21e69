#!/usr/bin/env bash
# featurize: a float file whose samples are all finite but whose stereo mix overflows float32
# (both channels at 3e38: their sum is inf) was skipped, rightly, as "the mel power is not finite
# ...: samples reach inf", which the file does not hold; so was a mono one at a rate to resample
# whose samples near float's largest come out of the resampler past it (the filter's ripple on a
# square wave). Each is now skipped saying what overflows. Which mixes overflow comes from
# PyTorch (torch's mean over the channels, float32), the reference; one whose channels cancel
# (3e38 and -3e38) mixes to silence there and is kept here.
. "$WS_ROOT/tests/cli/lib.sh"
need_python torch-reference torch

# wav PATH CHANNELS RATE EXPR: a 32-bit float WAV of 16000 frames, sample i of channel c EXPR
cat >wav.py <<'PY'
import math, struct, sys
path, ch, rate, expr = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
s = [eval(expr, {"i": i, "c": c, "math": math}) for i in range(16000) for c in range(ch)]
data = struct.pack("<%df" % len(s), *s)
fmt = struct.pack("<HHIIHH", 3, ch, rate, rate * 4 * ch, 4 * ch, 32)
body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(data)) + data
open(path, "wb").write(b"RIFF" + struct.pack("<I", len(body)) + body)
PY
mkdir -p c/yes c/_background_noise_
sox -n -r 16000 -b 16 -c 1 c/yes/ok.wav synth 0.5 sine 440 vol 0.2
"$PY" wav.py c/yes/both.wav 2 16000 '3e38'
"$PY" wav.py c/yes/late.wav 2 16000 '3e38 if i == 8000 else 0.1 * math.sin(i / 7)'
"$PY" wav.py c/yes/cancel.wav 2 16000 '3e38 if c == 0 else -3e38'
"$PY" wav.py c/_background_noise_/hum.wav 2 16000 '3.3e38 * math.sin(i / 50)'
"$PY" wav.py c/yes/square.wav 1 44100 '3.4e38 if (i // 20) % 2 else -3.4e38'
# the reference: which files' channel mean overflows float32 in torch, one path a line
"$PY" - >want.over <<'PY'
import glob, struct, torch
for p in sorted(glob.glob("c/*/*.wav")):
    b = open(p, "rb").read()
    ch = struct.unpack("<H", b[22:24])[0]
    if struct.unpack("<H", b[20:22])[0] != 3 or ch != 2: continue
    x = torch.frombuffer(bytearray(b[44:]), dtype=torch.float32).reshape(-1, 2).T
    if torch.isfinite(x).all() and torch.isinf(x.mean(0)).any(): print(p)
PY
test_expect_code 0 "a corpus with stereo files whose mix overflows" featurize -q -o c.feat c
test_expect_success "... the reference finds the three" '[ "$(cat want.over)" = "$(printf "c/_background_noise_/hum.wav\nc/yes/both.wav\nc/yes/late.wav")" ]'
test_expect_success "... each skipped saying the mix of its channels overflows, at which frame" '
  grep -qxF "featurize: skipped c/yes/both.wav: the mix of its 2 channels overflows float32 at frame 0 (samples 3e+38 and 3e+38, each finite); expected audio within [-1, 1]" err &&
  grep -qxF "featurize: skipped c/yes/late.wav: the mix of its 2 channels overflows float32 at frame 8000 (samples 3e+38 and 3e+38, each finite); expected audio within [-1, 1]" err &&
  grep -q "^featurize: skipped c/_background_noise_/hum.wav: the mix of its 2 channels overflows float32 at frame [0-9]* (samples" err'
test_expect_success "... the mono one to resample: the resampling overflows" '
  grep -qxF "featurize: skipped c/yes/square.wav: resampling from 44100 Hz to 16000 Hz overflows float32 (its samples, each finite, reach 3.4e+38); expected audio within [-1, 1]" err'
test_expect_success "... no file said to reach inf, which none holds" '! grep -q "reach inf" err && [ "$(grep -c skipped err)" = 4 ]'
test_expect_success "... the one whose channels cancel is kept, as the other clip" '
  jq -e ".clips == 2 and .skipped == 4 and .noise == 0" out >/dev/null'
