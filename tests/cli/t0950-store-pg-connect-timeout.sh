#!/usr/bin/env bash
# A PostgreSQL server that does not answer a connection within connect_timeout (stalled, loaded,
# a network that drops packets) is a server to wait for, as one that is down: the study tools wait
# WS_DB_RETRY_S for it, gpu-monitor samples on. libpq says "timeout expired", and the store then
# asked PQping whether the server is there: a server that answered the ping (it came back in the
# meantime, or answers new connections but not this one) made the failure a refusal, as for an
# unknown database or a bad password: exit 2 "cannot connect: ... timeout expired" at once, and
# gpu-monitor, which tries again at each write, stopped sampling for good mid-sweep.
# The server here is a stand-in (Python): it holds every connection without a word, but answers
# the second (the store's ping) with an error, as a server that is there does.
# runner: waits (a PostgreSQL server or name server that does not answer)
. "$WS_ROOT/tests/cli/lib.sh"
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
cp "$WS_ROOT/tests/cli/study.json" c.json
cat >stall.py <<'PY'
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
held, n = [], 0
while True:
    c, _ = s.accept()
    n += 1
    if n == 2:   # the ping: an error from a server that is there (no such database)
        c.recv(8192)
        m = b"SFATAL\0VFATAL\0C3D000\0Mdatabase \"db\" does not exist\0\0"
        c.sendall(b"E" + (len(m) + 4).to_bytes(4, "big") + m)
        c.close()
    else:
        held.append(c)
PY
# start_stall: a fresh stand-in; sets port
start_stall() {
  [ -z "${stall:-}" ] || kill "$stall" 2>/dev/null
  "$PY" stall.py >port & stall=$!
  for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
  port=$(cat port); : >port
}
trap '[ -z "${stall:-}" ] || kill "$stall" 2>/dev/null; rm -rf "$TMP"' EXIT
q='sslmode=disable&gssencmode=disable&connect_timeout=2'

start_stall
test_expect_code 0 "gpu-monitor --db a server that does not answer in connect_timeout: samples on, exit 0" \
  env WS_MONITOR_BUSY_S=0.1 timeout 60 gpu-monitor "${NOGPU[@]}" -i 0.05 -n 2 --db "postgresql://me@127.0.0.1:$port/db?$q"
if grep -q "cannot load libpq" err; then test_skip "the rest" "$(cat err)"; exit 0; fi
test_expect_success "... said as a server that does not answer, its 2 samples printed" '
  grep -q "the database server does not answer" err && ! grep -q "cannot connect" err && [ "$(jq -s length out)" = 2 ]'

start_stall
test_expect_code 3 "suggest --db the same, WS_DB_RETRY_S=5: waited for, exit 3" \
  env WS_DB_RETRY_S=5 timeout 60 suggest --db "postgresql://me@127.0.0.1:$port/db?$q" --config c.json --n 1
test_expect_success "... says the server did not answer within 5 s" '
  grep -q "the database server did not answer within 5 s" err && ! grep -q "cannot connect" err'
