#!/usr/bin/env bash
# report --format jsonl: each trial's line names its study, as suggest's trial line, train-trial's
# and tell's result lines do. It had no "study": lines of two studies (or two report runs) could
# not be told apart through jq, and for that reason several --study were refused with jsonl
# ("only with --format text, json or html"). Now "study" comes first, the json form's trial
# object after it, and several --study give each study's lines in turn. The reference is what
# suggest printed for each trial (its line's study and trial), not report itself.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
two_report_studies
jq -c '[.study, .trial]' lines.a lines.b | sort >want.all   # what suggest said: study and trial
grep -c . want.all >n.all

test_expect_code 0 "report --study kws --format jsonl" report --db s.db --study kws --format jsonl
cp out one.kws
test_expect_success "... every line names study kws, first, and the trials are suggest's" '
  [ "$(wc -l <one.kws)" = 2 ] && [ "$(jq -r "keys_unsorted[0]" one.kws | sort -u)" = study ] &&
  [ "$(jq -c "[.study, .trial]" one.kws | sort)" = "$(grep kws want.all)" ]'
test_expect_success "... the same study as --best and the json form name (the trial objects otherwise as in json)" '
  [ "$(head -1 one.kws | jq -r .study)" = "$(report --db s.db --study kws --best | jq -r .study)" ] &&
  report --db s.db --study kws --format json >json.kws &&
  [ "$(jq -c ".trials[]" json.kws)" = "$(jq -c "del(.study)" one.kws)" ] &&
  [ "$(jq -r .study json.kws)" = kws ]'

test_expect_code 0 "several --study with --format jsonl: taken (was a usage error)" \
  report --db s.db --study kws --study other --format jsonl
test_expect_success "... the lines of kws, then of other, each naming its study; the trials suggest made" '
  [ "$(jq -r .study out | uniq | tr "\n" " ")" = "kws other " ] &&
  [ "$(jq -c "[.study, .trial]" out | sort)" = "$(cat want.all)" ] &&
  [ "$(grep -c . out)" = "$(cat n.all)" ]'
test_expect_success "... the lines of each study as report gives them for that study alone" '
  [ "$(head -2 out)" = "$(cat one.kws)" ] &&
  [ "$(tail -1 out)" = "$(report --db s.db --study other --format jsonl)" ]'

# the documented composition (suggest(1)'s hint: --format jsonl every trial's params): the extra
# "study" is passed over, the set queued in the study --config names
test_expect_code 0 "report --format jsonl | suggest --enqueue - still queues the params" \
  sh -c 'report --db s.db --study kws --format jsonl | jq -c "select(.state == \"COMPLETE\")" |
         suggest --db s.db --config a.json --enqueue -'
test_expect_success "... one WAITING trial of kws with trial 1's params" '
  [ "$(jq -c "[.study, .state, .params]" out)" = "$(jq -c "[\"kws\", \"WAITING\", .params]" <(sed -n 2p lines.a))" ]'

test_expect_success "report(1) and --help say so" '
  tr "\n" " " <"$WS_ROOT/share/man/man1/report.1" | sed "s/\\\\f[BIR]//g; s/\\\\-/-/g" >page &&
  grep -qF "json, jsonl or html), the studies one after the other" page &&
  grep -qF "each study'"'"'s trial lines in turn (each naming its study)" page &&
  grep -qF "with the trial'"'"'s study first, as in every tool'"'"'s JSON lines" page &&
  grep -qF "): study, trial, state, value, params" page &&
  report --help >help && grep -qF "jsonl: each" help && grep -qF "its \"study\" first" help'
