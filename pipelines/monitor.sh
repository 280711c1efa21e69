#!/usr/bin/env bash
# pipelines/monitor.sh start RUNS DB BIN INTERVAL | stop RUNS — gpu-monitor alongside a sweep:
# started by the first trial that finds it not running (a lock keeps it to one), samples into
# the study database (an SQLite one) and RUNS/monitor.jsonl, stopped when the report is made. Ctrl-C on make
# stops it too (same process group); after a kill -9 the next run reuses or restarts it.
set -u
cmd=$1 runs=$2
pidfile=$runs/monitor.pid
alive() { [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
case $cmd in
start)
  db=$3 bin=$4 interval=$5
  exec 9>"$runs/monitor.lock"
  flock 9
  alive && exit 0
  # Samples go into SQLite study files only; with a PostgreSQL study, to monitor.jsonl alone.
  case $db in postgres*) dbarg=() ;; *) dbarg=(--db "$db") ;; esac
  nohup "$bin/gpu-monitor" "${dbarg[@]}" --fallback cpu --interval "$interval" --duration 86400 --quiet \
      >>"$runs/monitor.jsonl" 2>>"$runs/monitor.err" </dev/null 9>&- &
  echo $! >"$pidfile"
  ;;
stop)
  alive && kill "$(cat "$pidfile")" 2>/dev/null
  rm -f "$pidfile"
  ;;
esac
exit 0
