#!/usr/bin/env bash
# featurize on a VBR MP3 without its Xing header (a tool that cut or joined the file dropped it).
# libsndfile takes an MPEG file's length from libmpg123 when it opens it, without that header an
# estimate from the first frame's bitrate and the file's size, and reads no further: a 3 s noise
# file was read as 0.52 s, a 1 s clip as a fraction of it padded with silence. torchaudio decodes
# the whole stream. A file cut short whose header gives its length is still truncated.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

if ! sndfile_tone n.mp3 0x230082 16000 3 300 0.3 2>/dev/null || [ ! -s n.mp3 ]; then
  test_skip mp3-no-xing "libsndfile here cannot write MP3"
  exit 0
fi
sndfile_tone y.mp3 0x230082 16000 1 700 0.3
sox -R -n -r 16000 -b 16 -c 1 ok.wav synth 1 sine 450 vol 0.3
# the Xing (or Info) tag of the first frame renamed: libmpg123 then takes the frame for audio
for f in n y; do
  "$PY" -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read())
k = max(b.find(b"Xing", 0, 200), b.find(b"Info", 0, 200)); assert k > 0
b[k:k + 4] = b"None"; open(sys.argv[2], "wb").write(b)' "$f.mp3" "${f}_noxing.mp3"
done
head -c $(($(stat -c %s n.mp3) / 2)) n.mp3 >cut.mp3
printf '%s\n' '{"path": "ok.wav", "label": "no"}' '{"path": "y_noxing.mp3", "label": "yes"}' \
  '{"path": "n_noxing.mp3", "label": "_background_noise_"}' '{"path": "cut.mp3", "label": "_background_noise_"}' >m.jsonl
# the samples each holds, as torchaudio decodes it: its MPEG frames, counted from their headers
# here, times the samples a frame holds (the renamed tag's frame is one of them; 50112 and 17856)
count_samples() {
  "$PY" - "$1" <<'P'
import sys
b = open(sys.argv[1], "rb").read()
at = n = 0
BR = {3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],   # MPEG-1, -2 layer III
      2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]}
SR = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000]}
while at + 4 <= len(b) and b[at] == 0xFF and b[at + 1] & 0xE0 == 0xE0:
    h = int.from_bytes(b[at:at + 4], "big")
    ver, br, sr, pad = (h >> 19) & 3, (h >> 12) & 15, (h >> 10) & 3, (h >> 9) & 1
    at, n = at + (144 if ver == 3 else 72) * BR[ver][br] * 1000 // SR[ver][sr] + pad, n + 1
assert at == len(b), "not a file of MPEG-1/2 layer III frames only"
print(n * (1152 if ver == 3 else 576))
P
}
{ count_samples n_noxing.mp3; count_samples y_noxing.mp3; } >want
{ read -r n_want; read -r y_want; } <want

test_expect_code 0 "an MP3 noise file and clip without their Xing header" featurize -q -o m.feat m.jsonl
test_expect_success "... the noise stream is as long as its frames, as torchaudio decodes it; the cut one skipped as truncated" '
  [ "$n_want" -gt 48000 ] && jq -e ".clips == 2 and .noise == 1 and .skipped == 1" out >/dev/null &&
  featurize --describe m.feat | jq -e --argjson f $((1 + n_want / 160)) ".noise == [{\"name\": \"n_noxing.mp3\", \"frames\": \$f, \"seconds\": ((\$f - 1) * 160 / 16000)}]" >/dev/null &&
  grep -q "^featurize: skipped \(\./\)\?cut.mp3: truncated after" err'
test_expect_success "... the clip holds audio to the end of its first second, not silence" '
  [ "$y_want" -ge 16000 ] && featurize --dump m.feat --clip 1 | jq -e ".path == \"y_noxing.mp3\" and ([.mel_power[90:][] | add] | min > 1e-3)" >/dev/null'
