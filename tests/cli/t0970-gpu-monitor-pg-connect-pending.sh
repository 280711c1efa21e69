#!/usr/bin/env bash
# gpu-monitor --db postgresql://... whose server accepts connections and answers none (stalled,
# loaded, a network that drops packets): after the first connection (which waits connect_timeout,
# as every tool's does, t0950), each new one was libpq's blocking connect, which held the monitor
# for connect_timeout: no sample in that time, and a SIGTERM waited for it. Now a new connection
# is made without waiting, driven between samples, abandoned (closed) after connect_timeout and
# begun again; the samples keep their interval, and a stop ends it at once. The server is a
# stand-in (Python) that holds every connection without a word, and counts them: how many were
# open at once, and whether the monitor closed each it gave up.
# runner: waits (a PostgreSQL server or name server that does not answer)
. "$WS_ROOT/tests/cli/lib.sh"
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
start_pg_standin hold
trap 'kill "$pg_standin" 2>/dev/null; rm -rf "$TMP"' EXIT
url="postgresql://me:secret@127.0.0.1:$pg_port/db?sslmode=disable&gssencmode=disable&connect_timeout=2"

# WS_MONITOR_BUSY_S=1: the queue is not waited for 30 s at the end
test_expect_code 0 "a 7 s run at 0.1 s against a server that answers no connection: exit 0" \
  env WS_MONITOR_BUSY_S=1 timeout 60 gpu-monitor "${NOGPU[@]}" -i 0.1 -d 7 --db "$url"
if grep -q "cannot load libpq" err; then test_skip "the rest" "$(cat err)"; exit 0; fi
test_expect_success "... samples keep their interval after the first connection's wait (no gap of 1 s)" '
  jq -s -e "length > 50 and ([range(1; length) as \$i | .[\$i].t - .[\$i - 1].t] | max < 1)" out >/dev/null ||
  { jq -s "length, ([range(1; length) as \$i | .[\$i].t - .[\$i - 1].t] | max)" out; false; } >&2'
read -r total open most <counts
test_expect_success "... a new connection after each connect_timeout ($total in all, $most open at once), none left open" '
  [ "$total" -ge 3 ] && [ "$total" -le 7 ] && [ "$most" -le 2 ] && [ "$open" = 0 ]'
test_expect_success "... said as a server that does not answer, the password never printed" '
  grep -q "the database server does not answer" err && ! grep -q "cannot connect" err && ! grep -q secret err'

# SIGTERM while a connection waits: gone at once, with its summary
timeout 60 gpu-monitor "${NOGPU[@]}" -i 0.1 -d 60 --db "$url" >out 2>err & mon=$!
sleep 3.5   # the first connection's 2 s, then a new one pending
t0=$(date +%s%N)
kill -TERM $mon
for _ in $(seq 150); do kill -0 $mon 2>/dev/null || break; sleep 0.02; done
ms=$((($(date +%s%N) - t0) / 1000000))
wait $mon; rc=$?
test_expect_success "SIGTERM while a connection waits for the server: gone within 1.5 s ($ms ms), exit 0" '
  [ "$ms" -lt 1500 ] && [ "$rc" = 0 ]'
test_expect_success "... with its summary: every sample said not stored" '
  n=$(jq -s length out) && [ "$n" -gt 5 ] &&
  grep -qxF "gpu-monitor: postgresql://me@127.0.0.1:$pg_port/db?sslmode=disable&gssencmode=disable&connect_timeout=2: $n of $n samples not stored (the database server did not answer; each is named above)" err'
sleep 0.3
read -r total open most <counts
test_expect_success "... and its connection closed ($open left open)" '[ "$open" = 0 ]'
