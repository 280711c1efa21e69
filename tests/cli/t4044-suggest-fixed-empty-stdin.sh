#!/usr/bin/env bash
# `report --best | suggest --fixed -` on a study with no best trial yet: report prints nothing
# (exit 1), and suggest said the JSON parser's "stdin:1:0: '[' or '{' expected near end of
# file", which read as a broken line rather than none. An empty --fixed (stdin or a file, such
# as report --best >best.json saved then), and one of white space alone, now says so and what
# was expected, exit 2, nothing made; so does an empty --config.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 1 >/dev/null
test_expect_code 1 "report --best of a study with no best: nothing printed" report --db s.db --best
cp out best.out
test_expect_code 2 "... that output as suggest --fixed -" suggest --db s.db --config c.json --fixed - <best.out
test_expect_success "... says stdin was empty and what it expected" '
  cat err >&2; [ "$(cat err)" = "suggest: stdin: empty: expected a JSON object" ] && [ ! -s out ]'
test_expect_success "... and made no trial" '[ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 1 ]'
printf ' \n\t\n' >blank
test_expect_code 2 "--fixed - of white space alone" suggest --db s.db --config c.json --fixed - <blank
test_expect_success "... says so" '[ "$(cat err)" = "suggest: stdin: only white space: expected a JSON object" ]'
: >empty.json
test_expect_code 2 "--fixed FILE, an empty file" suggest --db s.db --config c.json --fixed empty.json
test_expect_success "... says the file is empty" '[ "$(cat err)" = "suggest: empty.json: empty: expected a JSON object" ]'
test_expect_code 2 "--config FILE, an empty file" suggest --db s.db --config empty.json
test_expect_success "... says the file is empty" '[ "$(cat err)" = "suggest: empty.json: empty: expected a JSON object" ]'
echo '{"lr": ' >cut
test_expect_code 2 "--fixed - of a line cut short" suggest --db s.db --config c.json --fixed - <cut
test_expect_success "... still gets the parser's position, not empty" 'grep -q "^suggest: stdin:[0-9]*:[0-9]*: " err && ! grep -q empty err'
