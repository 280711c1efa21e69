#!/usr/bin/env bash
# Under tests/run.sh the Python servers of py_warm (tests/cli/lib.sh, tests/cli/pywarm.py) are the
# run's: one per set of modules, started by the first test file that asks and used by the files
# after it, so that `import optuna` (about 1.2 s of CPU) is paid once per run and not in each of
# 52 files. It must not outlive the run (its folder gone, or the run's process), must not go with
# the file that started it (that file's end, or its process group killed at its time limit), must
# not hold the file's other open files (a pipe of make's), and must not leave runs of a stopped
# file behind. The files here are small scripts sourcing lib.sh, with a WS_FIXTURES and
# WS_RUN_PID of this test's own. The reference is the process table (/proc) and the runs' output.
. "$WS_ROOT/tests/cli/lib.sh"
stand_in_run   # py: python itself, the files here start servers of their own, not runs in this file's
need_python "run-wide servers" json

cat >file.sh <<'EOF'
. "$WS_ROOT/tests/cli/lib.sh"
need_python "a file's json" json
"$PY" -c 'import os, sys; print(os.getcwd(), "json" in sys.modules)'
[ "${1:-}" != hold ] || { "$PY" -c 'import time; print("sleeping", flush=True); time.sleep(120)'; }
EOF
# server_pids SOCKET: the pids of the servers of SOCKET, one a line (from their command lines)
server_pids() {
  local p c
  for p in /proc/[0-9]*; do
    c=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
    [[ $c == *"pywarm.py serve-run $1 "* ]] && echo "${p#/proc/}"
  done
  return 0
}
sock=$fix/pywarm-json.sock
run_file() { as_run_file bash file.sh "$@"; }

# Two files at once, each holding a pipe (fd 7) open while it starts the server: one server.
mkfifo held
run_file 7>held >a.out 2>a.err & a=$!
run_file 7>held >b.out 2>b.err & b=$!
timeout 60 cat held >/dev/null; held_rc=$?   # EOF once neither file nor any server holds it
wait "$a"; rc_a=$?
wait "$b"; rc_b=$?
test_expect_success "two files started together: both ran their python in their own folders" '
  [ "$rc_a$rc_b" = 00 ] && grep -q "^$TMP/tmp/ws-cli\.[^ ]* True$" a.out && grep -q "^$TMP/tmp/ws-cli\.[^ ]* True$" b.out &&
  [ "$(cut -d" " -f1 a.out)" != "$(cut -d" " -f1 b.out)" ]'
test_expect_success "... one server for the set of modules, in the run's folder" '
  [ -S "$sock" ] && [ "$(server_pids "$sock" | wc -l)" = 1 ]'
pid=$(server_pids "$sock" | head -n 1)
test_expect_success "... which outlived both files, out of their process groups and sessions" '
  [ -n "$pid" ] && kill -0 "$pid" &&
  [ "$(ps -o sid= -p "$pid" | tr -d " ")" = "$pid" ] && [ "$(ps -o pgid= -p "$pid" | tr -d " ")" = "$pid" ]'
test_expect_success "... and held none of their other open files (the pipe read to its end)" '[ "$held_rc" = 0 ]'

run_file >c.out 2>c.err
test_expect_success "a third file uses that server: no second one started" '
  grep -q " True$" c.out && [ "$(server_pids "$sock")" = "$pid" ]'

# A file whose run is going when the run ends: the run goes with the server.
run_file hold >d.out 2>d.err & d=$!
for ((i = 0; i < 200; i++)); do grep -q sleeping d.out 2>/dev/null && break; sleep 0.05; done
runs=$(pgrep -s "$pid" | grep -vx "$pid")   # the run's fork and the fork that waits for it
rm -rf "$fix"
for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
test_expect_success "its folder removed (the run's end): the server ends" '! kill -0 "$pid" 2>/dev/null'
# the runs it killed as it ended are gone a moment later (a loaded machine: not yet at the server's end)
for ((i = 0; i < 100; i++)); do pgrep -s "$pid" >/dev/null || break; sleep 0.05; done
test_expect_success "... with the run of a file still going (and the fork waiting for it)" '
  echo "runs: $runs; left: $(pgrep -s "$pid" | tr "\n" " ")" >&2
  grep -q sleeping d.out && [ "$(echo "$runs" | wc -w)" = 2 ] && ! pgrep -s "$pid" >/dev/null'
wait "$d" 2>/dev/null

run_file >e.out 2>e.err
pid=$(server_pids "$sock" | head -n 1)
kill "$runner"; wait "$runner" 2>/dev/null
for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
test_expect_success "the run's process gone, its folder left: the server ends" '
  grep -q " True$" e.out && [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null'

# A set of modules whose socket would not fit a socket's path (107 bytes; t0012's eight): a
# server of the file's own, not the run's (whose bind failed: every run paid the imports).
long='json json.decoder json.encoder json.scanner collections.abc email email.parser email.feedparser'
sed "s/need_python \"a file's json\" json/need_python \"eight modules\" $long/; s/\"json\" in sys.modules/\"email.feedparser\" in sys.modules/" file.sh >long.sh
mkdir -p "$fix"
as_run_file WS_RUN_PID=$$ bash long.sh >g.out 2>g.err
test_expect_success "eight modules, a socket path too long for the run's: the file's own server, the modules imported" '
  grep -q " True$" g.out && ! ls -A "$fix" | grep -q email'

# Run alone (no WS_FIXTURES): a server of the file's own, gone with it.
as_run_file WS_FIXTURES= WS_RUN_PID= bash file.sh >f.out 2>f.err
test_expect_success "a file run alone: its own server, gone as it exits" '
  grep -q " True$" f.out && ! pgrep -f "pywarm.py serve $TMP/tmp/" >/dev/null'
