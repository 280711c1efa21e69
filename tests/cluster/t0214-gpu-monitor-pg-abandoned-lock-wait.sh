#!/usr/bin/env bash
# gpu-monitor --db postgresql://... giving up a statement that waits for another session's lock:
# the store's open makes wakesweep's indexes on trials (a study Optuna made), and its CREATE INDEX
# queues for a SHARE lock behind an open write on trials. The monitor gives the statement up after
# its wait (t0213) and closes the connection, but the server sees that only once the statement
# ends: it stayed queued for as long as the write was open, and every later write to trials (a
# trial's heartbeat, its result) queued behind it, long after the monitor had ended. Now the
# monitor's connections carry a lock_timeout shorter than its own wait, so the server ends such a
# statement itself. Here a psql session holds a write on trials open for 30 s; another session's
# write to trials (compatible with that one's) is timed after the monitor ends.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
if [ -z "${WS_PG_HOST:-}" ]; then
  test_skip "gpu-monitor's abandoned lock wait" "no PostgreSQL server (make check-cluster starts one)"; exit 0
fi
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
cp "$WS_ROOT/tests/cli/study.json" c.json
holders=()
trap 'kill "${holders[@]}" 2>/dev/null; rm -rf "$TMP"' EXIT

# study NAME: PG, a study database whose trials table lacks wakesweep's indexes (as Optuna leaves
# it), with a write on trials held open for 30 s by another session.
made=()
study() {
  local pg
  pg=$(db_new "$1") || return 1
  made+=("$pg")
  suggest --db "$pg" --config c.json --n 1 >/dev/null 2>&1 || return 1
  dbq "$pg" "DROP INDEX ws_trials_study_number; DROP INDEX ws_trials_study_state" || return 1
  psql -X -q -d "$pg" -c "BEGIN" -c "LOCK TABLE trials IN ROW EXCLUSIVE MODE" -c "SELECT pg_sleep(30)" \
    >/dev/null 2>&1 &
  holders+=($!)
  for _ in $(seq 100); do   # until the write is open
    [ "$(dbq "$pg" "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
          WHERE c.relname = 'trials' AND l.mode = 'RowExclusiveLock' AND l.granted")" = 1 ] && break
    sleep 0.1
  done
  PG=$pg
}

# write_ms URL: another session's write to trials (ROW EXCLUSIVE, as the held one: it waits only
# behind a request queued before it), given up after 6 s; prints its milliseconds, fails if given up.
write_ms() {
  local t0 rc=0
  t0=$(date +%s%N)
  psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c "SET lock_timeout = '6s'" \
    -c "UPDATE trials SET state = state WHERE trial_id = -1" >/dev/null 2>&1 || rc=1
  echo $((($(date +%s%N) - t0) / 1000000))
  return $rc
}
# waiting URL: how many of the monitor's connections wait for a lock on the server
waiting() {
  dbq "$1" "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
            AND application_name = 'wakesweep' AND wait_event_type = 'Lock'"
}

study ended || { echo "FAIL making the study"; exit 0; }
test_expect_code 0 "gpu-monitor -i 0.5 -d 2 beside a write on trials (its open's CREATE INDEX waits): exit 0" \
  env WS_MONITOR_BUSY_S=1 timeout -k 2 20 gpu-monitor "${NOGPU[@]}" -i 0.5 -d 2 --db "$PG"
ms=$(write_ms "$PG") && rc=0 || rc=$?
test_expect_success "... after it ended, another session's write to trials goes through within 3 s ($ms ms)" '
  [ "$rc" = 0 ] && [ "$ms" -lt 3000 ]'
n=$(waiting "$PG")
test_expect_success "... none of the monitor's connections left waiting for a lock on the server ($n)" '[ "$n" = 0 ]'

study stopped || { echo "FAIL making the study"; exit 0; }
timeout -k 1 20 gpu-monitor "${NOGPU[@]}" -i 0.1 -d 30 --db "$PG" >out 2>err & mon=$!
for _ in $(seq 50); do [ "$(waiting "$PG")" = 0 ] || break; sleep 0.05; done   # its open waits for the lock
kill -TERM $mon
wait $mon; rc=$?
test_expect_success "SIGTERM while the open's CREATE INDEX waits: exit 0" '[ "$rc" = 0 ]'
ms=$(write_ms "$PG") && rc=0 || rc=$?
test_expect_success "... after it, another session's write to trials goes through within 3 s ($ms ms)" '
  [ "$rc" = 0 ] && [ "$ms" -lt 3000 ]'

# the holders' sessions do not end with their psql (the server's backends sleep on)
for pg in "${made[@]}"; do dbq "$pg" "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
  WHERE datname = current_database() AND wait_event = 'PgSleep'" >/dev/null; done
