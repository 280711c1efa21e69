#!/usr/bin/env bash
# pipelines/monitor.sh start RUNS DB BIN INTERVAL | stop RUNS | clear RUNS — gpu-monitor alongside a sweep:
# started by the first trial that finds it not running (a lock keeps it to one), samples into
# the study database (SQLite or PostgreSQL) and RUNS/monitor.jsonl, stopped when the report is made. Ctrl-C on make
# stops it too (same process group), and so does a hangup (SIGHUP: an ssh session dropped), as it
# stops make and the trials; after a kill -9 the next run reuses or restarts it.
# The pid in RUNS/monitor.pid is this sweep's monitor only while that process writes this RUNS's
# monitor.jsonl (its stdout, set before bash runs gpu-monitor): after a kill -9 or a reboot the
# pid may be another process's now, which is neither trusted as the monitor nor killed.
# monitor_pid RUNS sets pid; pipelines/trial.sh sources this file for it (builtins only: it runs
# once per trial, where a bash started to ask would be 10 ms of a job slot left idle).
monitor_pid() {
  pid=
  # read, not cat: no fork; a last line without a newline still counts
  { read -r pid <"$1/monitor.pid" || [ -n "${pid:-}" ]; } 2>/dev/null || return 1
  [[ $pid =~ ^[1-9][0-9]*$ ]] && [ /proc/"$pid"/fd/1 -ef "$1/monitor.jsonl" ] 2>/dev/null
}
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0   # sourced: the function only
set -u
cmd=$1 runs=$2
pidfile=$runs/monitor.pid
# stop leaves this mark, so that a trial starting after the sweep was stopped (exit 2 of another
# trial, under make -j) does not start the monitor again; make sweep clears it when it begins.
stopped=$runs/monitor.stopped
since=$runs/monitor.since
alive() { monitor_pid "$runs"; }
# One start or stop at a time: flock on monitor.lock; where the file system has no locks (flock
# fails: Lustre without -o flock, some NFS), a directory, as mkdir is atomic there too (else two
# trials could each start a monitor, and the one not in the pidfile would never be stopped). So
# for a monitor.lock that is not a regular file (a FIFO put there: opened for writing alone, it
# waited for a reader for good; read-write does not wait, and lock_kind looks at what was
# opened: pipelines/lock-kind.sh).
lib=${BASH_SOURCE[0]%/*}; [ "$lib" != "${BASH_SOURCE[0]}" ] || lib=.
. "$lib/lock-kind.sh"
lockdir=$runs/monitor.lock.d
lock() {
  exec 9<>"$runs/monitor.lock"
  lock_kind 9 "$runs/monitor.lock"   # sets kind: no $(...) under start's traps (see below; t0990)
  [ "$kind" = file ] && flock 9 2>/dev/null && return 0
  local i
  for ((i = 0; i < 300; i++)); do
    if mkdir "$lockdir" 2>/dev/null; then trap 'rmdir "$lockdir" 2>/dev/null' EXIT; return 0; fi
    sleep 0.1
  done
  echo "monitor.sh: $lockdir held for 30 s (left by a killed run?); going on without it" >&2
}
case $cmd in
start)
  db=$3 bin=$4 interval=$5
  # A background job of a script starts with SIGINT ignored, gpu-monitor too until its handler is
  # in place: a Ctrl-C in that moment was lost to it, and it sampled on for a day. This script
  # gets the same Ctrl-C (TERM, HUP: the same group) and stops the monitor itself until the
  # monitor handles it (its $! is set by then: a trap runs between commands; before the monitor
  # is started there is none, and the trap only dies). Then it dies of the signal, not exit 130:
  # the trial's bash, seeing its child exit, took the Ctrl-C for handled and went on (suggest,
  # train-trial, and a monitor started again). Set first: set after the lock, stat and awk, a
  # Ctrl-C that came while one of them ran, which went on or exited 0 (flock, holding its lock
  # already), left bash to go on as well (a child that does not die of SIGINT has handled it,
  # bash takes it), and start the monitor after the sweep had stopped, for a day (28 of 540
  # SIGINTs 0 to 30 ms into the start).
  for sig in INT TERM HUP; do
    trap '[ -z "${!:-}" ] || kill "$!" 2>/dev/null; trap - '$sig'; kill -'$sig' $$' $sig
  done
  alive && exit 0   # running: what the check under the lock would find, without taking it
  lock
  alive || [ -e "$stopped" ] && exit 0
  # For stop: where this monitor's lines begin in monitor.jsonl, and when its first sample is
  # due at the latest (one interval after it starts, and 5 s for it to open its sources), a line
  # each.
  printf -v now '%(%s)T' -1
  # Simple commands only while the traps above are set, no $(...), pipeline or ( ): bash 5.2 ran
  # a trap that came while it parsed a $(...) as part of it ("unexpected EOF while looking for
  # matching `)'") and went on, and one that came in the shell it forked for a brace group of a
  # pipeline there, which exited 1, and so did this script, not of the signal.
  stat -c %s "$runs/monitor.jsonl" >"$since" 2>/dev/null || echo 0 >"$since"
  awk -v t="$now" -v i="$interval" 'BEGIN { printf "%d\n", t + i + 6 }' >>"$since"
  # Not under nohup: it lived on after a hangup, alone of the sweep, sampling for its whole day.
  # The samples go into the study, SQLite file or PostgreSQL database (this host's: where make
  # runs), and to monitor.jsonl.
  "$bin/gpu-monitor" --db "$db" --fallback cpu --interval "$interval" --duration 86400 --quiet \
      >>"$runs/monitor.jsonl" 2>>"$runs/monitor.err" </dev/null 9>&- &
  mon=$!
  echo "$mon" >"$pidfile"
  # The lock is held until the monitor's output is this monitor.jsonl, which is what alive looks
  # at: the forked shell sets it up a moment after the fork, and a second start within that
  # moment (a busy machine) found no monitor alive and started another, never stopped. At most
  # 5 s, and not for a monitor already gone. Then until it catches SIGINT (SigCgt, bit 1).
  for ((i = 0; i < 500; i++)); do
    alive && break
    kill -0 "$mon" 2>/dev/null || break
    sleep 0.01
  done
  for ((i = 0; i < 500; i++)); do
    caught=0
    # (2>/dev/null first: redirections apply left to right, and the shell's message for a monitor
    # already gone, "/proc/N/status: No such file or directory", reached the sweep's terminal)
    while read -r key val; do [ "$key" != SigCgt: ] || caught=$(( 0x$val & 2 )); done 2>/dev/null </proc/"$mon"/status || break
    [ "$caught" = 0 ] || break
    sleep 0.01
  done
  ;;
stop)
  lock
  : >"$stopped"
  # gpu-monitor takes its first sample one interval after it starts, and SIGTERM before then
  # leaves none: a sweep shorter than the interval (or one that ends just before the first
  # sample) would have no sample at all in the study. So the stop waits for this monitor's
  # first line (its sample's row follows at once, no trial of the sweep holding the file now),
  # until the time start noted.
  if monitor_pid "$runs" && { read -r size0 && read -r due; } <"$since" 2>/dev/null; then
    while printf -v now '%(%s)T' -1 && [ "$now" -lt "$due" ] && alive &&
        [ "$(stat -c %s "$runs/monitor.jsonl" 2>/dev/null || echo 0)" -le "$size0" ]; do
      sleep 0.05
    done
  fi
  # and wait for it to be gone (SIGTERM stops it within a sample's write): once make returns,
  # nothing of the sweep holds the study file, whose last connection, closing, folds the WAL in
  # (a sqlite3 shell run then, which does not wait for locks, would find the file locked).
  if monitor_pid "$runs" && kill "$pid" 2>/dev/null; then
    for _ in $(seq 200); do alive || break; sleep 0.05; done
  fi
  rm -f "$pidfile" "$since"
  ;;
clear)
  rm -f "$stopped"
  ;;
esac
exit 0
