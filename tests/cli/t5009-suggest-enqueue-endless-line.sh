#!/usr/bin/env bash
# suggest --enqueue read each line whole with getline, however long: /dev/zero (no newline ever)
# or a stream of text without a newline (`yes x | tr -d '\n'`) was read for ever, its memory
# growing until the machine ran out. A line ends at its first NUL byte (the text after it would go
# unread: refused, as a NUL inside a line is) or at 1 MiB, train-trial's limit on the trial line
# that a queued set becomes: exit 2 naming the file and line, nothing queued.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
printf '{"learning_rate": 0.001}\n' >ok.jsonl
suggest --db s.db --config c.json --enqueue ok.jsonl >/dev/null 2>&1
# the limit bounds memory too: without it getline would reach the ulimit (or run for ever). Where
# no ulimit -v can be set (AddressSanitizer could not start under one: exit 134) the timeout bounds
# such a run.
limit=""
can_limit_address_space "a 1 GB address-space limit on suggest" suggest && limit="ulimit -v 1000000;"
test_expect_code 2 "--enqueue /dev/zero" bash -c "$limit"' exec timeout 20 suggest --db s.db --config c.json --enqueue /dev/zero'
test_expect_success "... names the file and line: a NUL byte; nothing queued" '
  grep -qx "suggest: /dev/zero:1: a NUL byte: expected a JSON object of parameters" err &&
  [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 1 ]'
test_expect_code 2 "--enqueue from a stream with no newline" bash -c "$limit"' (printf "{\"learning_rate\": 0.002}\n"; yes x | tr -d "\n") | exec timeout 20 suggest --db s.db --config c.json --enqueue /dev/stdin'
test_expect_success "... names line 2 and the limit; nothing queued" '
  grep -qx "suggest: /dev/stdin:2: more than 1048576 bytes: expected a JSON object of parameters" err &&
  [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 1 ]'
# a line just under the limit is read as before (here: bad JSON, said as such, not "more than")
{ printf '{"learning_rate": 0.001, "x": "'; head -c 1048000 /dev/zero | tr '\0' a; printf '"}\n'; } >long.jsonl
test_expect_code 0 "a line of 1 MiB less a little is queued" suggest --db s.db --config c.json --enqueue long.jsonl
test_expect_success "... as one WAITING trial" '[ "$(sqlite3 s.db "SELECT count(*) FROM trials WHERE state = '"'WAITING'"'")" = 2 ]'
# 1 MiB exactly, its newline not counted, is still a line (the limit is on the text)
{ printf '{"learning_rate": 0.002, "x": "'; head -c $((1048576 - 33)) /dev/zero | tr '\0' a; printf '"}\n'; } >max.jsonl
test_expect_code 0 "a line of 1048576 bytes and its newline is queued" suggest --db s.db --config c.json --enqueue max.jsonl
test_expect_success "... (1048576 bytes before the newline)" '[ "$(head -1 max.jsonl | tr -d "\n" | wc -c)" = 1048576 ]'
