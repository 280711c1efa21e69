#!/usr/bin/env bash
# prune-check's reasons (printed at every call, kept as a pruned trial's reason) say a count of
# one in the singular: "1 completed trial", "1 step", not "1 completed trials", "1 steps".
# The decisions themselves are t0004's and t0015's (against Optuna); here only the words.
. "$WS_ROOT/tests/cli/lib.sh"
pc() { prune-check --db "$1" --study kws --trial "$2" --step "$3" --value "$4"; }
reason() { jq -r .reason out; }

# median, n_startup_trials 1, n_warmup_steps 0: one completed trial to compare with
jq '.pruner = {"name": "median", "n_startup_trials": 1, "n_warmup_steps": 0}' "$WS_ROOT/tests/cli/study.json" >med.json
suggest --db med.db --config med.json --n 2 >/dev/null
pc med.db 0 0 0.5 >/dev/null; tell --db med.db --study kws --trial 0 --state complete --value 0.5 >/dev/null
test_expect_code 1 "median: a trial above the one completed trial is kept" pc med.db 1 0 0.9
test_expect_success "... 'of 1 completed trial'" '[ "$(reason)" = "best 0.9 within the 50% percentile 0.5 of 1 completed trial at step 0" ]'
test_expect_code 1 "median: a step the completed trial never reported" pc med.db 1 1 0.9
test_expect_success "... '0 completed trials reported step 1'" '[ "$(reason)" = "0 completed trials reported step 1 (need 1)" ]'

# patient, patience 0: a window of one step
jq '.pruner = {"name": "patient", "patience": 0}' "$WS_ROOT/tests/cli/study.json" >p0.json
suggest --db p0.db --config p0.json --n 2 >/dev/null
test_expect_code 1 "patient 0: one step reported, kept" pc p0.db 0 0 0.5
test_expect_success "... '1 step reported, need more than 1'" '[ "$(reason)" = "patience: 1 step reported, need more than 1" ]'
test_expect_code 1 "patient 0: a better step, kept" pc p0.db 0 1 0.6
test_expect_success "... 'the last 1 step'" '[ "$(reason)" = "improving: best of the last 1 step 0.6 vs 0.5 before" ]'
pc p0.db 1 0 0.5 >/dev/null
test_expect_code 1 "patient 0: a NaN step, kept" pc p0.db 1 1 nan
test_expect_success "... 'the last 1 step reported only NaN'" '[ "$(reason)" = "no verdict: the last 1 step reported only NaN" ]'

# patient, patience 1: pruned after a step that did not improve
jq '.pruner = {"name": "patient", "patience": 1}' "$WS_ROOT/tests/cli/study.json" >p1.json
suggest --db p1.db --config p1.json >/dev/null
pc p1.db 0 0 0.5 >/dev/null; pc p1.db 0 1 0.4 >/dev/null
test_expect_code 0 "patient 1: no improvement, pruned" pc p1.db 0 2 0.4
test_expect_success "... 'over 1 step'" '[ "$(reason)" = "no improvement over 1 step (best 0.4 vs 0.5 before)" ]'

# successive halving, bootstrap_count 1: the first trial at rung 0 is alone there
jq '.pruner = {"name": "successive_halving", "min_resource": 1, "reduction_factor": 2, "bootstrap_count": 1}' \
  "$WS_ROOT/tests/cli/study.json" >sh.json
suggest --db sh.db --config sh.json >/dev/null
test_expect_code 0 "successive halving: alone at rung 0 with bootstrap_count 1, pruned" pc sh.db 0 1 0.5
test_expect_success "... '1 trial so far'" '[ "$(reason)" = "rung 0: 1 trial so far, not more than bootstrap_count 1" ]'
