#!/usr/bin/env bash
# A sweep whose terminal hangs up (an ssh session dropped, a terminal closed: SIGHUP to make's
# process group) stops as a whole: make, the trials and the sweep's gpu-monitor. The monitor ran
# under nohup, so that it alone lived on, sampling into the study file and monitor.jsonl for the
# rest of its --duration, a day, after everything else of the sweep had died.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir m
# gone PID: PID has ended (a zombie too: the monitor's parent has gone, and who reaps it may be slow)
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(cut -d" " -f3 /proc/"$1"/stat 2>/dev/null)" = Z ]; }
# start_then RUNS SIG: monitor.sh start RUNS, as a trial of the sweep runs it, in a session and
# process group of its own (a terminal's), with SIGINT, SIGTERM and SIGHUP at their defaults
# (whatever the test runner was started with); once it has returned and the monitor has written
# a sample, SIG to the group
start_then() {
  "$PY" - "$WS_ROOT/pipelines/monitor.sh" "$TMP/$1/s.db" "$WS_BIN" "$@" <<'P'
import os, signal, subprocess, sys, time
sh, db, bin_, runs, sig = sys.argv[1:]
def dfl():
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, signal.SIG_DFL)
p = subprocess.Popen(["bash", sh, "start", runs, db, bin_, "0.1"], start_new_session=True,
                     stdin=subprocess.DEVNULL, preexec_fn=dfl)
p.wait()
for _ in range(200):
    if os.path.exists(runs + "/monitor.jsonl") and os.path.getsize(runs + "/monitor.jsonl"): break
    time.sleep(0.01)
os.killpg(p.pid, getattr(signal, "SIG" + sig))
P
}
start_then m HUP
pid=$(cat m/monitor.pid)
test_expect_success "the sweep's monitor stops when its terminal hangs up" '
  [ -s m/monitor.jsonl ] &&
  for _ in $(seq 100); do gone "$pid" && exit 0; sleep 0.02; done; exit 1'
kill "$pid" 2>/dev/null   # (a monitor that lived on: not for a day)
test_expect_success "... its study file whole" '[ "$(sqlite3 m/s.db "PRAGMA integrity_check")" = ok ]'

# Ctrl-C (SIGINT to make's process group) as the first trial starts the monitor: a job that a
# script starts in the background has SIGINT ignored, and so had gpu-monitor until its own
# handler was in place; a SIGINT in that moment was lost, and the monitor sampled on for a day
# (about 1 Ctrl-C in 10 of a tone sweep at its second second). The moment is made half a second
# long here (an LD_PRELOAD constructor that sleeps before gpu-monitor's main), and the SIGINT
# comes then. monitor.sh now waits until the monitor handles SIGINT, and stops it itself when
# the SIGINT comes first.
# The shim goes into gpu-monitor alone, through a gpu-monitor in a bin folder of the test's own
# that runs the real one under env LD_PRELOAD (same pid: exec): preloaded into monitor.sh's
# whole environment, as it was, an ASan build's gpu-monitor refused to start (its runtime must
# come first) and the case passed on a monitor that never ran; the runtime put first there would
# load ASan into bash, stat and awk as well.
asan=$(asan_lib gpu-monitor)
cat >slow.c <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
/* SLOW_MARK gets a line with this process's pid before the wait: the process came as far as its
   start (an ASan build that refuses to start does not: its runtime checks before this runs). */
__attribute__((constructor)) static void slow_start(void) {
  const char *mark = getenv("SLOW_MARK");
  if (mark) {
    int fd = open(mark, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) { dprintf(fd, "%d\n", (int)getpid()); close(fd); }
  }
  usleep(500000);
}
C
build_shim "Ctrl-C as the monitor starts" slow.c slow.so || exit 0
mkdir c slowbin
printf '#!/bin/sh\nexec env LD_PRELOAD="$SLOW_PRELOAD" "$SLOW_TOOL" "$@"\n' >slowbin/gpu-monitor
chmod +x slowbin/gpu-monitor
# monitor.sh start in a session of its own with SIGINT at its default (as under a terminal), the
# monitor's start slowed; SIGINT to the group once the monitor in monitor.pid is in its start
"$PY" - "$WS_ROOT/pipelines/monitor.sh" "$TMP/c/s.db" "$TMP/slowbin" "$asan${asan:+ }$TMP/slow.so" "$WS_BIN/gpu-monitor" <<'P'
import os, signal, subprocess, sys, time
sh, db, bin_, preload, tool = sys.argv[1:]
p = subprocess.Popen(["bash", sh, "start", "c", db, bin_, "0.1"], start_new_session=True,
                     env=dict(os.environ, SLOW_PRELOAD=preload, SLOW_TOOL=tool,
                              SLOW_MARK=os.path.abspath("started")), stdin=subprocess.DEVNULL,
                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
for _ in range(500):
    if os.path.exists("c/monitor.pid") and os.path.getsize("c/monitor.pid"): break
    time.sleep(0.01)
for _ in range(500):   # and once the monitor is in its slowed start
    pid = open("c/monitor.pid").read().strip()
    if os.path.exists("started") and pid in open("started").read().split(): break
    time.sleep(0.01)
os.killpg(p.pid, signal.SIGINT)
open("start.rc", "w").write("%d\n" % p.wait())
P
pid=$(cat c/monitor.pid)
# The case is about a monitor that was starting: one that never ran (an ASan build refusing a
# shim preloaded without its runtime first, exit 1 at once) passed the case below all the same.
test_expect_success "Ctrl-C as the sweep's monitor starts: the monitor was in its start, with nothing to say" '
  cat c/monitor.err started >&2; grep -qx "$pid" started && [ ! -s c/monitor.err ]'
# monitor.sh itself dies of the SIGINT (-2), so that the trial's bash that ran it stops too: an
# exit 130 it takes for a Ctrl-C handled, and goes on
test_expect_success "Ctrl-C as the sweep's monitor starts: it stops all the same, monitor.sh dies of it" '
  [ "$(cat start.rc)" = -2 ] &&
  for _ in $(seq 100); do gone "$pid" && exit 0; sleep 0.02; done; exit 1'
kill "$pid" 2>/dev/null || true   # (one that lived on: not for a day)

# Ctrl-C while the start runs a command that takes it for handled (does not die of it, exits 0):
# bash then takes it for handled too and goes on. monitor.sh set its traps only once it had the
# lock and the size of monitor.jsonl, so a Ctrl-C in flock, stat or awk let it start the
# monitor after the sweep had stopped, and it sampled on for a day (28 of 540 SIGINTs sent to
# its group 0 to 30 ms after it began, in a loop; the one traced came while flock ran, and flock
# exited 0). Here flock is such a command for half a second (a flock first on PATH that
# ignores SIGINT, then locks), and the SIGINT comes then: monitor.sh dies of it and starts no
# monitor.
mkdir shim d
real_flock=$(command -v flock)
printf '#!/bin/sh\ntrap "" INT\n: >%s/in-flock\nsleep 0.5\nexec %s "$@"\n' "$TMP" "$real_flock" >shim/flock
chmod +x shim/flock
"$PY" - "$WS_ROOT/pipelines/monitor.sh" "$TMP/d/s.db" "$WS_BIN" "$TMP/shim" <<'P'
import os, signal, subprocess, sys, time
sh, db, bin_, shim = sys.argv[1:]
p = subprocess.Popen(["bash", sh, "start", "d", db, bin_, "0.1"], start_new_session=True,
                     env=dict(os.environ, PATH=shim + ":" + os.environ["PATH"]), stdin=subprocess.DEVNULL,
                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
for _ in range(500):   # in the shim's half second
    if os.path.exists("in-flock"): break
    time.sleep(0.01)
time.sleep(0.1)
os.killpg(p.pid, signal.SIGINT)
open("d.rc", "w").write("%d\n" % p.wait())
time.sleep(0.3)
# a monitor started all the same: any process writing d/monitor.jsonl
left = []
for q in os.listdir("/proc"):
    try:
        if q.isdigit() and os.path.samefile("/proc/%s/fd/1" % q, "d/monitor.jsonl"): left.append(q)
    except OSError: pass
open("d.left", "w").write(" ".join(left))
P
test_expect_success "Ctrl-C while the start's flock takes it for handled: monitor.sh dies of it, no monitor started" '
  cat d.rc d.left >&2; [ "$(cat d.rc)" = -2 ] && [ ! -s d.left ]'
for p in $(cat d.left); do kill "$p"; done   # (one started all the same: not for a day)
