#!/usr/bin/env bash
# A study config written from Optuna code: an argument of Optuna's pruner or TPESampler that the
# config spells otherwise or does not take is refused (exit 2) saying what to write instead, and
# a key the named pruner does not take names the keys it does. It was only "unknown key
# 'wrapped_pruner'" for Optuna's PatientPruner(wrapped_pruner=...), which the config calls
# "wrapped", and "unknown key 'percentile'" for a median pruner, without a word of why.
. "$WS_ROOT/tests/cli/lib.sh"
base='"study": "t", "space": {"x": {"type": "float", "low": 0, "high": 1}}'
refused() {  # NAME KEY:VALUE WORDS
  printf '{%s, %s}\n' "$base" "$2" >c.json
  rm -f s.db
  words=$3
  test_expect_code 2 "$1" suggest --db s.db --config c.json
  test_expect_success "... says what to write, nothing written" 'grep -qF -- "$words" err && [ ! -s out ] && [ ! -e s.db ]'
}
refused "patient: Optuna's wrapped_pruner" '"pruner": {"name": "patient", "patience": 1, "wrapped_pruner": {"name": "median"}}' \
  "suggest: c.json: pruner.wrapped_pruner: Optuna's wrapped_pruner is \"wrapped\" here"
refused "median: a percentile" '"pruner": {"name": "median", "percentile": 30}' \
  "suggest: c.json: pruner: unknown key 'percentile' (the median pruner takes name, n_startup_trials, n_warmup_steps, interval_steps, n_min_trials)"
refused "threshold: n_min_trials" '"pruner": {"name": "threshold", "upper": 1, "n_min_trials": 2}' \
  "unknown key 'n_min_trials' (the threshold pruner takes name, lower, upper, n_warmup_steps, interval_steps)"
refused "hyperband: min_early_stopping_rate" '"pruner": {"name": "hyperband", "min_early_stopping_rate": 1}' \
  "(the hyperband pruner takes name, min_resource, max_resource, reduction_factor, bootstrap_count)"
refused "TPE: Optuna's consider_prior" '"sampler": {"name": "tpe", "consider_prior": false}' \
  "suggest: c.json: sampler.consider_prior: not an option here: the prior kernel is always used (Optuna's default); prior_weight sets its weight"
refused "TPE: Optuna's constraints_func" '"sampler": {"name": "tpe", "constraints_func": null}' \
  "suggest: c.json: sampler.constraints_func: not an option here: the study config's \"constraints\" object gives the constraints"
refused "TPE: Optuna's warn_independent_sampling" '"sampler": {"warn_independent_sampling": false}' \
  "suggest: c.json: sampler.warn_independent_sampling: not an option here: no such warning is printed"
printf '{%s, "pruner": {"name": "patient", "patience": 1, "wrapped": {"name": "median"}}}\n' "$base" >c.json
rm -f s.db
test_expect_code 0 "patient with wrapped is taken" suggest --db s.db --config c.json
