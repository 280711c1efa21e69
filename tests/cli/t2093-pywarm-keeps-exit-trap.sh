#!/usr/bin/env bash
# py_warm (tests/cli/lib.sh) with a server of the file's own (a file run alone, or a run whose
# fixtures folder is too long a socket path) set its EXIT trap in place of the file's: t4005's,
# set before its py_warm, kills the two `sleep 30` standing in for trials, which were left
# running 30 s after the file. Now the server is stopped first and the file's trap runs after.
# The file here is a small script sourcing lib.sh, without the run's WS_FIXTURES and WS_RUN_PID.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir -p tmp
cat >file.sh <<'EOF'
. "$WS_ROOT/tests/cli/lib.sh"
sleep 30 & stand_in=$!
echo "$stand_in" >"$OUTER/stand-in.pid"
trap 'kill $stand_in 2>/dev/null; echo "its own trap ran" >"$OUTER/trap.ran"; rm -rf "$TMP"' EXIT
py_warm json
echo "$py_warm_pid" >"$OUTER/server.pid"
"$PY" -c 'import sys; print("warm" if "json" in sys.modules else "cold")'
EOF
rc=0
env -u WS_FIXTURES -u WS_RUN_PID OUTER="$TMP" TMPDIR="$TMP/tmp" bash file.sh >f.out 2>f.err || rc=$?
gone() { local i; for i in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; return 1; }
test_expect_success "a file's own server: its python runs were the server's" '[ "$rc" = 0 ] && [ "$(cat f.out)" = warm ]'
test_expect_success "... the file's EXIT trap set before py_warm still ran" '[ "$(cat trap.ran 2>/dev/null)" = "its own trap ran" ]'
test_expect_success "... its sleep stopped, not left running" 'gone "$(cat stand-in.pid)"'
test_expect_success "... the server stopped too, the file's folder removed" '
  gone "$(cat server.pid)" && [ -z "$(ls -A tmp)" ]'
kill "$(cat stand-in.pid 2>/dev/null)" 2>/dev/null || :
