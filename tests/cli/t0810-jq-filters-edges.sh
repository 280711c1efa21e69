#!/usr/bin/env bash
# share/jq at the edges t0802 does not reach: a study with no trial (made by Optuna), one whose
# trials were all pruned (one before it reported anything, one whose last value was NaN, one at
# +inf, steps reported out of order), and a constrained study whose best complete trial is
# infeasible, with a failed trial (value null). Each filter prints what this test put in, or
# exits as its header says; none errors.
. "$WS_ROOT/tests/cli/lib.sh"
J=$WS_ROOT/share/jq
cp "$WS_ROOT/tests/cli/study.json" c.json
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
"$PY" -W ignore -c '
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
optuna.create_study(study_name="kws", storage="sqlite:///empty.db", direction="maximize")'
report --db empty.db --format json >e.json
report --db empty.db --format jsonl >e.jsonl
zero='{"RUNNING":0,"COMPLETE":0,"PRUNED":0,"FAIL":0,"WAITING":0}'
test_expect_code 0 "no trials: trials-per-state" jq -c -f "$J/trials-per-state.jq" e.json
test_expect_success "... all five states at 0" '[ "$(cat out)" = "$zero" ]'
test_expect_code 0 "... on the (empty) jsonl slurped" jq -s -c -f "$J/trials-per-state.jq" e.jsonl
test_expect_success "... the same" '[ "$(cat out)" = "$zero" ]'
test_expect_code 0 "no trials: pruned-steps" jq -c -f "$J/pruned-steps.jq" e.json
test_expect_success "... nothing pruned" '[ "$(cat out)" = "{\"per_step\":{},\"trials\":[]}" ]'
test_expect_code 1 "no trials: best-params exits 1" jq -c -f "$J/best-params.jq" e.json
test_expect_success "... saying why" 'grep -q "study .kws.: no best trial" err && [ ! -s out ]'

suggest --db p.db --config c.json --n 5 >/dev/null
step() { prune-check --db p.db --study kws --trial "$1" --step "$2" --value "$3" >/dev/null || :; }
tell --db p.db --study kws --trial 0 --state pruned >/dev/null                       # before any step
step 1 1 0.3; step 1 2 nan; tell --db p.db --study kws --trial 1 --state pruned >/dev/null
step 2 1 0.3; step 2 2 inf; tell --db p.db --study kws --trial 2 --state pruned >/dev/null
step 3 2 0.1; step 3 1 0.5; tell --db p.db --study kws --trial 3 --state pruned >/dev/null
step 4 1 0.25; tell --db p.db --study kws --trial 4 --state pruned >/dev/null
report --db p.db --format json >p.json
report --db p.db --format jsonl >p.jsonl
test_expect_code 0 "all pruned: trials-per-state" jq -c -f "$J/trials-per-state.jq" p.json
test_expect_success "... 5 pruned" '[ "$(cat out)" = "{\"RUNNING\":0,\"COMPLETE\":0,\"PRUNED\":5,\"FAIL\":0,\"WAITING\":0}" ]'
# +inf as the report writes it (the largest double: JSON has no infinity); NaN as null
want_p='{"per_step":{"null":1,"1":1,"2":3},"trials":[{"trial":0,"step":null,"value":null},{"trial":1,"step":2,"value":null},{"trial":2,"step":2,"value":1.7976931348623157e+308},{"trial":3,"step":2,"value":0.1},{"trial":4,"step":1,"value":0.25}]}'
test_expect_code 0 "all pruned: pruned-steps" jq -c -f "$J/pruned-steps.jq" p.json
test_expect_success "... each at its last (highest) step, null before any" '[ "$(cat out)" = "$want_p" ]'
test_expect_code 0 "... on the jsonl slurped" jq -s -c -f "$J/pruned-steps.jq" p.jsonl
test_expect_success "... the same" '[ "$(cat out)" = "$want_p" ]'
test_expect_code 1 "all pruned: best-params exits 1" jq -c -f "$J/best-params.jq" p.json

# Constraints: fpr <= 0.2 (tell --constraint: feasible when <= 0). Trial 3 has the best value but
# no constraint values (infeasible), 0 violates, 1 is feasible; 2 failed.
jq '.constraints = {"fpr": {"max": 0.2}}' c.json >cc.json
suggest --db k.db --config cc.json --n 4 >k.lines
tell --db k.db --study kws --trial 0 --state complete --value 0.9 --constraint 0.5 >k-0.json
tell --db k.db --study kws --trial 1 --state complete --value 0.5 --constraint -0.1 >k-1.json
tell --db k.db --study kws --trial 2 --state fail --reason "loss is NaN" >k-2.json
tell --db k.db --study kws --trial 3 --state complete --value 0.95 >k-3.json
report --db k.db --format json >k.json
test_expect_code 0 "constraints: best-params" jq -c -f "$J/best-params.jq" k.json
test_expect_success "... the feasible trial 1, with the params suggest gave it" '
  [ "$(jq -cS . out)" = "$(jq -cS "select(.trial == 1) | {trial, value: 0.5, params}" k.lines)" ]'
test_expect_code 0 "constraints: trials-per-state on the result lines (the failed one's value null)" \
  jq -s -c -f "$J/trials-per-state.jq" k-0.json k-1.json k-2.json k-3.json
test_expect_success "... 3 complete, 1 failed" '[ "$(cat out)" = "{\"RUNNING\":0,\"COMPLETE\":3,\"PRUNED\":0,\"FAIL\":1,\"WAITING\":0}" ] &&
  [ "$(jq -c .value k-2.json)" = null ]'
suggest --db k2.db --config cc.json --n 2 >/dev/null
tell --db k2.db --study kws --trial 0 --state complete --value 0.9 --constraint 1 >/dev/null
tell --db k2.db --study kws --trial 1 --state fail >/dev/null
report --db k2.db --format json >k2.json
test_expect_code 1 "constraints, none feasible: best-params exits 1, as report --best" jq -c -f "$J/best-params.jq" k2.json
test_expect_code 1 "... (report --best)" report --db k2.db --best
