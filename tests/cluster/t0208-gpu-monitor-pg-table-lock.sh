#!/usr/bin/env bash
# gpu-monitor --db postgresql://... opening a database whose samples table is there already does
# not wait for another connection's write to it: on a cluster each node's monitor writes into the
# one table, and one cut off in the middle of its write leaves its transaction open on the server
# (until the server's TCP keepalive, hours). Each open (and each reconnection) ran the table's DDL
# again, and CREATE INDEX IF NOT EXISTS takes a SHARE lock on the table before it finds the index
# there: it waited for that transaction to end, so a monitor started (or reconnecting) beside it
# sampled nothing, and meanwhile every other monitor's insert queued behind its lock request.
# Here a psql session holds a write open for 20 s.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
if [ -z "${WS_PG_HOST:-}" ]; then
  test_skip "gpu-monitor beside an open write" "no PostgreSQL server (make check-cluster starts one)"; exit 0
fi
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
PG=$(db_new lock) || exit 1
gpu-monitor "${NOGPU[@]}" -i 0.01 -n 1 --db "$PG" >/dev/null 2>&1   # its table, as a monitor makes it
psql -X -q -d "$PG" -c "BEGIN" -c "INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, host)
  VALUES (0, 0, '1970-01-01 00:00:00.000000', 'proc', 'device', 'cut-off-node')" -c "SELECT pg_sleep(20)" \
  >/dev/null 2>&1 & held=$!
trap 'kill $held 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do   # until the write is open
  [ "$(dbq "$PG" "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relname = 'wakesweep_gpu_samples' AND l.mode = 'RowExclusiveLock' AND l.granted")" = 1 ] && break
  sleep 0.1
done
t0=$(date +%s%N)
test_expect_code 0 "gpu-monitor --db beside another connection's open write" \
  timeout 30 gpu-monitor "${NOGPU[@]}" -i 0.1 -n 3 --db "$PG"
ms=$((($(date +%s%N) - t0) / 1000000))
test_expect_success "... does not wait for it (3 samples at 0.1 s: $ms ms, under 5 s)" '[ "$ms" -lt 5000 ]'
test_expect_success "... its 3 samples stored, none said lost" '
  [ "$(dbq "$PG" "SELECT count(DISTINCT sample) FROM wakesweep_gpu_samples")" = 4 ] && ! grep -q "not stored" err'
