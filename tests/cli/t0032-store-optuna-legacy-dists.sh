#!/usr/bin/env bash
# Optuna 3.1's legacy distributions (UniformDistribution, LogUniformDistribution,
# DiscreteUniformDistribution, IntUniformDistribution, IntLogUniformDistribution: what Optuna 2
# wrote, and what Optuna 3.1 still writes for a trial given one): Optuna keeps the class, so
# copy_study writes the same class back, and its storage refuses suggest_float/suggest_int for a
# name stored under a legacy class ("Cannot set different distribution kind").
. "$WS_ROOT/tests/cli/lib.sh"
if ! "$PY" -c 'import optuna' 2>/dev/null; then
  test_skip "optuna legacy distributions" "python3-optuna is not installed (make deps installs it)"; exit 0
fi
cat >leg.py <<'P'
import sys, warnings
warnings.simplefilter("ignore")
import optuna
from optuna.distributions import *
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="kws", storage="sqlite:///" + sys.argv[1], direction="maximize",
                        sampler=optuna.samplers.RandomSampler(seed=1))
d = {"u": UniformDistribution(0, 1), "lu": LogUniformDistribution(1e-3, 1), "du": DiscreteUniformDistribution(0, 1.05, 0.1),
     "iu": IntUniformDistribution(0, 10, step=2), "ilu": IntLogUniformDistribution(1, 100)}
for i in range(3):
    t = s.ask()
    for k, v in d.items(): t._suggest(k, v)
    t.report(0.1, 0)
    s.tell(t, 0.5 + i)
P
cat >same.py <<'P'
import sys, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
a, b = (optuna.load_study(study_name="kws", storage="sqlite:///" + f).trials for f in sys.argv[1:3])
bad = [(x.number, x.distributions, y.distributions) for x, y in zip(a, b) if x.distributions != y.distributions]
bad += [(x.number, x.params, y.params) for x, y in zip(a, b) if x.params != y.params]
print(bad if bad else "same"); sys.exit(1 if bad or len(a) != len(b) else 0)
P
test_expect_success "Optuna makes a study of the five legacy distributions" '"$PY" leg.py l.db'
test_expect_code 0 "study-copy copies it" study-copy --from l.db --to lc.db
test_expect_success "... and Optuna reads the same distributions (classes) and params in the copy" '"$PY" same.py l.db lc.db'
test_expect_success "... whose distribution texts are as Optuna wrote them" '
  [ "$(sqlite3 lc.db "SELECT distribution_json FROM trial_params ORDER BY param_id")" = \
    "$(sqlite3 l.db "SELECT distribution_json FROM trial_params ORDER BY param_id")" ]'
test_expect_code 0 "a copy of the copy" study-copy --from lc.db --to lcc.db
test_expect_success "... is the same again" '"$PY" same.py l.db lcc.db'
