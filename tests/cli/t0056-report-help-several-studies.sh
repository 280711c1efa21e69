#!/usr/bin/env bash
# report --help on a repeated --study said "(text, json: a line per study, html: one page)",
# which reads as if text gave a line per study too: text gives each study's report, separated
# by a blank line. Its --help says so, and both formats do what it says.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --study a >/dev/null && suggest --db s.db --config c.json --study b >/dev/null
test_expect_code 0 help report --help
test_expect_success "--help: text, the reports separated by a blank line; json, a line per study" '
  tr -s " \n" "  " <out | grep -q "(text: the reports separated by a blank line, json: a line per study, jsonl: each study.s trial lines in turn, html: one page)"'
test_expect_code 0 text report --db s.db --study a --study b
test_expect_success "... two reports, a blank line between them" '
  [ "$(grep -c "^study [ab] " out)" = 2 ] && [ "$(grep -c "^$" out)" = 1 ] &&
  [ "$(grep -n "^$" out | cut -d: -f1)" -lt "$(grep -n "^study b " out | cut -d: -f1)" ]'
test_expect_code 0 json report --db s.db --study a --study b --format json
test_expect_success "... a line per study" '[ "$(jq -r .study out | tr "\n" " ")" = "a b " ] && [ "$(wc -l <out)" = 2 ]'
