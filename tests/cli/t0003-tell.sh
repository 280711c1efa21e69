#!/usr/bin/env bash
# tell: finishes trials as Optuna's tell does, and never changes a finished trial.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 6 >lines
test_expect_code 0 "complete with a value" tell --db s.db --study kws --trial 0 --state complete --value 0.93
test_expect_success "result line says COMPLETE 0.93" '[ "$(jq -c "[.trial,.state,.value]" out)" = "[0,\"COMPLETE\",0.93]" ]'
test_expect_success "stored as Optuna stores values" '[ "$(sqlite3 s.db "SELECT value, value_type FROM trial_values v JOIN trials t USING(trial_id) WHERE t.number=0")" = "0.93|FINITE" ]'
test_expect_code 2 "telling a finished trial again fails" tell --db s.db --study kws --trial 0 --state fail
test_expect_success "... says why" 'grep -q "trial 0: already COMPLETE, nothing changed" err'
test_expect_success "... and changed nothing" '[ "$(sqlite3 s.db "SELECT state FROM trials WHERE number=0")" = COMPLETE ]'
prune-check --db s.db --study kws --trial 1 --step 0 --value 0.4 >/dev/null
prune-check --db s.db --study kws --trial 1 --step 1 --value 0.55 >/dev/null
test_expect_code 0 "pruned without a value" tell --db s.db --study kws --trial 1 --state pruned --reason "median pruner"
test_expect_success "takes the last intermediate value" '[ "$(jq -c "[.state,.value,.reason]" out)" = "[\"PRUNED\",0.55,\"median pruner\"]" ]'
prune-check --db s.db --study kws --trial 5 --step 0 --value 0.4 >/dev/null
test_expect_code 0 "pruned with a NaN value (after a reported one)" tell --db s.db --study kws --trial 5 --state pruned --value nan
test_expect_success "... keeps no value, not even the last reported (Optuna has no NaN trial value), saying so" '
  [ "$(jq -c "[.state,.value]" out)" = "[\"PRUNED\",null]" ] && grep -q "keeps no value" err &&
  [ "$(sqlite3 s.db "SELECT count(*) FROM trial_values v JOIN trials t USING(trial_id) WHERE t.number=5")" = 0 ]'
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
test_expect_success "... and Optuna still reads the study" '"$PY" -W ignore -c "
import optuna
t = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///s.db\").trials[5]
assert t.state.name == \"PRUNED\" and t.value is None, t"'
test_expect_code 0 "fail with a reason" tell --db s.db --study kws --trial 2 --state fail --reason "loss is NaN"
test_expect_success "reason kept as a system attribute" '[ "$(sqlite3 s.db "SELECT value_json FROM trial_system_attributes a JOIN trials t USING(trial_id) WHERE t.number=2 AND key=\"wakesweep:reason\"")" = "\"loss is NaN\"" ]'
test_expect_code 0 "complete with a NaN value" tell --db s.db --study kws --trial 3 --state complete --value nan
test_expect_success "... becomes FAIL, as in Optuna" '[ "$(jq -r .state out)" = FAIL ] && grep -q "NaN" err'
test_expect_code 0 "complete with constraints" tell --db s.db --study kws --trial 4 --state complete --value inf --constraint 0.01 --constraint -0.5
test_expect_success "infinite value stored as INF_POS" '[ "$(sqlite3 s.db "SELECT value_type FROM trial_values v JOIN trials t USING(trial_id) WHERE t.number=4")" = INF_POS ]'
test_expect_success "constraints stored where Optuna keeps them" '[ "$(sqlite3 s.db "SELECT value_json FROM trial_system_attributes a JOIN trials t USING(trial_id) WHERE t.number=4 AND key=\"constraints\"")" = "[0.01, -0.5]" ]'
test_expect_success "datetime_complete set on every finished trial" '[ "$(sqlite3 s.db "SELECT count(*) FROM trials WHERE datetime_complete IS NOT NULL")" = 6 ]'
# Constraints as Optuna judges them: inf is infeasible (kept as the largest double, since strict
# JSON has no infinity), NaN is refused; the best trial is the best feasible one, and with none
# feasible there is no best.
suggest --db k.db --config c.json --n 3 >/dev/null
test_expect_code 0 "--constraint inf" tell --db k.db --study kws --trial 0 --state complete --value 0.9 --constraint inf
test_expect_code 2 "--constraint nan is refused" tell --db k.db --study kws --trial 1 --state complete --value 0.95 --constraint nan
test_expect_success "... saying why, and the trial stays RUNNING" '
  grep -q "NaN is not a constraint value" err && [ "$(report --db k.db --format jsonl | jq -r "select(.trial == 1) | .state")" = RUNNING ]'
test_expect_code 1 "--best with no feasible trial exits 1" report --db k.db --best
test_expect_success "... and the text report says there is none" 'report --db k.db | grep -q "^best: none: no complete trial is feasible"'
test_expect_code 0 "a feasible trial after it" tell --db k.db --study kws --trial 2 --state complete --value 0.1 --constraint 0
test_expect_success "--best is the feasible one, not the infeasible 0.9" '[ "$(report --db k.db --best | jq .trial)" = 2 ]'
test_expect_success "Optuna reads the inf constraint as infeasible" '"$PY" -W ignore -c "
import optuna
t = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///k.db\").trials[0]
assert t.system_attrs[\"constraints\"][0] > 0, t.system_attrs"'
# A trial that ends FAIL keeps no constraint values: Optuna computes them only for COMPLETE and
# PRUNED trials. Kept, they once made a study without constraints read as constrained, and
# report --best found its complete trial infeasible.
suggest --db fc.db --config c.json --n 2 >/dev/null
tell --db fc.db --study kws --trial 0 --state complete --value 0.5 >/dev/null
test_expect_code 0 "a NaN value with --constraint ends FAIL" tell --db fc.db --study kws --trial 1 --state complete --value nan --constraint 1
test_expect_success "... keeping no constraints, as Optuna's tell of a FAIL trial" '
  grep -q "keeps no constraint values" err && "$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(sampler=optuna.samplers.TPESampler(constraints_func=lambda t: [1.0]))
s.tell(s.ask(), state=optuna.trial.TrialState.FAIL)
want = \"constraints\" in s.trials[0].system_attrs
got = \"constraints\" in optuna.load_study(study_name=\"kws\", storage=\"sqlite:///fc.db\").trials[1].system_attrs
assert want is False and got is want, (want, got)
"'
test_expect_success "... and --best is the complete trial" '[ "$(report --db fc.db --best | jq .trial)" = 0 ]'
# An infinite value in the printed lines: JSON has no infinity, and null is "no value" (what a
# NaN leaves), so tell, prune-check and train-trial --result-of print +-inf as report does, as
# the largest double (Python's sys.float_info.max), telling a COMPLETE inf apart from none.
max=$("$PY" -c 'import sys; print(repr(sys.float_info.max))')
suggest --db inf.db --config c.json --n 2 --tag t-inf >/dev/null
test_expect_code 1 "prune-check --value inf" prune-check --db inf.db --study kws --trial 0 --step 1 --value inf
test_expect_success "... prints the value kept as the largest double, not null" '[ "$(jq -r .value out)" = "$max" ]'
test_expect_code 0 "tell --value -inf" tell --db inf.db --study kws --trial 0 --state complete --value -inf
test_expect_success "... prints -(largest double), not null" '[ "$(jq -r .value out)" = "-$max" ] &&
  [ "$(report --db inf.db --format jsonl | jq -r "select(.trial == 0) | .value")" = "-$max" ]'
test_expect_code 0 "train-trial --result-of a trial told -inf" train-trial --db inf.db --result-of t-inf
test_expect_success "... the same value" '[ "$(jq -r .value out)" = "-$max" ]'

# A WAITING (enqueued) trial is not finished, nor begun: tell refuses it as Optuna's tell does
# ("Cannot tell a WAITING trial"), saying so, not "already WAITING".
echo '{"learning_rate": 0.001}' >q.jsonl
suggest --db w.db --config c.json --enqueue q.jsonl >/dev/null
test_expect_success "Optuna's tell refuses a WAITING trial" '"$PY" -W ignore -c "
import optuna, shutil
shutil.copy(\"w.db\", \"wo.db\")
s = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///wo.db\")
try: s.tell(0, 1.0)
except ValueError as e: assert \"WAITING\" in str(e), e
else: raise SystemExit(\"told\")"'
test_expect_code 2 "tell refuses a WAITING trial" tell --db w.db --study kws --trial 0 --state complete --value 1
test_expect_success "... saying it is WAITING, not RUNNING (not 'already')" '
  grep -q "trial 0: WAITING (queued, not yet handed out by suggest), not RUNNING; nothing changed" err && ! grep -q already err'
test_expect_success "... and it stays WAITING, for suggest to claim" '[ "$(sqlite3 w.db "SELECT state FROM trials WHERE number=0")" = WAITING ] &&
  suggest --db w.db --config c.json >l && [ "$(jq .trial l)" = 0 ]'
