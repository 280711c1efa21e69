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
sox -n -r 16000 -b 16 -c 1 c/yes/y0_nohash_0.wav synth 1 sine 400 vol 0.2
sox -n -r 16000 -b 16 -c 1 c/no/n0_nohash_0.wav synth 1 sine 800 vol 0.2
# an MPEG-1 layer III frame header (128 kb/s, 44.1 kHz) and then nothing but zeros
printf '\377\373\220\000' >c/no/zeros_nohash_0.mp3
head -c 2000 /dev/zero >>c/no/zeros_nohash_0.mp3

test_expect_code 0 "an MP3 clip with no frame libmpg123 can decode" featurize -q -o c.feat c
test_expect_success "... is skipped as not audio, in words about MPEG, not as a missing file or a pipe" '
  jq -e ".clips == 2 and .skipped == 1" out >/dev/null &&
  grep "^featurize: skipped c/no/zeros_nohash_0.mp3: not audio (" err >line && ! grep -qi "does not exist\|pipe" line &&
  grep -q "MPEG" line'
