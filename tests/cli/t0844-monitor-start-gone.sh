#!/usr/bin/env bash
# A gpu-monitor that exits at once (a study file it cannot open: its message goes to
# RUNS/monitor.err): monitor.sh start, waiting for the monitor to catch SIGINT, read
# /proc/PID/status of a process already gone, and the shell's "line 41: /proc/N/status: No such
# file or directory" reached the sweep's terminal at each trial that started it. start says
# nothing of it and exits 0 (the trial goes on, unmonitored, as before); the monitor's own
# message stays in monitor.err.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir shim r
for b in "$WS_BIN"/*; do ln -s "$b" shim/; done
rm shim/gpu-monitor
printf '#!/bin/sh\necho "gpu-monitor: r/s.db: file is not a database" >&2\nexit 2\n' >shim/gpu-monitor
chmod +x shim/gpu-monitor
test_expect_code 0 "monitor.sh start with a gpu-monitor that exits at once" \
  bash "$WS_ROOT/pipelines/monitor.sh" start r r/s.db "$TMP/shim" 1
test_expect_success "... says nothing on stderr (was: /proc/N/status: No such file or directory)" '[ ! -s err ]'
test_expect_success "... the monitor's message is in monitor.err" 'grep -q "file is not a database" r/monitor.err'
# The real one on a file that is not a database, as in a sweep with such a DB.
echo hi >r2.db
mkdir r2
test_expect_code 0 "monitor.sh start with the real gpu-monitor on a file that is not a database" \
  bash "$WS_ROOT/pipelines/monitor.sh" start r2 r2.db "$WS_BIN" 1
test_expect_success "... says nothing on stderr" '[ ! -s err ] && [ -s r2/monitor.err ]'
bash "$WS_ROOT/pipelines/monitor.sh" stop r >/dev/null 2>&1
bash "$WS_ROOT/pipelines/monitor.sh" stop r2 >/dev/null 2>&1
