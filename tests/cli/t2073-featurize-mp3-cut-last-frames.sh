#!/usr/bin/env bash
# featurize on an MP3 cut short by its last MPEG frame or two (a copy stopped a few hundred bytes
# early). An MP3 from LAME (libsndfile's writer, ffmpeg's libmp3lame) has a Xing or Info header
# whose count of frames, less the encoder's delay and padding of its LAME tag, is the length. The
# frames counted (t2029's mpg123_scan) came out fewer than the header's count, and libmpg123 then
# dropped its gapless trimming: such a file was kept as a whole one, 16704 samples where the intact
# one has 16000, its audio 537 samples late (the decoder's delay left in). It is truncated. The
# lengths expected come from the file's own bytes: the header's count, delay and padding, and the
# frame headers up to the cut.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

if ! sndfile_tone w.mp3 0x230082 16000 1 700 0.3 2>/dev/null || [ ! -s w.mp3 ]; then
  test_skip mp3-cut-last-frames "libsndfile here cannot write MP3"
  exit 0
fi
sox -n -r 16000 -b 16 -c 1 ok.wav synth 1 sine 450 vol 0.3
# w.mp3's length by its header (Xing/Info frames x 576 - delay - padding), then cut1.mp3 and
# cut2.mp3: w.mp3 up to its last frame and up to the one before
"$PY" - <<'P' >lame
b = open("w.mp3", "rb").read()
x = max(b.find(b"Xing", 0, 200), b.find(b"Info", 0, 200))
flags = int.from_bytes(b[x + 4:x + 8], "big")
assert x > 0 and flags & 1, "no Xing/Info frame count"
frames = int.from_bytes(b[x + 8:x + 12], "big")
lame = x + 8 + sum(n for bit, n in ((1, 4), (2, 4), (4, 100), (8, 4)) if flags & bit)
assert b[lame:lame + 4] == b"LAME", "no LAME tag"
d = b[lame + 21:lame + 24]
delay, padding = d[0] << 4 | d[1] >> 4, (d[1] & 15) << 8 | d[2]
BR = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]   # MPEG-2 layer III, 16 kHz
at, starts = 0, []
while at + 4 <= len(b) and b[at] == 0xFF and b[at + 1] & 0xE0 == 0xE0:
    h = int.from_bytes(b[at:at + 4], "big")
    assert (h >> 19) & 3 == 2 and (h >> 10) & 3 == 2, "not MPEG-2 at 16 kHz"
    starts.append(at)
    at += 72 * BR[(h >> 12) & 15] * 1000 // 16000 + ((h >> 9) & 1)
assert at == len(b) and len(starts) == frames + 1, (at, len(b), len(starts), frames)   # + the header's own frame
open("cut1.mp3", "wb").write(b[:starts[-1]])
open("cut2.mp3", "wb").write(b[:starts[-2]])
print(frames * 576 - delay - padding)
P
samples=$(cat lame)
printf '%s\n' '{"path": "ok.wav", "label": "no"}' '{"path": "w.mp3", "label": "yes"}' \
  '{"path": "cut1.mp3", "label": "yes"}' '{"path": "cut2.mp3", "label": "yes"}' >clips.jsonl
printf '%s\n' '{"path": "ok.wav", "label": "no"}' '{"path": "w.mp3", "label": "yes"}' \
  '{"path": "cut1.mp3", "label": "_background_noise_"}' '{"path": "cut2.mp3", "label": "_background_noise_"}' >noise.jsonl
cp w.mp3 wn.mp3
printf '%s\n' '{"path": "ok.wav", "label": "no"}' '{"path": "w.mp3", "label": "yes"}' \
  '{"path": "wn.mp3", "label": "_background_noise_"}' >whole.jsonl

test_expect_code 0 "MP3 clips cut before their last frame and the one before" featurize -q -o clips.feat clips.jsonl
test_expect_success "... both skipped as truncated, the whole one kept" '[ "$samples" = 16000 ] &&
  jq -e ".clips == 2 and .skipped == 2" out >/dev/null && [ "$(wc -l <err)" = 2 ] &&
  grep -q "^featurize: skipped \(\./\)\?cut1.mp3: truncated" err && grep -q "^featurize: skipped \(\./\)\?cut2.mp3: truncated" err'
test_expect_code 0 "the same files as noise" featurize -q -o noise.feat noise.jsonl
test_expect_success "... both skipped as truncated" 'jq -e ".noise == 0 and .skipped == 2" out >/dev/null &&
  grep -q "^featurize: skipped \(\./\)\?cut1.mp3: truncated" err && grep -q "^featurize: skipped \(\./\)\?cut2.mp3: truncated" err'
test_expect_code 2 "a cut one with --strict" featurize -q --strict -o strict.feat clips.jsonl
test_expect_success "... exit 2 naming the first, no cache" 'grep -q "cut1.mp3: truncated.*(--strict)$" err && [ ! -e strict.feat ]'
# the whole file as noise: as long as its header says (1 + samples / 160 frames, centred), not more
test_expect_code 0 "the whole MP3 as noise" featurize -q -o whole.feat whole.jsonl
test_expect_success "... a stream of the header's length" 'featurize --describe whole.feat >d &&
  jq -e --argjson f $((1 + samples / 160)) ".noise == [{\"name\": \"wn.mp3\", \"frames\": \$f, \"seconds\": ((\$f - 1) * 160 / 16000)}]" d >/dev/null'
