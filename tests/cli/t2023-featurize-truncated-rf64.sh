#!/usr/bin/env bash
# featurize on RF64 files (64-bit WAV, which broadcast recorders write) cut short. RF64 keeps its
# sizes in a ds64 chunk; libsndfile shortens a cut file to what is there and notes it in its log
# only as "*** Calculated frame count 7974 does not match value from 'ds64' chunk of 16000", so a
# half-copied RF64 clip was taken with its missing half read as silence, where a cut WAV is
# skipped as truncated (featurize(1): bad audio). A whole RF64 file is read as before.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

# rf64 OUT FREQ: one second of a tone at 16 kHz as 16-bit RF64, written by libsndfile (sox has no RF64)
rf64() { sndfile_tone "$1" 0x220002 16000 1 "$2" 0.3; }   # SF_FORMAT_RF64 | SF_FORMAT_PCM_16

mkdir -p c/yes c/no
if ! rf64 c/yes/y0_nohash_0.wav 450 2>/dev/null || [ "$(head -c 4 c/yes/y0_nohash_0.wav)" != RF64 ]; then
  test_skip rf64 "libsndfile here cannot write RF64"
  exit 0
fi
rf64 c/no/n0_nohash_0.wav 900
rf64 full.wav 500
head -c $(($(stat -c %s full.wav) / 2)) full.wav >c/yes/cut_nohash_0.wav
# the frame count the cut file's ds64 chunk gives (its sample count, a u64 at byte 36 of the
# file: RF64, size, WAVE, ds64, its size, then u64 riff size, data size, sample count), read here
claims=$("$PY" -c 'import struct, sys; b = open(sys.argv[1], "rb").read(44); assert b[12:16] == b"ds64"; print(struct.unpack_from("<Q", b, 36)[0])' c/yes/cut_nohash_0.wav)
test_expect_success "setup: the cut file's ds64 chunk claims 16000 frames" '[ "$claims" = 16000 ]'

test_expect_code 0 "a cut RF64 clip" featurize -q -o c.feat c
test_expect_success "... is skipped as truncated, named with the frames its header claims; the whole ones kept" '
  jq -e ".clips == 2 and .skipped == 1" out >/dev/null && [ "$(wc -l <err)" = 1 ] &&
  grep -q "^featurize: skipped c/yes/cut_nohash_0.wav: truncated: the header claims $claims frames, the file holds [0-9]*$" err'
test_expect_code 2 "a cut RF64 clip with --strict" featurize -q --strict -o s.feat c
test_expect_success "... names it, no cache" 'grep -q "cut_nohash_0.wav: truncated: .*(--strict)" err && [ ! -e s.feat ]'
