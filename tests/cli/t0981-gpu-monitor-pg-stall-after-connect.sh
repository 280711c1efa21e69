#!/usr/bin/env bash
# gpu-monitor --db postgresql://... whose server completes a connection and then answers no
# statement (stalled, loaded, a network cut right after the handshake): the statements the store
# runs on a new connection (SET client_min_messages, the schema checks) were libpq's blocking
# PQexec, which waited for ever: no sample, the first connection never opened, a SIGTERM deaf
# (the monitor hung until killed). Now they wait for the server as the monitor's own statements
# do, until the next sample is due, 2 s at least, and not after a stop: the connection is then
# dropped, said as a server that does not answer, and sampling goes on. The server is a stand-in
# (Python) that answers the startup handshake (no authentication) and nothing after it.
# runner: waits (a PostgreSQL server or name server that does not answer)
. "$WS_ROOT/tests/cli/lib.sh"
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
start_pg_standin handshake
trap 'kill "$pg_standin" 2>/dev/null; rm -rf "$TMP"' EXIT
url="postgresql://me:secret@127.0.0.1:$pg_port/db?sslmode=disable&gssencmode=disable"

test_expect_code 0 "an 8 s run at 0.5 s against a server that answers no statement after the handshake: exit 0" \
  env WS_MONITOR_BUSY_S=1 timeout -k 2 20 gpu-monitor "${NOGPU[@]}" -i 0.5 -d 8 --db "$url"
if grep -q "cannot load libpq" err; then test_skip "the rest" "$(cat err)"; exit 0; fi
test_expect_success "... sampled on: no gap of 3 s between samples" '
  jq -s -e "length >= 4 and ([range(1; length) as \$i | .[\$i].t - .[\$i - 1].t] | max < 3)" out >/dev/null ||
  { jq -s "length, ([range(1; length) as \$i | .[\$i].t - .[\$i - 1].t] | max)" out; false; } >&2'
test_expect_success "... said as a server that does not answer, the password never printed" '
  grep -q "^gpu-monitor: postgresql://me@127.0.0.1:[0-9]*/db?[^ ]*: the database server does not answer: no answer to a statement within 2 s; sampling goes on" err &&
  ! grep -q "cannot connect" err &&
  ! grep -q secret err'
sleep 0.3
read -r total open _ <counts
test_expect_success "... a new connection at later writes ($total in all), none left open" '
  [ "$total" -ge 2 ] && [ "$open" = 0 ]'

# SIGTERM while the first connection's first statement waits: gone at once
timeout -k 1 10 gpu-monitor "${NOGPU[@]}" -i 0.1 -d 30 --db "$url" >out 2>err & mon=$!
sleep 0.5
t0=$(date +%s%N)
kill -TERM $mon
for _ in $(seq 150); do kill -0 $mon 2>/dev/null || break; sleep 0.02; done
ms=$((($(date +%s%N) - t0) / 1000000))
wait $mon; rc=$?
test_expect_success "SIGTERM while the first connection's statements wait for the server: gone within 1 s ($ms ms), exit 0" '
  [ "$ms" -lt 1000 ] && [ "$rc" = 0 ]'
test_expect_success "... nothing sampled, nothing said" '[ ! -s out ] && [ ! -s err ]'
sleep 0.3
read -r total open _ <counts
test_expect_success "... its connection closed" '[ "$open" = 0 ]'

# The message's N: the store took the time left when its open began (until - now), so the moments
# between the monitor's setting it and the store's first statement came off it: "within 1.99 s" on
# a loaded machine (a full make check). Now it is the time the monitor allowed, as it set it. Here
# a shim makes each reading of the monotonic clock 5 ms later than the one before (beside real
# time), as a loaded machine's pauses would.
cat >later.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <time.h>
int clock_gettime(clockid_t id, struct timespec *ts)
{
    static int (*real)(clockid_t, struct timespec *);
    static long long extra_ns;
    if (!real) real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    int rc = real(id, ts);
    if (rc == 0 && id == CLOCK_MONOTONIC) {
        extra_ns += 5000000;
        long long ns = ts->tv_nsec + extra_ns;
        ts->tv_sec += ns / 1000000000, ts->tv_nsec = ns % 1000000000;
    }
    return rc;
}
C
if build_shim "the time a statement was allowed, said as set" later.c later.so; then
  asan=$(asan_lib gpu-monitor) || asan=
  test_expect_code 0 "a run whose clock readings come 5 ms apart: exit 0" \
    env WS_MONITOR_BUSY_S=1 LD_PRELOAD="$asan${asan:+ }$TMP/later.so" timeout -k 2 20 gpu-monitor "${NOGPU[@]}" -i 0.5 -d 3 --db "$url"
  test_expect_success "... says the 2 s it allowed the statements, not what was left when the store began" '
    grep -q "the database server does not answer: no answer to a statement within 2 s; sampling goes on" err ||
    { grep "does not answer" err; false; } >&2'
fi
