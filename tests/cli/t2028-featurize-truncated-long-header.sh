#!/usr/bin/env bash
# featurize on a WAV and an AIFF file cut short whose header holds long text before the audio (a
# LIST/INFO chunk of many comments, an ANNO chunk). libsndfile writes what it parses into a log of 2048 bytes,
# where featurize reads a cut data chunk ("data : 32000 (should be 16000)"); the text filled that
# log before the line, so such a half-copied clip was taken with its missing half read as silence,
# where the same clip without the text is skipped as truncated (featurize(1): bad audio).
. "$WS_ROOT/tests/cli/lib.sh"

mkdir -p c/yes c/no
sox -n -r 16000 -b 16 -c 1 c/yes/y0_nohash_0.wav synth 1 sine 450 vol 0.3
# one second at 16 kHz, 16-bit mono (32000 bytes of audio), with 2500 bytes of text or more before it
"$PY" - <<'P'
import math, struct
n, rate = 16000, 16000
x = [int(9000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(n)]
text = b"a comment " * 250
fmt = struct.pack("<HHIIHH", 1, 1, rate, 2 * rate, 2, 16)
note = b"a comment, one of many".ljust(40, b"\0")   # libsndfile logs each (a long one not)
info = b"INFO" + (b"ICMT" + struct.pack("<I", len(note)) + note) * 60
body = (b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"LIST" + struct.pack("<I", len(info)) + info
        + b"data" + struct.pack("<I", 2 * n) + struct.pack("<%dh" % n, *x))
wav = b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body
e = int(math.floor(math.log2(rate)))   # the 80-bit float of COMM's sample rate
comm = struct.pack(">hIh", 1, n, 16) + struct.pack(">HQ", 16383 + e, int(rate / 2 ** e * 2 ** 63))
body = (b"COMM" + struct.pack(">I", len(comm)) + comm + b"ANNO" + struct.pack(">I", len(text)) + text
        + b"SSND" + struct.pack(">III", 2 * n + 8, 0, 0) + struct.pack(">%dh" % n, *x))
aiff = b"FORM" + struct.pack(">I", 4 + len(body)) + b"AIFF" + body
for name, b in (("wav", wav), ("aiff", aiff)):
    open("c/no/whole_nohash_%s.%s" % (name, name), "wb").write(b)
    open("c/no/cut_nohash_%s.%s" % (name, name), "wb").write(b[:len(b) - n])
P

test_expect_code 0 "a cut .wav and .aiff with long text before their audio" featurize -q -o c.feat c
test_expect_success "... each skipped as truncated, named with what its header claims; the whole ones kept" '
  jq -e ".clips == 3 and .skipped == 2" out >/dev/null && [ "$(wc -l <err)" = 2 ] &&
  grep -qx "featurize: skipped c/no/cut_nohash_wav.wav: truncated: the header claims 32000 bytes of audio, the file holds 16000" err &&
  grep -qx "featurize: skipped c/no/cut_nohash_aiff.aiff: truncated: the header claims 32000 bytes of audio, the file holds 16000" err'
test_expect_code 2 "a cut one with --strict" featurize -q --strict -o s.feat c
test_expect_success "... names it, no cache" 'grep -q "cut_nohash_.*: truncated.*(--strict)" err && [ ! -e s.feat ]'
