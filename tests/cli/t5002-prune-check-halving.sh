#!/usr/bin/env bash
# prune-check with successive halving and hyperband through the real store: the rung values the
# pruner records come back as Optuna's completed_rung_k system attributes, and a trial below its
# rung's bar is pruned (exit 0) while the best one goes on (exit 1).
. "$WS_ROOT/tests/cli/lib.sh"
jq '.pruner = {"name": "successive_halving", "min_resource": 1, "reduction_factor": 2}' \
  "$WS_ROOT/tests/cli/study.json" >c.json
suggest --db s.db --config c.json --n 3 >lines
rung_attr() {  # TRIAL KEY: the stored system attribute
  sqlite3 s.db "SELECT value_json FROM trial_system_attributes a JOIN trials t USING(trial_id) WHERE t.number=$1 AND a.key='$2'"
}
test_expect_code 1 "step 0 is before the first rung" prune-check --db s.db --study kws --trial 0 --step 0 --value 0.5
test_expect_code 1 "the first trial at rung 0 is promoted" prune-check --db s.db --study kws --trial 0 --step 1 --value 0.6
test_expect_success "... and completed_rung_0 is stored" '[ "$(rung_attr 0 completed_rung_0)" = 0.6 ]'
test_expect_code 1 "a better second trial is promoted (maximize)" prune-check --db s.db --study kws --trial 1 --step 1 --value 0.8
test_expect_code 0 "a third below the top half of rung 0 is pruned" prune-check --db s.db --study kws --trial 2 --step 1 --value 0.3
test_expect_success "... its rung value stored too, as Optuna does" '[ "$(rung_attr 2 completed_rung_0)" = 0.3 ] && jq -e ".prune" out >/dev/null'
jq '.pruner = {"name": "hyperband", "min_resource": 1, "max_resource": 9, "reduction_factor": 3}' \
  "$WS_ROOT/tests/cli/study.json" >h.json
suggest --db h.db --config h.json --n 2 >hl
test_expect_code 1 "hyperband: answers with the trial's bracket" prune-check --db h.db --study kws --trial 0 --step 0 --value 0.5
test_expect_success "... named in the reason" 'jq -r .reason out | grep -q "^bracket [0-9] of 3"'
jq '.pruner = {"name": "hyperband", "reduction_factor": 1}' "$WS_ROOT/tests/cli/study.json" >bad.json
test_expect_code 2 "bad pruner config is exit 2" suggest --db b.db --config bad.json
test_expect_success "... naming the field" 'grep -q "pruner.reduction_factor" err'
# An infinite value at a rung: stored as a number Optuna's pruner compares (it once was the string
# "Infinity", on which Optuna's SuccessiveHalvingPruner raised TypeError), and judged as inf.
suggest --db i.db --config c.json --n 1 >/dev/null
test_expect_code 1 "an inf value reaches rung 0 (maximize: the best)" prune-check --db i.db --study kws --trial 0 --step 1 --value inf
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
test_expect_success "Optuna's successive halving goes on from that study" '"$PY" -W ignore -c "
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
p = optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2)
s = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///i.db\", pruner=p)
t = s.ask()
t.report(0.5, 1)
assert t.should_prune(), \"0.5 under an inf rung value should be pruned\"
"'
# Two -inf values at one rung tie, as in Optuna (-inf >= -inf): the second trial was judged as
# -inf against the first's stored stand-in -DBL_MAX, lost and was pruned. Golden: Optuna 3.1's
# SuccessiveHalvingPruner(min_resource=1, reduction_factor=2), maximize, trials 0 and 1 each
# reporting -inf at step 1: should_prune() is False, False.
suggest --db ni.db --config c.json --n 2 >/dev/null
test_expect_code 1 "a -inf value reaches rung 0 first" prune-check --db ni.db --study kws --trial 0 --step 1 --value -inf
test_expect_code 1 "a second -inf at rung 0 ties with it and goes on" prune-check --db ni.db --study kws --trial 1 --step 1 --value -inf
# The reason shows the stand-in as the inf it stands for, not as 1.79769e+308.
suggest --db ii.db --config c.json --n 2 >/dev/null
prune-check --db ii.db --study kws --trial 0 --step 1 --value inf >/dev/null
test_expect_code 0 "0.5 under an inf at rung 0 is pruned" prune-check --db ii.db --study kws --trial 1 --step 1 --value 0.5
test_expect_success "... the reason names the bar as inf" 'jq -r .reason out | grep -q "0.5 is not among the best 1 of 2 (bar inf)"'
# Hyperband's max_resource "auto" learned below min_resource (the first trial completed at step 2,
# R = 3 < 5): Optuna builds no bracket and never prunes. The reason said a completed trial was
# still awaited ("none yet"). Golden: Optuna 3.1's HyperbandPruner(min_resource=5), maximize,
# trial 0 reporting 0.5 at step 2 and completing, trial 1 reporting 0.1 at step 7:
# should_prune() False, with _max_resource 3 and _n_brackets 0.
jq '.pruner = {"name": "hyperband", "min_resource": 5}' "$WS_ROOT/tests/cli/study.json" >hs.json
suggest --db hs.db --config hs.json --n 2 >/dev/null
prune-check --db hs.db --study kws --trial 0 --step 2 --value 0.5 >/dev/null
tell --db hs.db --study kws --trial 0 --state complete --value 0.5 >/dev/null
test_expect_code 1 "hyperband: R learned below min_resource never prunes" prune-check --db hs.db --study kws --trial 1 --step 7 --value 0.1
test_expect_success "... and says so, not that no trial has completed" '
  jq -r .reason out | grep -q "max_resource 3 .* is below min_resource 5: no brackets, never prunes"'
