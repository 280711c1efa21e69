#!/usr/bin/env bash
# featurize on Sony Wave64 (.w64) files cut short. libsndfile reads a W64 file whose data chunk
# runs past the end of the file as far as it goes, and its log notes only the riff size as too
# long ("riff : 32104 (should be 16052)"), so a half-copied .w64 clip was taken with its missing
# part read as silence, where a cut WAV is skipped as truncated (featurize(1): bad audio). A file
# cut in a chunk after the audio (its riff size too long as well, its audio whole) is still read.
. "$WS_ROOT/tests/cli/lib.sh"

mkdir -p c/yes c/no
sox -n -r 16000 -b 16 -c 1 c/yes/y0_nohash_0.w64 synth 1 sine 450 vol 0.3
sox -n -r 16000 -b 16 -c 2 c/no/n0_nohash_0.w64 synth 1 sine 900 vol 0.3
sox -n -r 16000 -b 16 -c 1 whole.w64 synth 1 sine 500 vol 0.3
head -c 16052 whole.w64 >c/yes/cut_nohash_0.w64
# W64 is chunks of a 16-byte GUID and a u64 size (the chunk's, its 24-byte head included); read
# here: the data chunk's claim, and the audio bytes the cut file holds after its head
"$PY" - whole.w64 c/yes/cut_nohash_0.w64 c/no/tail_nohash_0.w64 >claims <<'P'
import struct, sys
whole, cut, tail = sys.argv[1:]
def data_chunk(b):
    at = 40                                   # riff GUID, riff size, wave GUID
    while at + 24 <= len(b):
        guid, size = b[at:at + 16], struct.unpack_from("<Q", b, at + 16)[0]
        if guid[:4] == b"data":
            return at + 24, size - 24
        at += (size + 7) // 8 * 8
    raise SystemExit("no data chunk")
b = open(cut, "rb").read()
start, claimed = data_chunk(b)
print(claimed, len(b) - start)
# the whole file with a chunk after its audio that is cut short: 1000 bytes claimed, 100 there,
# and the riff size counting all of it
w = bytearray(open(whole, "rb").read())
w += b"junkJUNKjunkJUNK" + struct.pack("<Q", 24 + 1000) + bytes(100)
struct.pack_into("<Q", w, 16, len(w) + 900)
open(tail, "wb").write(w)
P
read -r claims holds <claims
test_expect_success "setup: the cut file's data chunk claims 32000 bytes of audio, it holds fewer" '
  [ "$claims" = 32000 ] && [ "$holds" -lt 32000 ]'

test_expect_code 0 "a cut .w64 clip" featurize -q -o c.feat c
# (the tail file's junk chunk reads as 62 more frames, as sox's soxi counts them too: cropped, and so noted, t2048)
test_expect_success "... is skipped as truncated, named with what its header claims; the whole ones kept" '
  jq -e ".clips == 3 and .skipped == 1" out >/dev/null && [ "$(wc -l <err)" = 2 ] &&
  grep -qx "featurize: clips longer than clip_seconds (1 s), their features the first 1 s: 1 of 3, the longest 1.00 s (a longer clip_seconds in --config keeps more)" err &&
  grep -qx "featurize: skipped c/yes/cut_nohash_0.w64: truncated: the header claims $claims bytes of audio, the file holds $holds" err'
test_expect_success "... the one cut after its audio gives the whole file's features" '
  printf "{\"path\": \"whole.w64\", \"label\": \"no\"}\n" >w.jsonl && featurize -q -o w.feat w.jsonl >/dev/null &&
  printf "{\"path\": \"c/no/tail_nohash_0.w64\", \"label\": \"no\"}\n" >t.jsonl && featurize -q -o t.feat t.jsonl >/dev/null &&
  featurize --dump w.feat --clip 0 | jq -c .mel_power >w.mel && featurize --dump t.feat --clip 0 | jq -c .mel_power >t.mel &&
  [ -s w.mel ] && cmp w.mel t.mel'
test_expect_code 2 "a cut .w64 clip with --strict" featurize -q --strict -o s.feat c
test_expect_success "... names it, no cache" 'grep -q "cut_nohash_0.w64: truncated: .*(--strict)" err && [ ! -e s.feat ]'
