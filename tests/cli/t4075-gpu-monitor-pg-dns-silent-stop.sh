#!/usr/bin/env bash
# gpu-monitor --db postgresql://...@HOST/... whose name server is gone silent (each lookup of HOST
# waits out the resolver's timeout): libpq resolves the name in the connection's first step, and
# where that connection failed the monitor tried once more through the store's blocking connect,
# which looked the name up again three times (libpq's connect, the check for a name that does not
# exist, the ping), so a SIGTERM at start waited for four lookups (19.5 s at 5 s each). Now a stop
# ends the monitor before that second try: one lookup at most (the one under way). The silent name
# server is a shim (LD_PRELOAD) whose getaddrinfo of slowdns.test takes 3 s and finds nothing.
# runner: waits (a PostgreSQL server or name server that does not answer)
. "$WS_ROOT/tests/cli/lib.sh"
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
if ! command -v cc >/dev/null; then test_skip "a silent name server" "no C compiler for the getaddrinfo shim"; exit 0; fi
cat >dns.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <time.h>
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
    static int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
    if (!real) real = (int (*)(const char *, const char *, const struct addrinfo *, struct addrinfo **))dlsym(RTLD_NEXT, "getaddrinfo");
    if (node && !strcmp(node, "slowdns.test")) {   /* as the resolver: a signal does not end its wait */
        struct timespec ts = {3, 0};
        while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
        return EAI_AGAIN;
    }
    return real(node, service, hints, res);
}
C
cc -shared -fPIC -o dns.so dns.c -ldl 2>cc.err || { test_skip "a silent name server" "the shim did not build: $(head -c 200 cc.err)"; exit 0; }
asan=$(asan_lib gpu-monitor) || asan=

# the monitor itself is signalled (not a timeout before it); killed after 30 s at most
LD_PRELOAD="$asan${asan:+ }$PWD/dns.so" gpu-monitor "${NOGPU[@]}" -i 0.1 -d 60 \
  --db "postgresql://me@slowdns.test/db" >out 2>err & mon=$!
trap 'kill -9 $mon 2>/dev/null; rm -rf "$TMP"' EXIT
sleep 0.5
t0=$(date +%s%N)
kill -TERM $mon
for _ in $(seq 600); do kill -0 $mon 2>/dev/null || break; sleep 0.05; done
ms=$((($(date +%s%N) - t0) / 1000000))
kill -9 $mon 2>/dev/null
wait $mon; rc=$?
if grep -q "cannot load libpq" err; then test_skip "a silent name server" "$(cat err)"; exit 0; fi
test_expect_success "SIGTERM 0.5 s after start, the first connection's lookup under way: gone within 4 s ($ms ms), exit 0" '
  [ "$ms" -lt 4000 ] && [ "$rc" = 0 ]'
test_expect_success "... nothing sampled, nothing said" '[ ! -s out ] && [ ! -s err ]'
