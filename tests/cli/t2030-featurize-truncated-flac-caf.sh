#!/usr/bin/env bash
# featurize on a FLAC file cut short whose header gives its length (STREAMINFO's total samples,
# as sox writes it). libsndfile decodes the frames that are there, then says only "Error : flac
# decoder lost sync.", so the file was skipped as "Error : flac decoder lost sync. after 8192 of
# 16800 frames": the one cut format whose message had no "truncated" (featurize(1): bad audio;
# t2021-t2029, and t2015 for a FLAC file without a length). A CAF file (Apple's Core Audio
# Format) cut short was refused by libsndfile as "malformed" and skipped as "not audio (Supported
# file format but file is malformed.)": it is truncated, its data chunk claiming more bytes than the
# file holds. Whole ones are read as before.
. "$WS_ROOT/tests/cli/lib.sh"

mkdir -p c/yes c/no
sox -R -n -r 16000 -b 16 -c 1 c/yes/y0_nohash_0.flac synth 1 sine 450 vol 0.3
sox -R -n -r 16000 -b 16 -c 1 whole.flac synth 1.05 sine 700 vol 0.3   # 16800 frames, its header says
head -c $(($(stat -c %s whole.flac) / 2)) whole.flac >c/no/cut_nohash_0.flac

test_expect_code 0 "a cut FLAC clip whose header gives its length" featurize -q -o c.feat c
test_expect_success "... is skipped as truncated, with the frames its header claims; the whole one kept" '
  jq -e ".clips == 1 and .skipped == 1" out >/dev/null && [ "$(wc -l <err)" = 2 ] &&
  grep -qx "featurize: c/no: its one audio file was skipped (named above), so it is not a class" err &&
  grep -q "^featurize: skipped c/no/cut_nohash_0.flac: truncated or damaged: the header claims 16800 frames, the FLAC decoder stopped after [0-9]* (libsndfile: \"Error : flac decoder lost sync.\")$" err'
test_expect_code 2 "... with --strict" featurize -q --strict -o s.feat c
test_expect_success "... names it, no cache" 'grep -q "^featurize: c/no/cut_nohash_0.flac: truncated or damaged: .*(--strict)$" err && [ ! -e s.feat ]'

# CAF: one second of 16-bit audio at 16 kHz is 32000 bytes, which the data chunk claims
mkdir -p k/yes k/no
sox -R -n -r 16000 -b 16 -c 1 k/yes/y0_nohash_0.wav synth 1 sine 450 vol 0.3
if sox -R -n -r 16000 -b 16 -c 1 k/no/whole_nohash_0.caf synth 1 sine 700 vol 0.3 2>/dev/null; then
  head -c $(($(stat -c %s k/no/whole_nohash_0.caf) / 2)) k/no/whole_nohash_0.caf >k/no/cut_nohash_0.caf
  test_expect_code 0 "a cut CAF clip" featurize -q -o k.feat k
  test_expect_success "... is skipped as truncated, with the bytes its header claims; the whole ones kept" '
    jq -e ".clips == 2 and .skipped == 1" out >/dev/null && [ "$(wc -l <err)" = 1 ] &&
    grep -q "^featurize: skipped k/no/cut_nohash_0.caf: truncated: the header claims 32000 bytes of audio, the file holds [0-9]*$" err'
else
  test_skip "a cut CAF clip" "sox here cannot write CAF"
fi
