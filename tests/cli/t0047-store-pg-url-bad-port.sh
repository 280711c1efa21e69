#!/usr/bin/env bash
# A PostgreSQL URL whose port libpq cannot use (past 65535, 0, not a number) is the URL's fault,
# found by libpq only when it tries the host, where PQping answers "no response" as for a server
# that is down: every tool waited WS_DB_RETRY_S (60 s by default) for a server it never tried,
# then said "the database server did not answer within N s: invalid port number" and exited 3
# (internal). Now refused at once as the other URL mistakes are (an unknown sslmode): exit 2,
# "cannot connect: ...". No server is contacted: no port is tried.
# The same holds for a host name that does not exist (below).
# runner: waits (a PostgreSQL server or name server that does not answer)
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json >/dev/null
export WS_DB_RETRY_S=30
WS_DB_RETRY_S=0 tell --db 'postgresql://me@127.0.0.1:0/db' --study kws --trial 0 --state fail 2>err.0
if grep -q libpq err.0 && ! grep -q "invalid port" err.0; then test_skip "bad port" "$(cat err.0)"; exit 0; fi
# at_once WANT NAME COMMAND...: exit WANT well before the 30 s of retries
at_once() {
  local want=$1 name=$2; shift 2
  local t0=$SECONDS
  test_expect_code "$want" "$name" timeout 20 "$@"
  test_expect_success "... at once, not after WS_DB_RETRY_S" "[ \$((SECONDS - $t0)) -lt 10 ]"
}
at_once 2 "study-copy --to a URL with port 99999" study-copy --from s.db --to 'postgresql://me:pw@127.0.0.1:99999/db'
test_expect_success "... says why, password left out" '
  grep -qxF "study-copy: --to: postgresql://me@127.0.0.1:99999/db: cannot connect: invalid port number: \"99999\"" err'
at_once 2 "tell --db a URL with port 0" tell --db 'postgresql://me@127.0.0.1:0/db' --study kws --trial 0 --state fail
test_expect_success "... says why" 'grep -qF "cannot connect: invalid port number: \"0\"" err'
at_once 2 "prune-check --db a URL with a port that is not a number" \
  prune-check --db 'postgres://me@127.0.0.1:abc/db' --study kws --trial 0 --step 0 --value 1
test_expect_success "... says why" 'grep -qF "cannot connect: " err && grep -qF "abc" err'

# A host name that does not exist (a typo in the URL) is the URL's fault too: PQping answered
# "no response" for it, and the tools waited WS_DB_RETRY_S for a host no wait makes. Now exit 2
# at once, with libpq's own words. Only where the resolver itself says the name does not exist
# (EAI_NONAME, asked through Python's socket module); without a name server it cannot say so,
# and a resolver that cannot answer is waited for as a server is.
bad=nosuch-host.invalid   # .invalid never resolves (RFC 2606)
if ! "$PY" -c 'import socket, sys
try: socket.getaddrinfo(sys.argv[1], None)
except socket.gaierror as x: sys.exit(0 if x.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)) else 1)
sys.exit(1)' "$bad"; then
  test_skip "unknown host" "this machine's resolver does not say that $bad does not exist"
else
  at_once 2 "report --db a URL whose host does not exist" report --db "postgresql://me:pw@$bad:5432/db"
  test_expect_success "... says why, password left out" "
    grep -qxF 'report: postgresql://me@$bad:5432/db: cannot connect: could not translate host name \"$bad\" to address: Name or service not known' err"
  at_once 2 "tell, the host from PGHOST" env PGHOST=$bad tell --db postgresql:///db --study kws --trial 0 --state fail
  test_expect_success "... says why" "grep -qF 'could not translate host name \"$bad\"' err"
  # Not every host name is resolved: libpq takes hostaddr from PGHOSTADDR beside a URL's host
  # name (and then resolves nothing), and an empty element of a host list ("name,") is the
  # default socket. A server down there is waited for, as any: these were refused at once, exit
  # 2, as if the URL were wrong ("cannot connect: connection to server at \"127.0.0.1\", port 1
  # failed: Connection refused"). Port 1: no server listens there.
  test_expect_code 3 "PGHOSTADDR beside a host name that does not resolve: a server down, waited for" \
    env WS_DB_RETRY_S=2 PGHOSTADDR=127.0.0.1 tell --db "postgresql://me@$bad:1/db" --study kws --trial 0 --state fail
  test_expect_success "... says it waited" "grep -qF 'did not answer within 2 s' err"
  test_expect_code 3 "a host list with an empty element (the default socket): waited for" \
    env WS_DB_RETRY_S=2 tell --db "postgresql:///db?host=$bad,&port=1" --study kws --trial 0 --state fail
  test_expect_success "... says it waited" "grep -qF 'did not answer within 2 s' err"
fi
