#!/usr/bin/env bash
# featurize on damaged MP3 files. libsndfile decodes MPEG audio with libmpg123 and, when libmpg123
# finds no frame it can decode, fails the open with its error for a path that is not a file
# ("File does not exist or is not a regular file (possibly a pipe?)."), so such a clip, a regular
# file that exists, was skipped as "not audio (File does not exist or is not a regular file ...)".
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

mkdir -p c/yes c/no
if ! sndfile_tone probe.mp3 0x230082 16000 1 440 0.2 2>/dev/null || [ ! -s probe.mp3 ]; then
  test_skip mp3-damaged "libsndfile here cannot write MP3"
  exit 0
fi
sox -R -n -r 16000 -b 16 -c 1 c/yes/y0_nohash_0.wav synth 1 sine 400 vol 0.2
sox -R -n -r 16000 -b 16 -c 1 c/no/n0_nohash_0.wav synth 1 sine 800 vol 0.2
# an MPEG-1 layer III frame header (128 kb/s, 44.1 kHz) and then nothing but zeros
printf '\377\373\220\000' >c/no/zeros_nohash_0.mp3
head -c 2000 /dev/zero >>c/no/zeros_nohash_0.mp3

test_expect_code 0 "an MP3 clip with no frame libmpg123 can decode" featurize -q -o c.feat c
test_expect_success "... is skipped as not audio, in words about MPEG, not as a missing file or a pipe" '
  jq -e ".clips == 2 and .skipped == 1" out >/dev/null &&
  grep "^featurize: skipped c/no/zeros_nohash_0.mp3: not audio (" err >line && ! grep -qi "does not exist\|pipe" line &&
  grep -q "MPEG" line'

# libmpg123, which libsndfile makes with its default settings, printed notes of its own on stderr
# for damaged frames ("Note: Illegal Audio-MPEG-Header 0x... at offset 1000.", "Note: Trying to
# resync...", "[src/libmpg123/layer3.c:...] error: dequantization failed!"): lines that name no
# file nor the tool, beside the one featurize prints for each skipped file (featurize(1))
mkdir -p d/yes d/no
cp c/yes/y0_nohash_0.wav d/yes/ && cp c/no/n0_nohash_0.wav c/no/zeros_nohash_0.mp3 d/no/
sndfile_tone whole.mp3 0x230082 16000 1 700 0.3
head -c $(($(stat -c %s whole.mp3) / 2)) whole.mp3 >d/no/cut_nohash_0.mp3
# every 37th byte of the audio flipped
"$PY" -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read())
for i in range(400, len(b), 37): b[i] ^= 0xFF
open(sys.argv[2], "wb").write(b)' whole.mp3 d/no/flipped_nohash_0.mp3
test_expect_code 0 "MP3 clips damaged three ways" featurize -q -o d.feat d
test_expect_success "... each skipped in one line of featurize's; no line of libmpg123's" '
  jq -e ".clips == 2 and .skipped == 3" out >/dev/null && [ "$(wc -l <err)" = 3 ] &&
  [ "$(grep -c "^featurize: skipped d/no/[a-z]*_nohash_0.mp3: " err)" = 3 ]'
