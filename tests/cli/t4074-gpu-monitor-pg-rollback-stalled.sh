#!/usr/bin/env bash
# gpu-monitor --db postgresql://... whose server stalls right after a statement of the store's
# open failed inside a transaction (the indexes made in a study Optuna made, their CREATE INDEX
# ended by the connection's lock_timeout, t0215): the store then sent ROLLBACK through libpq's
# PQexec, whose wait has no end, though the open's other statements wait for the server as the
# monitor's own do (until the next sample is due, 2 s at least; not after a stop): no sample, a
# SIGTERM deaf, the monitor held until killed. The server is a stand-in (Python) that answers the
# open's statements, the CREATE INDEX with lock_timeout's error, and nothing after it.
# runner: waits (a PostgreSQL server or name server that does not answer)
. "$WS_ROOT/tests/cli/lib.sh"
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
start_pg_standin locked
trap 'kill "$pg_standin" 2>/dev/null; rm -rf "$TMP"' EXIT
url="postgresql://me@127.0.0.1:$pg_port/db?sslmode=disable&gssencmode=disable"

t0=$(date +%s%N)
test_expect_code 0 "a 3 s run at 0.5 s, the ROLLBACK after the open's failed CREATE INDEX unanswered: exit 0" \
  env WS_MONITOR_BUSY_S=1 timeout -k 2 20 gpu-monitor "${NOGPU[@]}" -i 0.5 -d 3 --db "$url"
ms=$((($(date +%s%N) - t0) / 1000000))
if grep -q "cannot load libpq" err; then test_skip "the rest" "$(cat err)"; exit 0; fi
test_expect_success "... not held by it ($ms ms, under 10 s), sampled on" '
  [ "$ms" -lt 10000 ] && [ "$(jq -s length out)" -ge 2 ]'
test_expect_success "... said as the lock the CREATE INDEX waited for" '
  grep -q "create indexes: waiting for a lock held by another session" err'
sleep 0.3
read -r total open _ <counts
test_expect_success "... its connections closed ($open of $total open)" '[ "$total" -ge 1 ] && [ "$open" = 0 ]'

timeout -k 1 20 gpu-monitor "${NOGPU[@]}" -i 0.1 -d 30 --db "$url" >out 2>err & mon=$!
for _ in $(seq 100); do read -r total _ _ <counts 2>/dev/null; [ "${total:-0}" -ge 2 ] && break; sleep 0.02; done
sleep 0.3   # its first connection's ROLLBACK unanswered
t0=$(date +%s%N)
kill -TERM $mon
for _ in $(seq 250); do kill -0 $mon 2>/dev/null || break; sleep 0.02; done
ms=$((($(date +%s%N) - t0) / 1000000))
wait $mon; rc=$?
test_expect_success "SIGTERM while that ROLLBACK waits: gone within 1 s ($ms ms), exit 0" '[ "$ms" -lt 1000 ] && [ "$rc" = 0 ]'
