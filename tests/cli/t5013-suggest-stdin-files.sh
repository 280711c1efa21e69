#!/usr/bin/env bash
# suggest --fixed - and --enqueue - read stdin, as cat and jq take "-": `report --best | suggest
# --fixed -`, `jq -c ... | suggest --enqueue -`. Before, "-" was a file name: "-: cannot read:
# unable to open -" (exit 2). A file so named is ./-.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
echo '{"study":"s1","trial":4,"params":{"learning_rate":0.002,"optimizer":"sgd"}}' >best.json
suggest --db f.db --config c.json --fixed best.json >from-file.json
test_expect_code 0 "--fixed - reads the best trial line from stdin" \
  sh -c 'suggest --db s.db --config c.json --fixed - <best.json'
test_expect_success "... the trial line a --fixed FILE of it gives (same seed)" 'cmp out from-file.json'
printf '%s\n' '{"learning_rate": 0.001}' '{"learning_rate": 0.003, "optimizer": "adam"}' >sets.jsonl
test_expect_code 0 "--enqueue - queues the sets of stdin" sh -c 'suggest --db q.db --config c.json --enqueue - <sets.jsonl'
test_expect_success "... two WAITING trials with those params" '
  [ "$(jq -c "[.trial, .state, .params.learning_rate]" out | tr "\n" " ")" = "[0,\"WAITING\",0.001] [1,\"WAITING\",0.003] " ] &&
  [ "$(sqlite3 q.db "SELECT count(*) FROM trials WHERE state = \"WAITING\"")" = 2 ]'
printf '%s\n' '{"learning_rate": 0.001}' '{"learning_rate": 5}' >bad.jsonl
test_expect_code 2 "--enqueue - with a value outside the space on line 2" \
  sh -c 'suggest --db b.db --config c.json --enqueue - <bad.jsonl'
test_expect_success "... names stdin:2, queues nothing" '
  grep -q "^suggest: stdin:2.learning_rate: 5.0 is outside" err && [ "$(sqlite3 b.db "SELECT count(*) FROM trials")" = 0 ]'
echo '{"learning_rate": "fast"}' >badfix.json
test_expect_code 2 "--fixed - with a bad value" sh -c 'suggest --db b.db --config c.json --fixed - <badfix.json'
test_expect_success "... names stdin" 'grep -q "^suggest: stdin.learning_rate: expected a number" err'
# A closed stdin (<&-) is no empty file: --fixed - said "stdin: cannot read: Bad file descriptor",
# but --enqueue - read stdin only after the study file was open, and SQLite, which keeps its files
# off descriptors 0 to 2, had put /dev/null there: it queued nothing, said nothing, exit 0.
test_expect_code 2 "--enqueue - with stdin closed" sh -c 'suggest --db c.db --config c.json --enqueue - <&-'
test_expect_success "... says stdin cannot be read, queues nothing" '
  grep -q "^suggest: stdin: cannot read: Bad file descriptor" err && [ ! -s out ] &&
  [ "$(sqlite3 c.db "SELECT count(*) FROM trials" 2>/dev/null || echo 0)" = 0 ]'
# An empty --enqueue FILE (report --best | suggest --enqueue - on a study with no best yet) queued
# nothing and said nothing, exit 0: a note now says so (exit 0 still: nothing was wrong with it).
test_expect_code 0 "--enqueue - with empty stdin" sh -c 'suggest --db d.db --config c.json --enqueue - </dev/null'
test_expect_success "... a note says stdin holds no set, nothing queued, no line" '
  grep -q "^suggest: note: stdin holds no parameter set: nothing queued" err && [ ! -s out ] &&
  [ "$(sqlite3 d.db "SELECT count(*) FROM trials")" = 0 ]'
printf '\n\n' >blank.jsonl
test_expect_code 0 "--enqueue FILE of blank lines" suggest --db d.db --config c.json --enqueue blank.jsonl
test_expect_success "... the note names the file" 'grep -q "^suggest: note: blank.jsonl holds no parameter set: nothing queued" err'
