#!/usr/bin/env bash
# A "$PY" run in a py_warm server (tests/cli/pywarm.py) is a fork of the server, not a child of
# the test file: killing the file's process group (tests/run-one.sh's timeout at WS_TEST_TIMEOUT)
# or "$PY"'s own pid killed only the client. Under tests/run.sh the server is the run's, in a
# session of its own, so such a run (a hung study, a busy loop) went on past its file, to the end
# of the whole run, a CPU taken from the files after it. Now the server's fork that waits for the
# run kills it as soon as its client is gone, as the python it stands for would have gone.
# The files here are small scripts sourcing lib.sh, with a WS_FIXTURES and WS_RUN_PID of this
# test's own (as t5082); the reference is whether the run's pid (which it writes) is alive.
# runner: waits (a Python run killed with its client)
. "$WS_ROOT/tests/cli/lib.sh"
stand_in_run
need_python "a run killed with its client" json

cat >file.sh <<'EOF'
. "$WS_ROOT/tests/cli/lib.sh"
need_python "a file's json" json
"$PY" -c 'import os, sys, time; open(sys.argv[1] + ".tmp", "w").write(str(os.getpid())); os.rename(sys.argv[1] + ".tmp", sys.argv[1]); time.sleep(120)' "$1"
EOF
# gone PID: 0 once PID has ended (within 5 s)
gone() {
  local i
  for ((i = 0; i < 100; i++)); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
  return 1
}
# wait_for FILE: until FILE exists (at most 20 s)
wait_for() {
  local i
  for ((i = 0; i < 400; i++)); do [ -s "$1" ] && return 0; sleep 0.05; done
  return 1
}

# A file stopped at its time limit: timeout signals its process group (TERM), as run-one.sh's.
as_run_file timeout -k 5 8 bash file.sh "$TMP/a.pid" >a.out 2>a.err
a_rc=$?
test_expect_success "a file stopped at its time limit while its \"\$PY\" run goes: the run goes too" '
  [ "$a_rc" = 124 ] && [ -s a.pid ] && a=$(cat a.pid) && gone "$a"'
test_expect_success "... and the run's server stays for the next file" '
  [ -S "$fix/pywarm-json.sock" ] && as_run_file bash -c "
    . \"\$WS_ROOT/tests/cli/lib.sh\"; need_python x json; \"\$PY\" -c \"print(6 * 7)\"" | grep -qx 42'

# "$PY"'s own pid killed (KILL: the client has no say), the file going on.
cat >kill.sh <<'EOF'
. "$WS_ROOT/tests/cli/lib.sh"
need_python "a file's json" json
"$PY" -c 'import os, sys, time; open(sys.argv[1] + ".tmp", "w").write(str(os.getpid())); os.rename(sys.argv[1] + ".tmp", sys.argv[1]); time.sleep(120)' "$1" & client=$!
for ((i = 0; i < 400; i++)); do [ -s "$1" ] && break; sleep 0.05; done
kill -KILL "$client"; wait "$client"; echo "client $?"
EOF
as_run_file timeout 60 bash kill.sh "$TMP/b.pid" >b.out 2>b.err
test_expect_success "\"\$PY\" killed: its run goes too" 'grep -qx "client 137" b.out && b=$(cat b.pid) && gone "$b"'

# A run that ends by itself still gives its status and output (the client waits as before).
test_expect_success "... a run that ends by itself: its output and status, as python's" '
  as_run_file bash -c "
    . \"\$WS_ROOT/tests/cli/lib.sh\"; need_python x json; \"\$PY\" -c \"import time; time.sleep(1); print(1); raise SystemExit(3)\"" >c.out; [ $? = 3 ] && grep -qx 1 c.out'
