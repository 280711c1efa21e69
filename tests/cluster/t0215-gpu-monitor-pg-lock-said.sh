#!/usr/bin/env bash
# gpu-monitor --db postgresql://... beside another session's lock: the monitor's connections carry
# a lock_timeout (t0214), so the server ends a statement of its that waits for a lock, and its
# answer (SQLSTATE 55P03) says what it was. That answer was taken for a failure: at the open, the
# store's CREATE INDEX was said "create indexes: ERROR: canceling statement due to lock timeout;
# ... stored once it answers", and each sample then "not stored: the database server does not
# answer"; the samples table's check read it as a table that is not the monitor's (exit 2); the
# running trials' query as an error (exit 3). And a write given until the next sample (-i over
# 2 s) was given up by the monitor just before the server's lock_timeout: "the database server
# does not answer: no answer to a statement within 2 s". Now each is said as a lock held by
# another session, the samples kept as for a lock, sampling on.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
if [ -z "${WS_PG_HOST:-}" ]; then
  test_skip "gpu-monitor beside another session's lock" "no PostgreSQL server (make check-cluster starts one)"; exit 0
fi
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
cp "$WS_ROOT/tests/cli/study.json" c.json
holders=() made=()
trap 'kill "${holders[@]}" 2>/dev/null; rm -rf "$TMP"' EXIT

# study NAME: PG, a study database with Optuna's tables and the samples table
study() {
  PG=$(db_new "$1") || return 1
  made+=("$PG")
  suggest --db "$PG" --config c.json --n 1 >/dev/null 2>&1 &&
    gpu-monitor "${NOGPU[@]}" -i 0.01 -n 1 --db "$PG" >/dev/null 2>&1
}
# hold TABLE MODE SECONDS LOCK: another session holds a lock on TABLE of PG for SECONDS (LOCK: the
# mode as pg_locks names it)
hold() {
  psql -X -q -d "$PG" -c "BEGIN" -c "LOCK TABLE $1 IN $2 MODE" -c "SELECT pg_sleep($3)" >/dev/null 2>&1 &
  holders+=($!)
  for _ in $(seq 100); do
    [ "$(dbq "$PG" "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
          WHERE c.relname = '$1' AND l.mode = '$4' AND l.granted")" = 1 ] && break
    sleep 0.1
  done
}
said_as_lock() { grep -q "waiting for a lock held by another session" err && ! grep -q "does not answer\|did not answer" err; }

study index || { echo "FAIL making the study"; exit 0; }
dbq "$PG" "DROP INDEX ws_trials_study_number; DROP INDEX ws_trials_study_state"   # as Optuna leaves it
hold trials "ROW EXCLUSIVE" 10 RowExclusiveLock
test_expect_code 0 "the open's CREATE INDEX behind a write on trials: gpu-monitor -i 0.5 -d 2 exit 0" \
  env WS_MONITOR_BUSY_S=1 timeout -k 2 20 gpu-monitor "${NOGPU[@]}" -i 0.5 -d 2 --db "$PG"
test_expect_success "... said as a lock held by another session, not a server that does not answer" '
  said_as_lock && grep -q "create indexes: waiting for a lock held by another session" err &&
  grep -q "not stored: database is locked" err && grep -q "another connection held a lock" err'

study table || { echo "FAIL making the study"; exit 0; }
hold wakesweep_gpu_samples "ACCESS EXCLUSIVE" 8 AccessExclusiveLock
test_expect_code 0 "the samples table locked by another session at the open: gpu-monitor -i 0.5 -d 2 exit 0" \
  env WS_MONITOR_BUSY_S=1 timeout -k 2 20 gpu-monitor "${NOGPU[@]}" -i 0.5 -d 2 --db "$PG"
test_expect_success "... sampled on, said as a lock held by another session" '
  [ "$(jq -s length out)" -ge 2 ] && said_as_lock && grep -q "reading the samples table: waiting for a lock" err'

study write || { echo "FAIL making the study"; exit 0; }
hold wakesweep_gpu_samples SHARE 12 ShareLock
test_expect_code 0 "a write at -i 2.5 behind another session's lock: exit 0" \
  env WS_MONITOR_BUSY_S=4 timeout -k 2 20 gpu-monitor "${NOGPU[@]}" -i 2.5 -d 5 --db "$PG"
test_expect_success "... said as a lock (its lock_timeout ends before the monitor's wait), not a server that does not answer" '
  ! grep -q "does not answer\|did not answer" err && grep -q "not stored: database is locked" err'

study running || { echo "FAIL making the study"; exit 0; }
hold trials "ACCESS EXCLUSIVE" 8 AccessExclusiveLock
test_expect_code 0 "the running trials' query behind another session's lock on trials: gpu-monitor -i 0.5 -d 2 exit 0" \
  env WS_MONITOR_BUSY_S=4 timeout -k 2 20 gpu-monitor "${NOGPU[@]}" -i 0.5 -d 2 --db "$PG"
test_expect_success "... sampled on (no pids while the lock is held), the samples stored" '
  n=$(jq -s length out) && [ "$n" -ge 2 ] &&
  [ "$(dbq "$PG" "SELECT count(DISTINCT sample) FROM wakesweep_gpu_samples")" = $((n + 1)) ]'

# the holders' sessions do not end with their psql (the server's backends sleep on)
for pg in "${made[@]}"; do dbq "$pg" "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
  WHERE datname = current_database() AND wait_event = 'PgSleep'" >/dev/null; done
