#!/usr/bin/env bash
# tell takes one --value, as Optuna's study.tell takes as many values as the study has
# objectives: a second --value once silently replaced the first and the trial was finished with
# it. Optuna (the reference, run here) refuses 2 values for 1 objective and leaves the trial
# RUNNING; so must tell, with exit 2 and nothing changed.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 2 >lines
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
test_expect_success "Optuna refuses two values for one objective and leaves the trial RUNNING" '"$PY" -W ignore -c "
import shutil, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
shutil.copy(\"s.db\", \"o.db\")
s = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///o.db\")
try: s.tell(0, [0.5, 0.7], state=optuna.trial.TrialState.COMPLETE)
except ValueError as e: assert \"did not match the number of the objectives\" in str(e), e
else: raise SystemExit(\"told\")
assert s.trials[0].state.name == \"RUNNING\", s.trials[0].state"'
test_expect_code 2 "tell --value twice" tell --db s.db --study kws --trial 0 --state complete --value 0.5 --value 0.7
test_expect_success "... says why, prints nothing, and the trial stays RUNNING without a value" '
  grep -q "^tell: --value given twice: the study has one objective, so one value" err && [ ! -s out ] &&
  [ "$(sqlite3 s.db "SELECT state FROM trials WHERE number=0")" = RUNNING ] &&
  [ "$(sqlite3 s.db "SELECT count(*) FROM trial_values")" = 0 ]'
test_expect_code 2 "... with pruned too" tell --db s.db --study kws --trial 1 --state pruned --value 0.5 --value nan
test_expect_code 0 "one --value still finishes it" tell --db s.db --study kws --trial 0 --state complete --value 0.7
test_expect_success "... with that value" '[ "$(jq -c "[.state,.value]" out)" = "[\"COMPLETE\",0.7]" ]'
