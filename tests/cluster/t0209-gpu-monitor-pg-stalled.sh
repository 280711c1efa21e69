#!/usr/bin/env bash
# gpu-monitor --db postgresql://... whose server stops answering on a connection it holds (the
# server stalled, or the network to it cut without a reset: a node cut off, where TCP retries for
# about 15 minutes before it gives up): sampling goes on, and SIGTERM stops it, as for a server
# that refuses connections (t0948). Every statement waited in libpq for as long as the server
# kept it, so the monitor took no sample for the whole stall, and a SIGTERM (monitor.sh stop, a
# Ctrl-C) did nothing until the server answered again: monitor.sh stop gave up after 10 s and left
# it running. Now a statement waits until the next sample is due (2 s at least), then the
# connection is dropped and another is opened at the next write; the samples wait in the queue
# meanwhile. The stall: the monitor's own server process stopped with SIGSTOP.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
if [ -z "${WS_PG_HOST:-}" ]; then
  test_skip "gpu-monitor and a stalled server" "no PostgreSQL server (make check-cluster starts one)"; exit 0
fi
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
PG=$(db_new stall) || exit 1
db=${PG#postgresql://postgres@/} db=${db%%\?*}
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
# a stall of 8 s in a 10 s run at 0.1 s
gpu-monitor "${NOGPU[@]}" -i 0.1 -d 10 --db "$PG" >lines 2>err & mon=$!
stalled=$(backend) || echo "FAIL no connection of gpu-monitor's found"
sleep 1
kill -STOP $stalled
sleep 8
kill -CONT $stalled; stalled=
wait $mon; rc=$?
test_expect_success "a 10 s run at 0.1 s with an 8 s stall: exit 0" '[ "$rc" = 0 ]'
test_expect_success "... samples on through the stall (no gap of 4 s between lines)" '
  jq -s -e "length > 50 and ([range(1; length) as \$i | .[\$i].t - .[\$i - 1].t] | max < 4)" lines >/dev/null'
test_expect_success "... every sample stored once the server answers, none said lost" '
  [ "$(dbq "$PG" "SELECT count(DISTINCT t) FROM wakesweep_gpu_samples")" = "$(jq -s length lines)" ] &&
  ! grep -q "not stored" err'

# SIGTERM in a stall: it stops (a stop ends the wait for the server within 2 s)
gpu-monitor "${NOGPU[@]}" -i 0.1 -d 60 --db "$PG" >lines 2>err & mon=$!
stalled=$(backend) || echo "FAIL no connection of gpu-monitor's found"
sleep 0.5
kill -STOP $stalled
sleep 0.5
t0=$(date +%s%N)
kill -TERM $mon
for _ in $(seq 100); do kill -0 $mon 2>/dev/null || break; sleep 0.1; done
ms=$((($(date +%s%N) - t0) / 1000000))
gone=$(kill -0 $mon 2>/dev/null && echo no || echo yes)
kill -CONT $stalled; stalled=
wait $mon; rc=$?
test_expect_success "SIGTERM while the server is stalled: gone within 5 s ($ms ms), exit 0" '[ "$gone" = yes ] && [ "$rc" = 0 ]'

# A COMMIT the server is slow to answer (here a deferred trigger sleeps 3 s in it, once): the
# monitor gives the write up after 2 s, and the server commits it all the same. The samples, still
# queued, were written again at the next write: each stored twice (under two sample numbers), and
# report counted them twice. Now the next write first asks the server what became of the given-up
# write's transaction (txid_status): committed, its samples are not written again; in progress,
# they wait.
PG2=$(db_new slowcommit) || exit 1
gpu-monitor "${NOGPU[@]}" -i 0.01 -n 1 --db "$PG2" >/dev/null 2>&1   # its table, as a monitor makes it
dbq "$PG2" "DELETE FROM wakesweep_gpu_samples;
  CREATE TABLE slow_once (x int); INSERT INTO slow_once VALUES (1);
  CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS
    \$\$ BEGIN IF EXISTS (SELECT 1 FROM slow_once FOR UPDATE SKIP LOCKED) THEN DELETE FROM slow_once; PERFORM pg_sleep(3);
    END IF; RETURN NULL; END \$\$;
  CREATE CONSTRAINT TRIGGER slow AFTER INSERT ON wakesweep_gpu_samples DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION slow_commit()" >/dev/null || echo "FAIL making the COMMIT slow"
test_expect_code 0 "a COMMIT that takes 3 s, in a 5 s run at 0.1 s" gpu-monitor "${NOGPU[@]}" -i 0.1 -d 5 --db "$PG2"
test_expect_success "... the commit did go through: every sample stored once, none twice" '
  [ "$(dbq "$PG2" "SELECT count(*) FROM slow_once")" = 0 ] &&
  [ "$(dbq "$PG2" "SELECT count(*), count(DISTINCT t) FROM wakesweep_gpu_samples WHERE kind = '\''device'\''")" = \
    "$(jq -s length out)|$(jq -s length out)" ]'
