#!/usr/bin/env bash
# A sweep whose terminal hangs up (an ssh session dropped, a terminal closed: SIGHUP to make's
# process group) stops as a whole: make, the trials and the sweep's gpu-monitor. The monitor ran
# under nohup, so that it alone lived on, sampling into the study file and monitor.jsonl for the
# rest of its --duration, a day, after everything else of the sweep had died.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir m
# monitor.sh start as a trial of the sweep runs it: in a session and process group of its own
# (setsid, as a terminal's), whose id is the pid that the file sid holds
setsid bash -c 'echo $$ >sid; exec bash "$0" start m "$1" "$2" 0.1' "$WS_ROOT/pipelines/monitor.sh" "$TMP/m/s.db" "$WS_BIN" </dev/null
pid=$(cat m/monitor.pid)
for _ in $(seq 100); do [ -s m/monitor.jsonl ] && break; sleep 0.02; done
kill -HUP -- -"$(cat sid)"
test_expect_success "the sweep's monitor stops when its terminal hangs up" '
  [ -s m/monitor.jsonl ] &&
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.02; done; exit 1'
kill "$pid" 2>/dev/null   # (a monitor that lived on: not for a day)
test_expect_success "... its study file whole" '[ "$(sqlite3 m/s.db "PRAGMA integrity_check")" = ok ]'
