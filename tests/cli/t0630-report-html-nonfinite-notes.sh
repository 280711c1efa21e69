#!/usr/bin/env bash
# report --format html of a study whose values and intermediate values are all infinite or NaN
# (Optuna stores both: add_trial takes them, its best_value may be inf). The history, learning
# curves and parallel coordinates have nothing finite to draw; their notes said "no trial has a
# value yet", "no intermediate values reported" and "no complete trial yet", beside a best trial
# card showing "#0 · inf" and a table of complete trials. The notes now say what is there.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "html notes of a study without finite values" optuna
"$PY" -W ignore - <<'PYEOF' >want
import optuna
from optuna.distributions import FloatDistribution
from optuna.trial import create_trial
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="inf", storage="sqlite:///inf.db", direction="maximize")
for i, v in enumerate([float("inf"), float("nan"), float("inf")]):
    s.add_trial(create_trial(params={"x": i / 10}, distributions={"x": FloatDistribution(0, 1)}, value=v,
                             intermediate_values={0: float("inf"), 1: float("nan")}))
t = s.trials
print(s.best_trial.number, len([x for x in t if x.state.is_finished()]), sum(len(x.intermediate_values) for x in t))
PYEOF
read -r best finished ivs <want
test_expect_code 0 "html of a study whose values are all infinite or NaN" report --db inf.db --format html
test_expect_success "... the best trial is Optuna's" 'grep -q "class=\"big\">#$best · inf<" out'
test_expect_success "... the history says why nothing is drawn" '
  grep -q "class=\"msg\">no finite value to draw: $finished finished trials have an infinite or NaN value<" out'
test_expect_success "... the curves say the reported values are not finite" '
  grep -q "class=\"msg\">no finite intermediate value to draw: the $ivs reported are NaN or infinite<" out'
test_expect_success "... the parallel coordinates do not say there is no complete trial" '
  grep -q "class=\"msg\">no complete trial with a finite value to draw<" out && ! grep -q "no complete trial yet" out'
