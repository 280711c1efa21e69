#!/usr/bin/env bash
# featurize: what a skip or a refusal says. A count of one was plural ("too short for a noise
# stream (1 samples)", "clip_seconds: 6.25e-05 s (1 samples)"); a folder listed in a manifest was
# "not a regular file" where the same folder in a class folder is "a directory, expected an audio
# file"; a WAV or CAF file whose header gives a sample rate of 0 (or below) was "not audio
# (Internal error : SF_INFO struct incomplete.)", libsndfile's words for it, which named neither
# the file's fault nor what is wrong.
. "$WS_ROOT/tests/cli/lib.sh"

tone() { sox -n -r 16000 -b 16 -c 1 "$1" synth 0.3 sine 440 vol 0.2; }
# pcm PATH RATE FRAMES: a 16-bit mono WAV whose header gives RATE (any 32-bit value), FRAMES of 100
pcm() {
  "$PY" - "$@" <<'PY'
import struct, sys
path, rate, n = sys.argv[1], int(sys.argv[2]) & 0xffffffff, int(sys.argv[3])
data = struct.pack("<%dh" % n, *([100] * n))
fmt = struct.pack("<HHIIHH", 1, 1, rate, (2 * rate) & 0xffffffff, 2, 16)
body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(data)) + data
open(path, "wb").write(b"RIFF" + struct.pack("<I", len(body)) + body)
PY
}

# --- 1. counts of one
mkdir -p c/yes c/_background_noise_ && tone c/yes/ok.wav && pcm c/_background_noise_/one.wav 16000 1
echo '{"center": false}' >uncentred.json
test_expect_code 0 "a noise file of one sample, uncentred" featurize -q -c uncentred.json -o c.feat c
test_expect_success "... is too short for a noise stream (1 sample)" '
  grep -qxF "featurize: skipped c/_background_noise_/one.wav: too short for a noise stream (1 sample)" err'
echo '{"clip_seconds": 0.0000625}' >tiny.json
test_expect_code 2 "clip_seconds of one sample" featurize -q -c tiny.json -o t.feat c
test_expect_success "... says 1 sample" 'grep -qF "featurize: tiny.json.clip_seconds: 6.25e-05 s (1 sample) is too short" err'

# --- 2. a folder where a clip should be: the same words from a manifest as from a class folder
mkdir -p d/yes/x.wav && tone d/yes/ok.wav && mkdir m.wav
printf '{"path": "m.wav", "label": "yes"}\n{"path": "d/yes/ok.wav", "label": "yes"}\n' >m.jsonl
test_expect_code 0 "a folder named like a clip in a class folder" featurize -q -o d.feat d
test_expect_success "... is a directory, expected an audio file" 'grep -qxF "featurize: skipped d/yes/x.wav: a directory, expected an audio file" err'
test_expect_code 0 "a folder listed in a manifest" featurize -q -o m.feat m.jsonl
test_expect_success "... says the same" 'grep -qxF "featurize: skipped ./m.wav: a directory, expected an audio file" err'

# --- 3. a header whose sample rate is 0 or below (WAV's field is unsigned: 2^32 - 1 reads as -1)
mkdir -p r/yes && tone r/yes/ok.wav && pcm r/yes/zero.wav 0 100 && pcm r/yes/max.wav -1 100
sox -n -r 16000 -b 16 -c 1 x.caf synth 0.1 sine 440
"$PY" -c 'import struct
b = bytearray(open("x.caf", "rb").read()); i = b.find(b"desc")
b[i + 12:i + 20] = struct.pack(">d", 0.0); open("r/yes/zero.caf", "wb").write(b)'
test_expect_code 0 "WAV and CAF files whose header gives a sample rate of 0" featurize -q -o r.feat r
sf='(libsndfile: "Internal error : SF_INFO struct incomplete.")'
test_expect_success "... each says so, libsndfile's words after" '
  grep -qxF "featurize: skipped r/yes/zero.wav: not audio: its header gives a sample rate of 0 Hz, expected a positive rate $sf" err &&
  grep -qxF "featurize: skipped r/yes/zero.caf: not audio: its header gives a sample rate of 0 Hz, expected a positive rate $sf" err &&
  grep -qxF "featurize: skipped r/yes/max.wav: not audio: its header gives a sample rate of -1 Hz, expected a positive rate $sf" err &&
  jq -e ".clips == 1 and .skipped == 3" out >/dev/null'
