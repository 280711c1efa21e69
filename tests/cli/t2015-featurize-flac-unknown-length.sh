#!/usr/bin/env bash
# featurize on FLAC files whose header gives no length: STREAMINFO's total samples is 0, "unknown"
# by the FLAC format, as an encoder writing to a pipe (ffmpeg -f flac -, flac -c) leaves it.
# libsndfile reports such a length as unknown (SF_COUNT_MAX), which decode took for an Ogg file
# cut short: whole, good files were skipped as "truncated: its length cannot be read". They are
# read to their end: a clip (longer or shorter than clip_seconds) and a noise file give the
# features of the same file with its length; one cut short is still skipped and named.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

mkdir -p c/yes c/no c/_background_noise_ k/yes k/no k/_background_noise_
sox -R -n -r 16000 -b 16 -c 1 k/yes/y0_nohash_0.flac synth 1.5 sine 450 vol 0.2
sox -R -n -r 44100 -b 16 -c 2 k/no/n0_nohash_0.flac synth 0.6 sine 900 vol 0.2
sox -R -n -r 16000 -b 16 -c 1 k/_background_noise_/pink.flac synth 3 pinknoise vol 0.1
sox -R -n -r 16000 -b 16 -c 1 k/no/n1_nohash_0.wav synth 1 sine 950 vol 0.2
cp k/no/n1_nohash_0.wav c/no/
# the same files with no length in their headers
for f in yes/y0_nohash_0.flac no/n0_nohash_0.flac _background_noise_/pink.flac; do flac_without_length k/$f c/$f; done
# and one of them cut short
head -c $(($(stat -c %s c/yes/y0_nohash_0.flac) / 2)) c/yes/y0_nohash_0.flac >c/yes/cut.flac

test_expect_code 0 flac-unknown-length featurize -q -o c.feat c
test_expect_success flac-unknown-length-read 'jq -e ".clips == 3 and .noise == 1 and .skipped == 1" out >/dev/null &&
  [ "$(wc -l <err)" = 2 ] && grep -q "^featurize: skipped c/yes/cut.flac: " err &&
  grep -qxF "featurize: clips longer than clip_seconds (1 s), their features the first 1 s: 1 of 3 (a longer clip_seconds in --config keeps more)" err'
# (y0, 1.5 s, is cropped: its length, which its header leaves out, is not known, as it is read only
# to the clip's end, so the note names no longest clip (t2048))
test_expect_code 0 flac-known-length featurize -q -o k.feat k
test_expect_success flac-unknown-length-same-features 'jq -e ".clips == 3 and .noise == 1 and .skipped == 0" out >/dev/null &&
  for f in c k; do for i in 0 1 2; do featurize --dump $f.feat --clip $i | jq -c "[.path, .mel_power]"; done >$f.clips; done &&
  cmp c.clips k.clips && featurize --describe c.feat | jq -c .noise >c.noise && featurize --describe k.feat | jq -c .noise >k.noise &&
  cmp c.noise k.noise'
test_expect_code 2 flac-unknown-length-strict featurize -q --strict -o s.feat c
test_expect_success flac-unknown-length-strict-names-the-cut-one '[ "$(wc -l <err)" = 1 ] && grep -q "c/yes/cut.flac: .*(--strict)" err && [ ! -e s.feat ]'
