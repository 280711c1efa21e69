#!/usr/bin/env bash
# prune-check: records the value, answers with the study's pruner (exit 0 prune, 1 keep), and
# treats a repeated step as Optuna does (the first value stays).
. "$WS_ROOT/tests/cli/lib.sh"
jq '.pruner = {"name": "median", "n_startup_trials": 2, "n_warmup_steps": 1}' "$WS_ROOT/tests/cli/study.json" >c.json
suggest --db s.db --config c.json --n 4 >lines
for t in 0 1; do  # two complete trials with curves 0.5,0.6,0.7 and 0.7,0.8,0.9
  for s in 0 1 2; do prune-check --db s.db --study kws --trial $t --step $s --value "0.$((5 + 2 * t + s))" >/dev/null; done
  tell --db s.db --study kws --trial $t --state complete --value "0.$((7 + 2 * t))" >/dev/null
done
test_expect_code 1 "warm-up step is never pruned" prune-check --db s.db --study kws --trial 2 --step 0 --value 0.01
test_expect_success "... and says so" '[ "$(jq -r .prune out)" = false ] && grep -q warmup out'
test_expect_code 0 "below the median at step 1 is pruned" prune-check --db s.db --study kws --trial 2 --step 1 --value 0.2
test_expect_success "... with prune true" '[ "$(jq -c "[.trial,.step,.value,.prune]" out)" = "[2,1,0.2,true]" ]'
test_expect_code 1 "above the median is kept" prune-check --db s.db --study kws --trial 3 --step 1 --value 0.85
test_expect_code 1 "a repeated step keeps the first value" prune-check --db s.db --study kws --trial 3 --step 1 --value 0.01
test_expect_success "... stored once, first value" '[ "$(sqlite3 s.db "SELECT intermediate_value FROM trial_intermediate_values i JOIN trials t USING(trial_id) WHERE t.number=3 AND step=1")" = 0.85 ] && grep -q "already reported" err'
test_expect_success "... and the line gives the value kept, the one judged" '[ "$(jq .value out)" = 0.85 ]'
test_expect_code 0 "a nan intermediate value is accepted" prune-check --db s.db --study kws --trial 2 --step 2 --value nan
test_expect_success "stored with type NAN" '[ "$(sqlite3 s.db "SELECT intermediate_value_type FROM trial_intermediate_values i JOIN trials t USING(trial_id) WHERE t.number=2 AND step=2")" = NAN ]'
tell --db s.db --study kws --trial 2 --state pruned >/dev/null
test_expect_code 2 "a finished trial cannot report" prune-check --db s.db --study kws --trial 2 --step 3 --value 0.5
# An answer that could not be written is no answer: exit 3, not 1 ("keep training").
test_expect_code 3 "stdout that cannot be written" sh -c 'prune-check --db s.db --study kws --trial 3 --step 9 --value 0.95 >/dev/full'
# Steps past 2^31, as Optuna takes them (a step counted in samples; the store keeps 64 bits):
# --step took only 32 bits, and the pruners read the last step through an int, so 3000000000
# became negative ("no intermediate value reported"). Golden answers: Optuna 3.1's MedianPruner
# (n_startup_trials 2, n_warmup_steps 1, maximize) on the same reports says True, False, False.
suggest --db big.db --config c.json --n 5 >/dev/null
for t in 0 1; do
  prune-check --db big.db --study kws --trial $t --step 0 --value "0.$((5 + 2 * t))" >/dev/null
  prune-check --db big.db --study kws --trial $t --step 1 --value "0.$((6 + 2 * t))" >/dev/null
  prune-check --db big.db --study kws --trial $t --step 3000000000 --value "0.$((7 + 2 * t))" >/dev/null
  tell --db big.db --study kws --trial $t --state complete --value "0.$((7 + 2 * t))" >/dev/null
done
for t in 2 3 4; do prune-check --db big.db --study kws --trial $t --step 1 --value 0.3 >/dev/null; done
test_expect_code 0 "step 3000000000, below the median there, is pruned" prune-check --db big.db --study kws --trial 2 --step 3000000000 --value 0.2
test_expect_success "... the line gives the step as it is" '[ "$(jq -c "[.step, .prune]" out)" = "[3000000000,true]" ] &&
  [ "$(sqlite3 big.db "SELECT max(step) FROM trial_intermediate_values i JOIN trials t USING(trial_id) WHERE t.number = 2")" = 3000000000 ]'
test_expect_code 1 "step 3000000000, above the median there, is kept" prune-check --db big.db --study kws --trial 3 --step 3000000000 --value 0.85
test_expect_code 1 "step 5000000000, which no completed trial reported, is kept" prune-check --db big.db --study kws --trial 4 --step 5000000000 --value 0.2
test_expect_success "... and says so" 'grep -q "0 completed trials reported step 5000000000" out'
# report ranks pruned trials deeper first (as TPE does): step 4294967296 (2^32) is deeper than
# 1000; read through an int it was step 0 and ranked below.
suggest --db deep.db --config c.json --n 2 >/dev/null
prune-check --db deep.db --study kws --trial 0 --step 1000 --value 0.5 >/dev/null
prune-check --db deep.db --study kws --trial 1 --step 4294967296 --value 0.4 >/dev/null
for t in 0 1; do tell --db deep.db --study kws --trial $t --state pruned >/dev/null; done
test_expect_code 0 "report of pruned trials past 2^31" report --db deep.db --format jsonl
test_expect_success "... ranks the deeper one first" '[ "$(jq -r .trial out | tr "\n" " ")" = "1 0 " ]'
# hyperband learns max_resource from the first completed trial's last step + 1: at step 2^63 - 1
# that overflowed (to a negative R: "none yet", no brackets). Optuna 3.1 (HyperbandPruner
# min_resource 1, reduction_factor 3) has R = 2^63 there, 40 brackets, and keeps the trial.
jq '.pruner = {"name": "hyperband", "min_resource": 1, "reduction_factor": 3}' c.json >hb.json
suggest --db hb.db --config hb.json --n 2 >/dev/null
prune-check --db hb.db --study kws --trial 0 --step 9223372036854775807 --value 0.5 >/dev/null
tell --db hb.db --study kws --trial 0 --state complete --value 0.5 >/dev/null
test_expect_code 1 "hyperband after a trial that completed at step 2^63 - 1" prune-check --db hb.db --study kws --trial 1 --step 5 --value 0.5
test_expect_success "... has Optuna's 40 brackets" 'jq -e ".reason | test(\" of 40: \")" out'
# A median that is NaN (numpy interpolates it next to an infinite value: [0.5, inf] gives
# inf - inf) is below and above nothing: the trial is kept, as Optuna 3.1's MedianPruner keeps it
# (n_startup_trials 2, n_warmup_steps 0: False). The reason printed the NaN as "-nan".
jq '.pruner = {"name": "median", "n_startup_trials": 2, "n_warmup_steps": 0}' c.json >nan.json
suggest --db nanmed.db --config nan.json --n 3 >/dev/null
for t in 0 1; do
  prune-check --db nanmed.db --study kws --trial $t --step 0 --value "$([ $t = 0 ] && echo 0.5 || echo inf)" >/dev/null
  tell --db nanmed.db --study kws --trial $t --state complete --value 0.5 >/dev/null
done
test_expect_code 1 "a median that is NaN (0.5 and inf): kept, as Optuna keeps it" prune-check --db nanmed.db --study kws --trial 2 --step 0 --value 0.6
test_expect_success "... the reason says the percentile is NaN and why" '[ "$(jq -r .reason out)" = "best 0.6 kept: the 50% percentile of 2 completed trials at step 0 is NaN (numpy interpolates it next to an infinite value), so nothing is below it" ]'
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
test_expect_success "... Optuna 3.1 keeps it too" "$PY - <<'PY'
import optuna, warnings
warnings.simplefilter('ignore')
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(direction='maximize', pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=0))
for v in (0.5, float('inf')):
    t = s.ask(); t.report(v, 0); s.tell(t, 0.5)
t = s.ask(); t.report(0.6, 0)
assert t.should_prune() is False
PY"
# The patient pruner over a window that reported only NaN, or after steps that did: no
# comparison, so no prune (Optuna compares NaN as false), and the reason says so (it said
# "improving: best of the last 2 steps nan vs 0.5 before").
jq '.pruner = {"name": "patient", "patience": 1}' c.json >pat.json
suggest --db pat.db --config pat.json --n 2 >/dev/null
for v in 0.5 nan; do prune-check --db pat.db --study kws --trial 0 --step $([ $v = nan ] && echo 1 || echo 0) --value $v >/dev/null; done
test_expect_code 1 "patient: the last 2 steps NaN, kept" prune-check --db pat.db --study kws --trial 0 --step 2 --value nan
test_expect_success "... no verdict, and why" '[ "$(jq -r .reason out)" = "no verdict: the last 2 steps reported only NaN" ]'
for v in nan 0.5; do prune-check --db pat.db --study kws --trial 1 --step $([ $v = nan ] && echo 0 || echo 1) --value $v >/dev/null; done
test_expect_code 1 "patient: NaN before the window, kept" prune-check --db pat.db --study kws --trial 1 --step 2 --value 0.4
test_expect_success "... no verdict, and why" '[ "$(jq -r .reason out)" = "no verdict: the steps before the last 2 reported only NaN" ]'
test_expect_success "... Optuna 3.1 keeps both" "$PY - <<'PY'
import optuna, warnings
warnings.simplefilter('ignore')
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(direction='maximize', pruner=optuna.pruners.PatientPruner(None, patience=1))
for vals in ((0.5, float('nan'), float('nan')), (float('nan'), 0.5, 0.4)):
    t = s.ask()
    for step, v in enumerate(vals): t.report(v, step)
    assert t.should_prune() is False, vals
PY"
# A second --value silently replaced the first (0.9 was stored and judged), where tell refuses one
# (t0715): a step has one intermediate value, as Optuna's trial.report takes one float.
test_expect_code 2 "--value given twice" prune-check --db s.db --study kws --trial 3 --step 7 --value 0.5 --value 0.9
test_expect_success "... says why, prints nothing, stores nothing at that step" '
  grep -q "^prune-check: --value given twice: a step has one intermediate value" err && [ ! -s out ] &&
  [ "$(sqlite3 s.db "SELECT count(*) FROM trial_intermediate_values i JOIN trials t USING(trial_id) WHERE t.number=3 AND step=7")" = 0 ]'
# n_startup_trials 0 before any trial completed: Optuna's PercentilePruner judges nothing until one
# has (n_trials == 0: False); the reason said "startup: 0 of 0 completed trials", a start-up done.
jq '.pruner = {"name": "median", "n_startup_trials": 0}' "$WS_ROOT/tests/cli/study.json" >s0.json
suggest --db s0.db --config s0.json --n 1 >/dev/null
test_expect_code 1 "n_startup_trials 0, no completed trial: kept" prune-check --db s0.db --study kws --trial 0 --step 1 --value 0.5
test_expect_success "... because none has completed, not for a start-up of 0 of 0" '
  [ "$(jq -r .reason out)" = "no completed trial yet to compare with" ]'
