#!/usr/bin/env bash
# share/jq: on a study whose content this test puts in with suggest, prune-check and tell, each
# filter prints exactly that content; input of the wrong kind exits 2 with a message.
. "$WS_ROOT/tests/cli/lib.sh"
J=$WS_ROOT/share/jq
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 8 >lines
# Trials 0-2 COMPLETE (1 the best, 0.9), 3 PRUNED after step 3 at 0.4, 4 and 5 PRUNED after
# step 1 at 0.2 and 0.25, 6 FAIL, 7 left RUNNING. prune-check's answer does not matter here
# (exit 0 or 1): only the values it records.
step() { prune-check --db s.db --study kws --trial "$1" --step "$2" --value "$3" >/dev/null || :; }
finish() { local t=$1; shift; tell --db s.db --study kws --trial "$t" "$@" >"res-$t.json"; }
step 0 1 0.5; step 0 2 0.6; finish 0 --state complete --value 0.7
step 1 1 0.7; step 1 2 0.8; finish 1 --state complete --value 0.9
finish 2 --state complete --value 0.8
step 3 1 0.3; step 3 2 0.35; step 3 3 0.4; finish 3 --state pruned
step 4 1 0.2; finish 4 --state pruned
step 5 1 0.25; finish 5 --state pruned
finish 6 --state fail --reason "loss is NaN"
report --db s.db --format json >r.json
report --db s.db --format jsonl >r.jsonl

test_expect_success "each filter opens with the command that calls it" '
  for f in best-params trials-per-state pruned-steps; do head -1 "$J/$f.jq" | grep -q "^# .*jq .*-f share/jq/$f.jq" || exit 1; done'

test_expect_code 0 "best-params" jq -c -f "$J/best-params.jq" r.json
test_expect_success "... is trial 1, 0.9, with the params suggest gave it" '
  [ "$(jq -cS . out)" = "$(jq -cS "select(.trial == 1) | {trial, value: 0.9, params}" lines)" ]'

test_expect_code 0 "trials-per-state on the report" jq -c -f "$J/trials-per-state.jq" r.json
test_expect_success "... 1 running, 3 complete, 3 pruned, 1 failed" '
  [ "$(cat out)" = "{\"RUNNING\":1,\"COMPLETE\":3,\"PRUNED\":3,\"FAIL\":1,\"WAITING\":0}" ]'
test_expect_code 0 "trials-per-state on report jsonl, slurped" jq -s -c -f "$J/trials-per-state.jq" r.jsonl
test_expect_success "... the same counts" '
  [ "$(cat out)" = "{\"RUNNING\":1,\"COMPLETE\":3,\"PRUNED\":3,\"FAIL\":1,\"WAITING\":0}" ]'
test_expect_code 0 "trials-per-state on tell's result lines, slurped" jq -s -c -f "$J/trials-per-state.jq" res-0.json res-1.json res-2.json res-3.json res-4.json res-5.json res-6.json
test_expect_success "... counts the finished trials (the running one has no result line)" '
  [ "$(cat out)" = "{\"RUNNING\":0,\"COMPLETE\":3,\"PRUNED\":3,\"FAIL\":1,\"WAITING\":0}" ]'

test_expect_code 0 "pruned-steps" jq -c -f "$J/pruned-steps.jq" r.json
test_expect_success "... each pruned trial at its last step and value, and a count per step" '
  [ "$(cat out)" = "{\"per_step\":{\"1\":2,\"3\":1},\"trials\":[{\"trial\":3,\"step\":3,\"value\":0.4},{\"trial\":4,\"step\":1,\"value\":0.2},{\"trial\":5,\"step\":1,\"value\":0.25}]}" ]'
test_expect_code 0 "pruned-steps on report jsonl, slurped" jq -s -c -f "$J/pruned-steps.jq" r.jsonl
test_expect_success "... the same" '[ "$(jq -r ".trials | map(\"\(.trial)@\(.step)\") | join(\" \")" out)" = "3@3 4@1 5@1" ]'

test_expect_code 2 "pruned-steps on result lines, which have no intermediate values" jq -s -f "$J/pruned-steps.jq" res-3.json
test_expect_success "... says what is missing" 'grep -q "trial 3: no .intermediate_values" err'
report --db s.db --best >best.json
test_expect_code 2 "best-params on a --best line, not a report" jq -f "$J/best-params.jq" best.json
test_expect_success "... says what it expected" 'grep -q "expected the output of bin/report --format json" err'
test_expect_code 2 "trials-per-state on trial lines, which have no state" jq -s -f "$J/trials-per-state.jq" lines
test_expect_success "... names the trial" 'grep -q "trial 0: no .state" err'
suggest --db e.db --config c.json >/dev/null
report --db e.db --format json >e.json
test_expect_code 1 "best-params with no completed trial exits 1, as report --best" jq -f "$J/best-params.jq" e.json
test_expect_success "... and says so" 'grep -q "study .kws.: no best trial (none completed, or none is feasible)" err'
