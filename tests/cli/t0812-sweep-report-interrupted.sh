#!/usr/bin/env bash
# A sweep stopped while it writes its report (Ctrl-C, or kill -9 of make and its children): the
# report goes through a temporary and a rename (ws_write), and the temporary of a writer that
# was stopped stayed in RUNS for good (report.html.tmp.PID beside every later report), where a
# killed trial's temporaries are removed. Now Ctrl-C removes it at once, and the next make sweep
# removes one whose writer is gone (kill -9), leaving a live writer's (another make's) alone.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-report-int 1
# A BIN whose report takes 30 s to write the HTML page: time to stop the sweep there.
mkdir shim
for b in "$WS_BIN"/*; do ln -s "$b" shim/; done
rm shim/report
cat >shim/report <<EOF
#!/usr/bin/env bash
case " \$* " in *" --format html "*) sleep 30 ;; esac
exec "$WS_BIN/report" "\$@"
EOF
chmod +x shim/report
# start RUNS: the sweep in a process group of its own, SIGINT as a terminal's Ctrl-C finds it (not
# ignored, as it is in a background job); its pid in RUNS.pid; waits for the HTML's temporary.
start() {
  ( "$PY" -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' \
      bash -c "$(declare -f ws_make tone_sweep); TMP=$TMP WS_ROOT=$WS_ROOT WS_BUILD=$WS_BUILD WS_BIN=$WS_BIN tone_sweep $1 BIN=$TMP/shim" \
      >"$1.out" 2>&1 & echo $! >"$1.pid"; wait ) &
  local t
  for _ in $(seq 300); do
    t=("$TMP/$1"/report.html.tmp.*); [ -e "${t[0]}" ] && return 0
    sleep 0.1
  done
  return 1
}
gone() { for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; return 1; }
temps() { ls -a "$1" | grep -c '\.tmp\.' || true; }

test_expect_success "a sweep stopped by Ctrl-C while it writes report.html" '
  start ri && kill -INT -- -"$(cat ri.pid)" && gone "$(cat ri.pid)"'
test_expect_success "... leaves no temporary of the report" '[ "$(temps ri)" = 0 ] && [ ! -e ri/report.html ]'
test_expect_success "... the next make sweep writes it" 'tone_sweep ri >ri2.out 2>ri2.err && [ -s ri/report.html ] && [ "$(temps ri)" = 0 ]'

test_expect_success "a sweep killed by kill -9 (make and its children) while it writes report.html" '
  start rk && kill -9 -- -"$(cat rk.pid)" && gone "$(cat rk.pid)" && [ "$(temps rk)" = 1 ] &&
  t=(rk/report.html.tmp.*) && gone "${t[0]##*.}"'   # its writer, the recipe's shell, reaped
# A temporary of a live writer (another make writing the report of this RUNS at this moment).
sleep 60 & live=$!
test_expect_success "... the next make sweep removes its temporary, and leaves a live writer's" '
  : >rk/report.html.tmp.$live && tone_sweep rk >rk2.out 2>rk2.err && [ -s rk/report.html ] &&
  [ "$(ls -a rk | grep "\.tmp\.")" = "report.html.tmp.$live" ]'
kill "$live"
