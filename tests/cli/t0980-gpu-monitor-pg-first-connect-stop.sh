#!/usr/bin/env bash
# gpu-monitor --db postgresql://... whose server accepts the first connection and answers nothing
# (stalled, loaded, a network that drops packets): that connection was libpq's blocking connect,
# in which a SIGTERM or SIGINT waited out connect_timeout (10 s by default: measured 10005 ms
# for a SIGTERM 0.5 s after start). Now it is driven without waiting in libpq, as a reconnection
# is (t0970), and a stop ends it at once: exit 0, nothing sampled, nothing said (as a stop in the
# wait for a SQLite file's lock at start), the connection closed. What the first connection
# decides stays: a server that does not answer within connect_timeout is said and sampled on
# (after that wait, as before); a server that refuses the URL is exit 2 with the store's message.
# The server is a stand-in (Python): "hold" holds every connection without a word, "refuse"
# answers each with a FATAL error, as a server without that database does.
# runner: waits (a PostgreSQL server or name server that does not answer)
. "$WS_ROOT/tests/cli/lib.sh"
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
trap '[ -z "${pg_standin:-}" ] || kill "$pg_standin" 2>/dev/null; rm -rf "$TMP"' EXIT
q='sslmode=disable&gssencmode=disable'

# stop_after SIGNAL: gpu-monitor against the stand-in, SIGNAL 0.5 s after start; sets ms and rc
stop_after() {
  timeout 60 gpu-monitor "${NOGPU[@]}" -i 0.1 -d 30 --db "postgresql://me:secret@127.0.0.1:$pg_port/db?$q" >out 2>err &
  local mon=$!
  sleep 0.5
  local t0=$(date +%s%N)
  kill "-$1" $mon
  for _ in $(seq 150); do kill -0 $mon 2>/dev/null || break; sleep 0.02; done
  ms=$((($(date +%s%N) - t0) / 1000000))
  wait $mon; rc=$?
}

start_pg_standin hold
stop_after TERM
if grep -q "cannot load libpq" err; then test_skip "all" "$(cat err)"; exit 0; fi
test_expect_success "SIGTERM while the first connection waits for the server (connect_timeout 10 s): gone within 1 s ($ms ms), exit 0" '
  [ "$ms" -lt 1000 ] && [ "$rc" = 0 ]'
test_expect_success "... nothing sampled, nothing said" '[ ! -s out ] && [ ! -s err ]'
sleep 0.3
test_expect_success "... its connection closed" 'read -r _ open _ <counts && [ "$open" = 0 ]'
stop_after INT
test_expect_success "SIGINT the same: gone within 1 s ($ms ms), exit 0, nothing said" '
  [ "$ms" -lt 1000 ] && [ "$rc" = 0 ] && [ ! -s out ] && [ ! -s err ]'

# no stop: connect_timeout waited for at start, as before, then said and sampled on
t0=$(date +%s.%N)
test_expect_code 0 "no stop: a 4 s run at 0.1 s, connect_timeout=2: exit 0" \
  env WS_MONITOR_BUSY_S=1 timeout 60 gpu-monitor "${NOGPU[@]}" -i 0.1 -d 4 \
  --db "postgresql://me:secret@127.0.0.1:$pg_port/db?$q&connect_timeout=2"
test_expect_success "... the first sample after connect_timeout, then sampled on" '
  jq -s -e --argjson t0 "$t0" "length > 10 and .[0].t - \$t0 > 1.8" out >/dev/null'
test_expect_success "... said as a server that does not answer, once, the password never printed" '
  [ "$(grep -c "the database server does not answer: no connection within 2 s (connect_timeout); sampling goes on" err)" = 1 ] &&
  ! grep -q "cannot connect" err && ! grep -q secret err'

start_pg_standin refuse
test_expect_code 2 "a server refusing the first connection (no such database): exit 2" \
  timeout 60 gpu-monitor "${NOGPU[@]}" -i 0.1 -d 4 --db "postgresql://me:secret@127.0.0.1:$pg_port/db?$q"
test_expect_success "... with the store's message, nothing sampled" '
  [ "$(wc -l <err)" = 1 ] && grep -qF "gpu-monitor: postgresql://me@127.0.0.1:$pg_port/db?$q: cannot connect: " err &&
  grep -q "FATAL:  database \"db\" does not exist\$" err && [ ! -s out ]'
