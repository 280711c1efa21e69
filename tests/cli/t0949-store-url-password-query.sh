#!/usr/bin/env bash
# A PostgreSQL URL's password may be given in its query (?password=..., as libpq takes it, beside
# user:password@): messages show the URL without it, as they show user:password@ as user@
# (ws_store_url_shown). Only user:password@ was cut, so a password given as a parameter was
# printed in every message that names the study (gpu-monitor's, at each sample not stored, and
# every tool's "cannot connect"), and went into logs (pipelines' monitor.err); and an '@' in the
# query (user=me@x) was taken for the end of user:password@, cutting from the port's ':' to it. No server is
# needed: port 1 of this host answers no PostgreSQL, port 99999 is refused at once.
. "$WS_ROOT/tests/cli/lib.sh"
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
cp "$WS_ROOT/tests/cli/study.json" c.json

test_expect_code 0 "gpu-monitor --db ...?password=secret, a server that does not answer" \
  env WS_MONITOR_BUSY_S=0.1 timeout 20 gpu-monitor "${NOGPU[@]}" -i 0.05 -n 2 \
  --db 'postgresql://me@127.0.0.1:1/db?password=secret&connect_timeout=2'
if grep -q "cannot load libpq" err; then test_skip "the rest" "$(cat err)"; exit 0; fi
test_expect_success "... names the URL without the password parameter, and never the password" '
  grep -qF "gpu-monitor: postgresql://me@127.0.0.1:1/db?connect_timeout=2: the database server does not answer" err &&
  ! grep -q secret err'

# one URL per line: given, then shown
while read -r url shown; do
  test_expect_code 2 "suggest --db $url (invalid port): refused" suggest --db "$url" --config c.json --n 1
  test_expect_success "... says so naming $shown, without the password" '
    grep -qF "$shown: cannot connect: invalid port number" err && ! grep -q secret err'
done <<'URLS'
postgresql://me@127.0.0.1:99999/db?password=secret postgresql://me@127.0.0.1:99999/db
postgresql://me@127.0.0.1:99999/db?sslmode=disable&password=secret&application_name=x postgresql://me@127.0.0.1:99999/db?sslmode=disable&application_name=x
postgresql://me:secret@127.0.0.1:99999/db?password=secret2 postgresql://me@127.0.0.1:99999/db
postgresql://127.0.0.1:99999/db?user=me@x&password=secret postgresql://127.0.0.1:99999/db?user=me@x
URLS
test_expect_code 2 "report --db ...?password=secret (invalid port): refused" \
  report --db 'postgresql://me@127.0.0.1:99999/db?password=secret'
test_expect_success "... without the password" '
  grep -qF "postgresql://me@127.0.0.1:99999/db: cannot connect" err && ! grep -q secret err'
