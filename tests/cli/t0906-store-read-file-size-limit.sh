#!/usr/bin/env bash
# A study read under a file size limit (ulimit -f) below the 32 KiB of the -shm file SQLite makes
# to read a WAL study: the reading tools took the -shm that could not be made for an error
# ("s.db: prepare: disk I/O error (File too large)", exit 3), though on a full disk, where SQLite
# cannot make it either, they read the study as it is (t0037). A file size limit is a full disk
# (t0905): report, train-trial --result-of and study-copy's source now read it so too, and
# report(1)'s example `(ulimit -f 1; report --format html >r.html)` says what it could not write:
# its page.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --tag t >/dev/null
tell --db s.db --study kws --trial 0 --state complete --value 0.7 >/dev/null
cp s.db orig.db
limited() { bash -c 'ulimit -f 1 && exec "$@"' limited "$@"; }
# as on a full disk, the -wal and -shm that SQLite made (empty) before it could not go on may be
# left: an empty -wal holds nothing the file lacks
as_it_was() { cmp -s s.db orig.db && [ ! -s s.db-wal ] && [ "$(sqlite3 s.db "PRAGMA integrity_check")" = ok ]; }

test_expect_code 0 "report --best under ulimit -f 1" limited report --db s.db --format json --best
test_expect_success "... the best trial, the study as it was" \
  'jq -e ".trial == 0 and .value == 0.7" out >/dev/null && [ ! -s err ] && as_it_was'
test_expect_code 0 "train-trial --result-of under ulimit -f 1" limited train-trial --db s.db --result-of t
test_expect_success "... its result line, the study as it was" \
  'jq -e ".trial == 0 and .state == \"COMPLETE\" and .value == 0.7" out >/dev/null && as_it_was'
# the page (31 KB) is past the limit: that is what is said
test_expect_code 3 "report --format html >r.html under ulimit -f 1" \
  bash -c 'ulimit -f 1 && exec report --db s.db --format html >r.html'
test_expect_success "... says its output could not be written, the study as it was" \
  'grep -qx "report: stdout: write error: File too large" err && as_it_was'
# study-copy reads its source, and the new file (past 1 KiB at once) is what fails: the message
# says why (SQLite keeps no errno for a failed write: "setting WAL mode: disk I/O error" alone)
test_expect_code 3 "study-copy under ulimit -f 1" limited study-copy --from s.db --to n.db
test_expect_success "... names the destination, no file left, the source as it was" \
  'grep -q "^study-copy: --to n.db: .*File too large" err && ! ls -A | grep -q "^n\.db" && as_it_was'
test_expect_code 0 "without the limit, report reads the study" report --db s.db --format html
test_expect_success "... the same page" 'grep -q "</html>" out'
