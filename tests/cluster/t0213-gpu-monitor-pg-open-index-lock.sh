#!/usr/bin/env bash
# gpu-monitor --db postgresql://... opening a study whose trials table lacks wakesweep's two
# indexes (Optuna made it) while another connection holds a write on trials open: the store's
# open makes the indexes (check_schema), and CREATE INDEX waits for that write's lock. That wait
# was libpq's PQexec, which has no end: the monitor sampled nothing until the write ended, and a
# SIGTERM waited for it too. Now the open's statements wait as the monitor's own do (until the
# next sample, 2 s at least; not after a stop), and the server ends a lock wait before then
# (lock_timeout, t0214): the open is given up, sampling goes on, and a later connection makes the
# indexes once the write is over.
# Here a psql session holds the write open for 20 s.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
if [ -z "${WS_PG_HOST:-}" ]; then
  test_skip "gpu-monitor beside a write on trials" "no PostgreSQL server (make check-cluster starts one)"; exit 0
fi
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
cp "$WS_ROOT/tests/cli/study.json" c.json
PG=$(db_new openlock) || exit 1
suggest --db "$PG" --config c.json --n 1 >/dev/null 2>err || { echo "FAIL suggest: $(cat err)"; exit 0; }
dbq "$PG" "DROP INDEX ws_trials_study_number; DROP INDEX ws_trials_study_state"   # as Optuna leaves it
indexes() { dbq "$PG" "SELECT count(*) FROM pg_indexes WHERE tablename = 'trials' AND indexname LIKE 'ws_trials_%'"; }
psql -X -q -d "$PG" -c "BEGIN" -c "LOCK TABLE trials IN ROW EXCLUSIVE MODE" -c "SELECT pg_sleep(20)" \
  >/dev/null 2>&1 & held=$!
trap 'kill $held 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do   # until the write is open
  [ "$(dbq "$PG" "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relname = 'trials' AND l.mode = 'RowExclusiveLock' AND l.granted")" = 1 ] && break
  sleep 0.1
done

t0=$(date +%s%N)
test_expect_code 0 "gpu-monitor -i 0.5 -d 3 --db a study whose indexes wait for another connection's write: exit 0" \
  env WS_MONITOR_BUSY_S=1 timeout -k 2 12 gpu-monitor "${NOGPU[@]}" -i 0.5 -d 3 --db "$PG"
ms=$((($(date +%s%N) - t0) / 1000000))
test_expect_success "... not held by it ($ms ms, under 8 s), sampled on" '
  [ "$ms" -lt 8000 ] && [ "$(jq -s length out)" -ge 2 ]'
test_expect_success "... said as the lock the open's statement waited for (ended by the server's lock_timeout, t0215)" '
  grep -q "^gpu-monitor: postgresql://[^ ]*: create indexes: waiting for a lock held by another session (ended by lock_timeout); sampling goes on, and the samples are stored once that lock is released" err'

timeout -k 1 10 gpu-monitor "${NOGPU[@]}" -i 0.1 -d 30 --db "$PG" >out 2>err & mon=$!
sleep 0.5
t0=$(date +%s%N)
kill -TERM $mon
for _ in $(seq 150); do kill -0 $mon 2>/dev/null || break; sleep 0.02; done
ms=$((($(date +%s%N) - t0) / 1000000))
wait $mon; rc=$?
test_expect_success "SIGTERM while the open waits for the lock: gone within 1 s ($ms ms), exit 0, nothing said" '
  [ "$ms" -lt 1000 ] && [ "$rc" = 0 ] && [ ! -s out ] && [ ! -s err ]'

# the write ends with its session, not with psql (its server process sleeps on)
dbq "$PG" "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database()
           AND wait_event = 'PgSleep'" >/dev/null
for _ in $(seq 100); do
  [ "$(dbq "$PG" "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relname = 'trials'")" = 0 ] && break
  sleep 0.1
done
kill $held 2>/dev/null; wait $held 2>/dev/null
test_expect_code 0 "once the write is over: gpu-monitor -n 1 opens the study" \
  timeout 30 gpu-monitor "${NOGPU[@]}" -i 0.1 -n 1 --db "$PG"
test_expect_success "... and makes the two indexes, nothing said" '[ "$(indexes)" = 2 ] && [ ! -s err ]'
