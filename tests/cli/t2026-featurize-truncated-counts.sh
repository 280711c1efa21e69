#!/usr/bin/env bash
# featurize on AVR, MATLAB 5, NIST SPHERE, Amiga IFF (8SVX/16SV), MIDI sample dump (.sds) and
# Akai MPC 2000 files cut short. Their headers give the length, but libsndfile takes the frames
# from the bytes the file holds (SDS: from its header, reading blocks past the end as noise) and
# notes the header's count at most in its log ("Frames : 16000", "Cols : 16000",
# "BODY : 32000 (should be 15939)"; NIST: nowhere), so a half-copied clip was taken with its
# missing part read as silence, where a cut WAV is skipped as truncated (featurize(1): bad audio).
# Whole files of the same formats are read.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

mkdir -p c/yes c/no
sox -n -r 16000 -b 16 -c 1 c/yes/y0_nohash_0.wav synth 1 sine 450 vol 0.3
n=0
# EXT SF_FORMAT_* (container | 16-bit PCM): one second at 16 kHz, so each header claims 16000 frames
for f in avr:0x120002 mat:0x0D0002 sph:0x070002 iff:0x060002 sds:0x110002 mpc:0x210002; do
  ext=${f%%:*}
  sndfile_tone "whole.$ext" "${f#*:}" 16000 1 700 0.3 2>/dev/null || continue
  cp "whole.$ext" "c/no/whole_nohash_$ext.$ext"
  head -c $(($(stat -c %s "whole.$ext") / 2)) "whole.$ext" >"c/no/cut_nohash_$ext.$ext"
  n=$((n + 1))
done
test_expect_success "setup: libsndfile wrote the six formats" '[ "$n" = 6 ]'

test_expect_code 0 "cut .avr, .mat (v5), .sph, .iff, .sds and .mpc clips" featurize -q -o c.feat c
test_expect_success "... each skipped as truncated, named with what its header claims; the whole ones kept" '
  jq -e ".clips == 7 and .skipped == 6" out >/dev/null && [ "$(wc -l <err)" = 6 ] &&
  for f in avr mat sph sds mpc; do
    grep -q "^featurize: skipped c/no/cut_nohash_$f.$f: truncated: the header claims 16000 frames, the file holds [0-9]*$" err || exit 1
  done &&
  grep -q "^featurize: skipped c/no/cut_nohash_iff.iff: truncated: the header claims 32000 bytes of audio, the file holds [0-9]*$" err'
test_expect_code 2 "a cut .sph with --strict" featurize -q --strict -o s.feat c
test_expect_success "... names it, no cache" 'grep -q "cut_nohash_.*: truncated.*(--strict)" err && [ ! -e s.feat ]'
