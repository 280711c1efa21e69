#!/usr/bin/env bash
# gpu-monitor --db postgresql://... that lost its connection, and whose server then accepts no new
# one (the postmaster stalled: loaded, swapping, stopped; a node cut off): sampling goes on and
# SIGTERM stops it, as in a stall on a connection it holds (t0209). The reconnection was libpq's
# blocking connect, which waits out connect_timeout (10 s) for a server that answers nothing, and
# on a timeout a ping as long: meanwhile no sample was taken, and a SIGTERM (monitor.sh stop, a
# Ctrl-C) waited for it. Now the connection is made without waiting (PQconnectStartParams,
# PQconnectPoll), driven until the next sample is due and carried on at the next write; the
# samples wait in the queue meanwhile. The stall: the postmaster stopped with SIGSTOP (the kernel
# still queues connections on its socket, which nothing answers), after the monitor's own server
# process was ended (SIGTERM, as pg_terminate_backend), so that the monitor must reconnect.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
if [ -z "${WS_PG_HOST:-}" ] || [ -z "${WS_PG_DIR:-}" ]; then
  test_skip "gpu-monitor reconnecting to a stalled server" "no PostgreSQL server of ours (make check-cluster starts one)"
  exit 0
fi
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
PG=$(db_new reconnect) || exit 1
db=${PG#postgresql://postgres@/} db=${db%%\?*}
postmaster=$(head -n 1 "$WS_PG_DIR/data/postmaster.pid")
stalled=
trap '[ -z "$stalled" ] || kill -CONT $stalled 2>/dev/null; rm -rf "$TMP"' EXIT
# backend: the pid of the server process of gpu-monitor's connection (once it has one)
backend() {
  local b i
  for i in $(seq 100); do
    b=$(dbq "$PG" "SELECT pid FROM pg_stat_activity WHERE datname = '$db' AND application_name = 'wakesweep'")
    [ -n "$b" ] && { echo "$b"; return 0; }
    sleep 0.05
  done
  return 1
}
# cut_off: the monitor's connection ended and the postmaster stopped, so that its reconnection
# is queued on the socket and never answered
cut_off() {
  local b
  b=$(backend) || { echo "FAIL no connection of gpu-monitor's found"; return 1; }
  kill -STOP "$postmaster" && stalled=$postmaster
  kill -TERM "$b"
}

# 5 s without a server that answers, in a 9 s run at 0.1 s
gpu-monitor "${NOGPU[@]}" -i 0.1 -d 9 --db "$PG" >lines 2>err & mon=$!
sleep 1
cut_off
sleep 5
kill -CONT "$postmaster"; stalled=
wait $mon; rc=$?
test_expect_success "a 9 s run at 0.1 s, 5 s of it reconnecting to a stalled server: exit 0" '[ "$rc" = 0 ]'
test_expect_success "... samples on while the connection is pending (no gap of 1 s between lines)" '
  jq -s -e "length > 60 and ([range(1; length) as \$i | .[\$i].t - .[\$i - 1].t] | max < 1)" lines >/dev/null ||
  { jq -s "[range(1; length) as \$i | .[\$i].t - .[\$i - 1].t] | max" lines; false; } >&2'
test_expect_success "... every sample stored once the server answers, none said lost" '
  [ "$(dbq "$PG" "SELECT count(DISTINCT t) FROM wakesweep_gpu_samples")" = "$(jq -s length lines)" ] &&
  ! grep -q "not stored" err'

# SIGTERM while the reconnection is pending: it stops at once, with its summary
gpu-monitor "${NOGPU[@]}" -i 0.1 -d 60 --db "$PG" >lines 2>err & mon=$!
sleep 1
cut_off
sleep 1
t0=$(date +%s%N)
kill -TERM $mon
for _ in $(seq 150); do kill -0 $mon 2>/dev/null || break; sleep 0.02; done
ms=$((($(date +%s%N) - t0) / 1000000))
gone=$(kill -0 $mon 2>/dev/null && echo no || echo yes)
kill -CONT "$postmaster"; stalled=
wait $mon; rc=$?
test_expect_success "SIGTERM while reconnecting to a stalled server: gone within 1.5 s ($ms ms), exit 0" '
  [ "$gone" = yes ] && [ "$ms" -lt 1500 ] && [ "$rc" = 0 ]'
test_expect_success "... its summary: the samples taken meanwhile said not stored" '
  grep -q "samples\? not stored (the database server did not answer; each is named above)" err ||
  { cat err; false; } >&2'
test_expect_success "... the server answers again: a new monitor stores its samples" '
  gpu-monitor '"${NOGPU[*]}"' -i 0.05 -n 2 --db "$PG" >/dev/null 2>&1 &&
  [ "$(dbq "$PG" "SELECT count(*) FROM wakesweep_gpu_samples WHERE t > '"$(date +%s)"' - 5")" -ge 2 ]'
