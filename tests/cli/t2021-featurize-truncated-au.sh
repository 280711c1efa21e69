#!/usr/bin/env bash
# featurize on Sun/NeXT .au (.snd) files cut short. libsndfile shortens an AU file whose header
# claims more audio than the file holds to what is there, and notes it in its log only as
# "Data Size   : 32000 (should be 15978)"; decode looked for that note under the names "data"
# (WAV) and "SSND" (AIFF) alone, so a half-copied .au clip was taken, its missing half read as
# silence, where the same cut .wav or .aiff is skipped as truncated (featurize(1): bad audio). A
# whole .au, and one whose header leaves the size "unknown" (0xffffffff, as a writer to a pipe
# does), are read.
. "$WS_ROOT/tests/cli/lib.sh"

mkdir -p c/yes c/no
sox -n -r 16000 -b 16 -c 1 c/yes/y0_nohash_0.au synth 1 sine 450 vol 0.3
sox -n -r 16000 -b 16 -c 1 c/no/n0_nohash_0.snd synth 1 sine 900 vol 0.3
sox -n -r 16000 -b 16 -c 1 c/no/n1_nohash_0.au synth 1 sine 700 vol 0.3
printf '\377\377\377\377' | dd of=c/no/n1_nohash_0.au bs=1 seek=8 conv=notrunc 2>/dev/null
sox -n -r 16000 -b 16 -c 1 full.au synth 1 sine 500 vol 0.3
head -c 16022 full.au >c/yes/cut_nohash_0.au
head -c 16022 c/no/n0_nohash_0.snd >c/no/cut_nohash_0.snd
# what the cut header claims and what the file holds after it, read from the AU header (big-endian
# data offset at byte 4, data size at byte 8), not by the code under test
be32() { od -An -tu1 -j "$2" -N 4 "$1" | awk '{printf "%.0f\n", $1 * 16777216 + $2 * 65536 + $3 * 256 + $4}'; }
claims=$(be32 c/yes/cut_nohash_0.au 8) holds=$(( $(stat -c %s c/yes/cut_nohash_0.au) - $(be32 c/yes/cut_nohash_0.au 4) ))
test_expect_success "setup: the cut file's header claims 32000 bytes of audio, it holds fewer" '
  [ "$claims" = 32000 ] && [ "$holds" -lt 32000 ] && [ "$(be32 c/no/n1_nohash_0.au 8)" = 4294967295 ]'

test_expect_code 0 "cut .au and .snd clips" featurize -q -o c.feat c
test_expect_success "... are skipped as truncated, named with what the header claims; the whole ones kept" '
  jq -e ".clips == 3 and .skipped == 2" out >/dev/null && [ "$(wc -l <err)" = 2 ] &&
  grep -qx "featurize: skipped c/yes/cut_nohash_0.au: truncated: the header claims $claims bytes of audio, the file holds $holds" err &&
  grep -q "^featurize: skipped c/no/cut_nohash_0.snd: truncated: " err'
test_expect_code 2 "cut .au with --strict" featurize -q --strict -o s.feat c
test_expect_success "... names it, no cache" 'grep -q "cut_nohash_0\.\(au\|snd\): truncated: .*(--strict)" err && [ ! -e s.feat ]'
