#!/usr/bin/env bash
# README: "Messages on stderr begin TOOL: ". train-trial's progress on a terminal, a line per
# validation, read "trial 0: epoch 1/10 loss ... f1 ...", the one line of the tools without it
# (it also came from lib/, which prints through the tools' message functions everywhere else).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trial
suggest --db runs/s.db --config c.json >line2
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
test_expect_code 0 "train-trial with stderr on a terminal" \
  "$PY" on_tty.py tty.err train-trial --db runs/s.db --features tones.feat --threads 1 line
tr -d '\r' <tty.err | grep -v '^$' >tty.lines
test_expect_success "... shows its progress, a line per validation" '[ "$(grep -c "epoch [0-9]*/10 loss" tty.lines)" = 10 ]'
test_expect_success "... every line of it begins \"train-trial: \"" '! grep -v "^train-trial: " tty.lines >&2'
test_expect_code 0 "--quiet with stderr on a terminal" \
  "$PY" on_tty.py quiet.err train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line2
test_expect_success "... shows no progress" '! grep -q "epoch" quiet.err'
