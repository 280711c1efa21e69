#!/usr/bin/env bash
# train-trial --evaluate on a checkpoint whose header (its checksums made to match: edited, or
# written by something else) names another format than "wakesweep-nn", or a version this build
# does not read (1 and 2): every checkpoint ever written names both, so such a header is not one
# of ours, and must be refused (exit 2, naming the file and the field) rather than evaluated as if
# it were: all of them were, with exit 0. A version 1 file (prefix and header version 1, no
# header checksum) is still read.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trained
ckpt_edit runs/best.ckpt same.ckpt 'h["format"] = "wakesweep-nn"'
test_expect_code 0 "setup: the checkpoint, rewritten unchanged, still evaluates" train-trial --evaluate same.ckpt --features tones.feat --threads 1

ckpt_refused other 'h["format"] = "other-nn"' 'format: expected "wakesweep-nn", got "other-nn"'
ckpt_refused noformat 'del h["format"]' 'format: expected "wakesweep-nn", got nothing (the key is missing)'
ckpt_refused intformat 'h["format"] = 5' 'format: expected "wakesweep-nn", got an integer'
ckpt_refused v99 'h["version"] = 99' 'version: expected 1 or 2 (the versions this build reads), got 99'
ckpt_refused noversion 'del h["version"]' 'version: expected 1 or 2 (the versions this build reads), got nothing (the key is missing)'
ckpt_refused strversion 'h["version"] = "2"' 'version: expected 1 or 2 (the versions this build reads), got a string'

# v1 FILE HEADER_VERSION: the checkpoint as a version 1 file (prefix: magic, version 1, header
# length; no header checksum) whose header says HEADER_VERSION, written here from the format's
# description in lib/nn/checkpoint.c.
v1() {
  "$PY" - runs/best.ckpt "$1" "$2" <<'P'
import json, struct, sys
src, dst, v = sys.argv[1], sys.argv[2], int(sys.argv[3])
d = open(src, "rb").read()
k = struct.unpack("<I", d[12:16])[0]
h = json.loads(d[24:24 + k]); w = d[24 + k:]
h["version"] = v
t = json.dumps(h).encode()
open(dst, "wb").write(b"WSNNCKPT" + struct.pack("<II", 1, len(t)) + t + w)
P
}
v1 v1.ckpt 1
test_expect_code 0 "a version 1 file is still read" train-trial --evaluate v1.ckpt --features tones.feat --threads 1
v1 v1h3.ckpt 3
test_expect_code 2 "a version 1 file whose header says version 3" train-trial --evaluate v1h3.ckpt --features tones.feat --threads 1
test_expect_success "... names the file and the field" \
  "grep -qxF 'train-trial: v1h3.ckpt: header: version: expected 1 or 2 (the versions this build reads), got 3' err"
