#!/usr/bin/env bash
# A trial line past the file size limit (ulimit -f) of the file suggest appends to: the write
# raised SIGXFSZ, which killed suggest (exit 153) with its trial RUNNING, though no one got its
# line, until the heartbeat grace had passed; a full disk's or a closed pipe's write error fails
# the trial and queues it again at once (exit 3), as suggest(1) says. SIGXFSZ is ignored now,
# as SIGPIPE is: the write fails with EFBIG, and is handled as theirs are.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 0
# trials.jsonl at the limit (2000 KiB, which leaves room for the study file's writes)
head -c $((2000 * 1024 - 1)) /dev/zero | tr '\0' x >trials.jsonl
echo >>trials.jsonl
test_expect_code 3 "suggest into a file at its ulimit -f" \
  sh -c 'ulimit -f 2000; suggest --db s.db --config c.json >>trials.jsonl'
test_expect_success "... says so; trial 0 failed and queued again as trial 1" '
  grep -q "^suggest: trial 0: its line could not be written; marked FAIL and queued again" err &&
  grep -q "File too large" err &&
  [ "$(sqlite3 s.db "SELECT number, state FROM trials ORDER BY number" | tr "\n" " ")" = "0|FAIL 1|WAITING " ] &&
  [ "$(sqlite3 s.db "PRAGMA integrity_check")" = ok ]'
