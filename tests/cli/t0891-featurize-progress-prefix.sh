#!/usr/bin/env bash
# README: "Messages on stderr begin TOOL: ". featurize's progress bar on a terminal was drawn as
# "featurize [#####.....] ...", the one line on stderr without the colon (train-trial's progress
# has had it since t0073).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
# on_tty OUT CMD...: CMD with its stderr on a terminal (a pty), what it wrote there in OUT
cat >on_tty.py <<'P'
import os, pty, subprocess, sys
m, s = pty.openpty()
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=s)
os.close(s)
out = b""
while True:
    try: b = os.read(m, 65536)
    except OSError: break   # EIO: the child's side closed
    if not b: break
    out += b
open(sys.argv[1], "wb").write(out)
sys.exit(p.wait())
P
test_expect_code 0 "featurize with stderr on a terminal" \
  "$PY" on_tty.py tty.err featurize --threads 1 --out tty.feat tones/manifest.jsonl
# each redraw is "\r" BAR "\033[K"; the last, "\r\033[K", erases it
tr '\r' '\n' <tty.err | sed 's/\x1b\[K$//' | grep -v '^$' >tty.lines
test_expect_success "... draws its bar, to 49/49 files" 'grep -q "\] 100% 49/49 " tty.lines'
test_expect_success "... every line of it begins \"featurize: \"" '! grep -v "^featurize: " tty.lines >&2'
test_expect_success "... and erases it at the end" '[ "$(tail -c 4 tty.err | od -An -c | tr -d " ")" = "\r033[K" ]'
test_expect_code 0 "--quiet with stderr on a terminal" \
  "$PY" on_tty.py quiet.err featurize --quiet --threads 1 --out quiet.feat tones/manifest.jsonl
test_expect_success "... draws no bar" '! grep -q "\[" quiet.err'
