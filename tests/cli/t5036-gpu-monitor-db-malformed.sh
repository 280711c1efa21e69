#!/usr/bin/env bash
# A study file that SQLite reads as damaged ("database disk image is malformed": cut short by a
# copy, a full disk) is bad input to every tool that opens it, exit 2 (ws_sql_fail: SQLITE_CORRUPT
# with NOTADB, READONLY and CANTOPEN), but gpu-monitor --db said only a file that is no database
# at all (NOTADB) was, and exited 3, an internal error, on a damaged one. One reading of SQLite's
# result codes for both now.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 20 >/dev/null
command sqlite3 s.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
head -c 5000 s.db >cut.db
test_expect_code 2 "report on the cut file: exit 2 (the reference)" report --db cut.db
test_expect_success "... malformed, as SQLite says" 'grep -q "database disk image is malformed" err'
test_expect_code 2 "gpu-monitor --db on it: exit 2" gpu-monitor --db cut.db --count 1 --quiet
test_expect_success "... names the file and what is wrong, writes no sample" '
  grep -q "^gpu-monitor: cut.db: .*database disk image is malformed" err && [ ! -s out ]'
head -c 3000 /dev/urandom >noise.db
test_expect_code 2 "gpu-monitor --db on a file that is no SQLite: exit 2, as before" gpu-monitor --db noise.db --count 1 --quiet
