#!/usr/bin/env bash
# A new study file opened by several processes at once, as the first trials of a make -j2 sweep
# and their gpu-monitor open it: switching the new file to WAL, two of them could deadlock on its
# locks, and SQLite answered one "database is locked" at once, without waiting (the trial command
# failed; about 1 round in 40 here). ROUNDS rounds of two suggests and a gpu-monitor on a new
# file: every one of them succeeds, and the file ends in WAL mode with one study.
. "$WS_ROOT/tests/cli/lib.sh"
ROUNDS=${ROUNDS:-300}
cp "$WS_ROOT/tests/cli/study.json" c.json
failed=0
# A new file each round, n$i.db, removed 50 rounds at a time: an rm a round was a quarter of the
# file's processes (a fork and exec cost about what a suggest on a new file does here).
for ((i = 0; i < ROUNDS; i++)); do
  ((i % 50)) || rm -f n[0-9]*.db n[0-9]*.db-wal n[0-9]*.db-shm
  db=n$i.db
  suggest --db $db --config c.json --n 0 >/dev/null 2>e1 & a=$!
  suggest --db $db --config c.json --n 0 >/dev/null 2>e2 & b=$!
  gpu-monitor --db $db --fallback cpu --count 1 --interval 0.02 --quiet >/dev/null 2>e3 & m=$!
  for p in $a $b $m; do wait $p || { failed=$((failed + 1)); cat e1 e2 e3 >>all.err; }; done
done
test_expect_success "$ROUNDS rounds of two suggests and a gpu-monitor on a new file: none failed" '
  [ "$failed" = 0 ] || { echo "$failed failed: $(sort all.err | uniq -c | head -3)" >&2; false; }'
test_expect_success "... the last file: WAL mode, one study, integrity ok" '
  [ "$(sqlite3 $db "PRAGMA journal_mode")" = wal ] && [ "$(sqlite3 $db "SELECT count(*) FROM studies")" = 1 ] &&
  [ "$(sqlite3 $db "PRAGMA integrity_check")" = ok ]'
