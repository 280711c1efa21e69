#!/usr/bin/env bash
# suggest --enqueue prints its WAITING lines once the sets are committed. When they cannot be
# written (stdout full or closed) it exits 3 with only "stdout: write error": the sets are queued
# all the same, and a script that took exit 3 for "nothing done" and gave FILE again queued every
# set twice. It now says they are queued, naming the trials.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
printf '%s\n' '{"learning_rate": 0.001}' '{"learning_rate": 0.002}' '{"learning_rate": 0.003}' >q.jsonl
head -1 q.jsonl >q1.jsonl
test_expect_code 3 "--enqueue, stdout full" sh -c 'suggest --db s.db --config c.json --enqueue q.jsonl >/dev/full'
test_expect_success "... the three sets queued, said so, naming the trials; then the write error" '
  [ "$(sqlite3 s.db "SELECT count(*) FROM trials WHERE state = '"'WAITING'"'")" = 3 ] &&
  [ "$(sed -n 1p err)" = "suggest: q.jsonl: its 3 sets are queued all the same, as trials 0 to 2: do not give it again" ] &&
  [ "$(sed -n 2p err)" = "suggest: stdout: write error: No space left on device" ] && [ "$(wc -l <err)" = 2 ]'
test_expect_code 3 "--enqueue of one set, stdout closed" sh -c 'suggest --db s.db --config c.json --enqueue q1.jsonl >&-'
test_expect_success "... queued as trial 3, said so" '
  [ "$(sqlite3 s.db "SELECT count(*) FROM trials WHERE state = '"'WAITING'"'")" = 4 ] &&
  grep -qx "suggest: q1.jsonl: its set is queued all the same, as trial 3: do not give it again" err &&
  grep -qx "suggest: stdout: write error: Bad file descriptor" err'
