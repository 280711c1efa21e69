#!/usr/bin/env bash
# report --format html of a study with 40 parameters: the parallel coordinates' axes are 23 px
# apart, so each name is cut to its room and every axis read "p…", no way to tell one from
# another (the lines' tooltips name the values, not the axes). A name cut so carries the whole
# name as its tooltip (<title>).
. "$WS_ROOT/tests/cli/lib.sh"
need_python "html of 40 parameters" optuna
"$PY" -W ignore - <<'PYEOF' >want
import random, optuna
from optuna.distributions import FloatDistribution
from optuna.trial import create_trial
optuna.logging.set_verbosity(optuna.logging.ERROR)
random.seed(0)
s = optuna.create_study(study_name="p40", storage="sqlite:///p40.db")
d = {f"param_number_{k}": FloatDistribution(0, 1) for k in range(40)}
trials = [{n: random.random() for n in d} for _ in range(6)]
s.add_trials([create_trial(params=p, distributions=d, value=sum(p.values())) for p in trials])
print("\n".join(s.best_params))
PYEOF
test_expect_code 0 "html of a study with 40 parameters" report --db p40.db --format html
test_expect_success "... names every axis of the parallel coordinates, in full" '
  awk "/<svg id=\"parallel\"/ {on = 1} on {print} on && /<\\/svg>/ {exit}" out >par.svg &&
  grep -o "class=\"label\">\(<title>[^<]*</title>\)\?[^<]*<" par.svg |
    sed "s/class=\"label\">//; s/^<title>\([^<]*\)<\/title>.*/\1/; s/<$//" | grep -v "^value$" | sort >got && sort want >want.s &&
  [ "$(wc -l <want)" = 40 ] && cmp want.s got'
