#!/usr/bin/env bash
# The warm servers' client (tests/cli/pywarm-client.c) run with stdin or stdout closed (<&-, >&-):
# the run in the server gets /dev/null there, never the client's own socket (which, made while a
# descriptor 0-2 was free, took it): a read of stdin that never ended, output read back as the
# exit status. Python itself is the reference: it finds nothing to read and nowhere to print.
. "$WS_ROOT/tests/cli/lib.sh"
need_warm_python "the warm servers' client, closed descriptors" json

cat >rd.py <<'P'
import sys
d = sys.stdin.read() if sys.stdin else ""
sys.stderr.write("read %d\n" % len(d))
P
timeout 20 "$PY" rd.py <&- 2>in.err && inrc=0 || inrc=$?
test_expect_success "stdin closed: nothing to read, the run ends (exit 0)" '[ "$inrc" = 0 ] && [ "$(cat in.err)" = "read 0" ]'

cat >pr.py <<'P'
import sys
print("json" in sys.modules, "1234567890" * 20)
sys.stderr.write("warm %s\n" % ("json" in sys.modules))
sys.exit(5)
P
timeout 20 "$PY" pr.py >&- 2>out.err && outrc=0 || outrc=$?
timeout 20 "$py" pr.py >&- 2>ref.err && refrc=0 || refrc=$?
test_expect_success "stdout closed: the exit status is the run'\''s own (5), as python'\''s" '
  [ "$refrc" = 5 ] && [ "$outrc" = 5 ] && [ "$(cat out.err)" = "warm True" ]'
