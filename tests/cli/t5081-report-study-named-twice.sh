#!/usr/bin/env bash
# report --study a --study a printed study a twice (text: the report twice, jsonl: every trial's
# line twice), and with --best or --format csv refused it as "several --study". A study named
# again is shown once, where first named, as a list of names reads. The reference is suggest's
# own lines (the trials each study holds) and the one-study report.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
two_report_studies

test_expect_code 0 "--study kws --study kws --format jsonl" report --db s.db --study kws --study kws --format jsonl
test_expect_success "... kws's two trials once each, as suggest made them" '
  [ "$(jq -c "[.study, .trial]" out | sort)" = "$(jq -c "[.study, .trial]" lines.a | sort)" ]'
report --db s.db --study kws >one.txt
test_expect_code 0 "--study kws --study kws, text" report --db s.db --study kws --study kws
test_expect_success "... the one study's report, once" 'cmp out one.txt'
test_expect_code 0 "--study kws --study other --study kws --format jsonl" \
  report --db s.db --study kws --study other --study kws --format jsonl
test_expect_success "... kws then other, each once (kws where first named)" '
  [ "$(jq -r .study out | uniq | tr "\n" " ")" = "kws other " ] &&
  [ "$(wc -l <out)" = "$(cat lines.a lines.b | wc -l)" ]'
test_expect_code 0 "--study kws --study kws --best: one study, not refused as several" \
  report --db s.db --study kws --study kws --best
test_expect_success "... kws's best, trial 1" 'jq -e ".study == \"kws\" and .trial == 1" out >/dev/null'
test_expect_code 0 "--study kws --study kws --format csv: one study" report --db s.db --study kws --study kws --format csv
test_expect_success "... the one study's csv" 'report --db s.db --study kws --format csv >one.csv && cmp out one.csv'
test_expect_code 2 "--study kws --study other --format csv: still two studies, refused" \
  report --db s.db --study kws --study other --format csv
