#!/usr/bin/env bash
# gpu-monitor --db postgresql://... whose server does not answer (down, restarting, a node cut
# off): sampling goes on, as for a SQLite file whose lock another process holds (t4010): each
# sample's line is printed, and a sample not stored once it has waited WS_MONITOR_BUSY_S is
# said, with the URL (its password left out) and why; the count at the end; exit 0. Not the
# WS_DB_RETRY_S the study tools wait for a server: the monitor tries again at the next sample.
# A URL no wait mends (a port libpq cannot use) is refused at once, exit 2, nothing sampled.
# gpu-monitor refused every PostgreSQL URL (exit 2: "keeps its samples in SQLite study files
# only"). No server is needed: port 1 of this host answers no PostgreSQL.
. "$WS_ROOT/tests/cli/lib.sh"
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
url='postgresql://me:secret@127.0.0.1:1/db'
shown='postgresql://me@127.0.0.1:1/db'
t0=$SECONDS
test_expect_code 0 "gpu-monitor --db a server that does not answer: samples on, exit 0" \
  env WS_DB_RETRY_S=30 WS_MONITOR_BUSY_S=0.1 timeout 20 gpu-monitor "${NOGPU[@]}" -i 0.05 -n 4 --db "$url"
if grep -q "cannot load libpq" err; then test_skip "the rest" "$(cat err)"; exit 0; fi
test_expect_success "... without waiting WS_DB_RETRY_S" '[ $((SECONDS - t0)) -lt 10 ]'
test_expect_success "... its 4 lines printed" '[ "$(jq -s length out)" = 4 ]'
test_expect_success "... says the server does not answer, naming the URL without its password" '
  grep -qF "gpu-monitor: $shown: the database server does not answer" err && ! grep -q secret err'
test_expect_success "... each sample said not stored, and the count" '
  [ "$(grep -c "^gpu-monitor: $shown: sample of .* not stored: the database server does not answer" err)" = 4 ] &&
  grep -qxF "gpu-monitor: $shown: 4 of 4 samples not stored (the database server did not answer; each is named above)" err'
test_expect_code 2 "gpu-monitor --db a URL with port 99999: refused at once" \
  timeout 20 gpu-monitor "${NOGPU[@]}" -n 1 --db 'postgresql://me:secret@127.0.0.1:99999/db'
test_expect_success "... says why, nothing sampled" '
  grep -qF "gpu-monitor: postgresql://me@127.0.0.1:99999/db: cannot connect: invalid port number" err && [ ! -s out ]'
