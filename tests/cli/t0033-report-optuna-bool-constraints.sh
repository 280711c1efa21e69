#!/usr/bin/env bash
# Constraint values that Optuna's constraints_func returned as Python bools (`[fpr > 0.05]`):
# Optuna stores them as JSON true/false and, bools being ints in Python, judges False as 0
# (feasible) and True as 1 (a violation of 1) in TPE's split. report, and suggest's TPE, must
# judge them so too, not as "not a number" (infeasible, an infinite violation).
. "$WS_ROOT/tests/cli/lib.sh"
need_python "optuna bool constraints" optuna
cat >make.py <<'P'
import warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
cons = {0: [True], 1: [False], 2: [False, -1.0], 3: [True, False]}
s = optuna.create_study(study_name="kws", storage="sqlite:///b.db", direction="maximize",
                        sampler=optuna.samplers.TPESampler(constraints_func=lambda t: cons[t.number], seed=1))
for v in (0.9, 0.5, 0.7, 0.95):
    s.tell(s.ask({"x": optuna.distributions.FloatDistribution(0, 1)}), v)
P
test_expect_success "Optuna makes a study with constraints [true], [false], [false, -1], [true, false]" '"$PY" make.py'
test_expect_code 0 "report --best on it" report --db b.db --best
test_expect_success "... is trial 2 (0.7), the best of the feasible trials 1 and 2" '[ "$(jq .trial out)" = 2 ]'
test_expect_code 0 "report --format jsonl" report --db b.db --format jsonl
test_expect_success "... ranks the feasible trials 2, 1 first, then 3, 0" '[ "$(jq -s -c "map(.trial)" out)" = "[2,1,3,0]" ]'
