#!/usr/bin/env bash
# Ctrl-C (SIGINT to the group) as monitor.sh start waits for a subshell of its own that then
# exits normally: bash takes a SIGINT that comes while it waits for a command substitution's
# process as that process's to handle, trap or not, and goes on. The lock's $(lock_kind ...) was
# such a process: monitor.sh exited 0 and started the monitor after make had gone, sampling for
# a day (13 of 600 SIGINTs sent 0 to 8 ms into the start; the 7 traced all came as lock_kind's
# subshell ended). Here the end of each process the start waits for (a subshell, flock, stat,
# awk, a sleep of its waits) is made such a moment in turn, the Nth in the Nth run: an
# LD_PRELOAD shim whose destructor, in a process that exits, ignores SIGINT, closes its output,
# waits 0.05 s (bash then waits for it), sends SIGINT to the group and waits 0.1 s; monitor.sh
# must die of it and leave no monitor. Where the start has no Nth such process the shim sends
# nothing, and that run, the last, starts the monitor.
# runner: waits (Ctrl-C as monitor.sh waits)
. "$WS_ROOT/tests/cli/lib.sh"
sigint_at_exit_shim "Ctrl-C as a process of monitor.sh start ends" || exit 0
# gpu-monitor run without the shim (an ASan build refuses a library preloaded before its runtime)
bin_but bin gpu-monitor
printf '#!/bin/sh\nexec env -u LD_PRELOAD "%s" "$@"\n' "$WS_BIN/gpu-monitor" >bin/gpu-monitor
chmod +x bin/gpu-monitor
# start N: monitor.sh start in a session of its own (SIGINT at its default, as under a terminal),
# the shim firing at the end of its Nth process; N.rc gets its status (-2: died of SIGINT), N.left
# the pids of any process writing N/monitor.jsonl 0.3 s after (a monitor started all the same)
start() {
  mkdir "$1" "$1.sub"
  "$PY" - "$WS_ROOT/pipelines/monitor.sh" "$1" "$TMP/bin" "$TMP/sub.so" <<'P'
import os, signal, subprocess, sys, time
sh, n, bin_, so = sys.argv[1:]
p = subprocess.Popen(["bash", sh, "start", n, n + "/s.db", bin_, "0.2"], start_new_session=True,
                     env=dict(os.environ, LD_PRELOAD=so, SUB_DIR=os.path.abspath(n + ".sub"), SUB_NTH=n),
                     stdin=subprocess.DEVNULL, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
open(n + ".rc", "w").write("%d\n" % p.wait())
time.sleep(0.3)
left = []
for q in os.listdir("/proc"):
    try:
        if q.isdigit() and os.path.samefile("/proc/%s/fd/1" % q, n + "/monitor.jsonl"): left.append(q)
    except OSError: pass
open(n + ".left", "w").write(" ".join(left))
P
  for p in $(cat "$1.left"); do kill "$p"; done   # (one started all the same: not for a day)
}
# fired N: the Nth run's shim sent the signal (the start had an Nth process)
fired() { [ -e "$1.sub/fired" ]; }
n=1
while [ "$n" -le 20 ]; do
  start "$n"
  fired "$n" || break
  test_expect_success "Ctrl-C as monitor.sh start's process $n ($(sed -n "${n}p" $n.sub/all)) ends: it dies of it, no monitor left" '
    [ "$(cat '"$n"'.rc)" = -2 ] && [ ! -s '"$n"'.left ] || { echo "exit $(cat '"$n"'.rc), monitor left: $(cat '"$n"'.left)" >&2; false; }'
  n=$((n + 1))
done
# The run where the shim did not fire: the start ran as without a Ctrl-C, its monitor started.
if [ "$n" -gt 20 ]; then
  test_skip "monitor.sh start's run past its last process" "more than 20 processes before the monitor (a busy machine's waits): the rest not tried"
else
  test_expect_success "monitor.sh start's run past its last process started the monitor, exit 0" '
    [ "$(cat '"$n"'.rc)" = 0 ] && [ -s '"$n"'.left ] || { cat '"$n"'.rc '"$n"'.left '"$n"'/monitor.err >&2; false; }'
fi
