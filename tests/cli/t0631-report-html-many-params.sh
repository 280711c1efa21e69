#!/usr/bin/env bash
# report --format html of a study with 40 parameters: the parallel coordinates' axes are 23 px
# apart, so each name is cut to its room and every axis read "p…", no way to tell one from
# another (the lines' tooltips name the values, not the axes). A name cut so carries the whole
# name as its tooltip (<title>).
. "$WS_ROOT/tests/cli/lib.sh"
need_python "html of 40 parameters" optuna
"$PY" -W ignore - <<'PYEOF' >want
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="p40", storage="sqlite:///p40.db", sampler=optuna.samplers.RandomSampler(seed=0))
s.optimize(lambda t: sum(t.suggest_float(f"param_number_{k}", 0, 1) for k in range(40)), n_trials=6)
print("\n".join(s.best_params))
PYEOF
test_expect_code 0 "html of a study with 40 parameters" report --db p40.db --format html
test_expect_success "... names every axis of the parallel coordinates, in full" '
  awk "/<svg id=\"parallel\"/ {on = 1} on {print} on && /<\\/svg>/ {exit}" out >par.svg &&
  grep -o "class=\"label\">\(<title>[^<]*</title>\)\?[^<]*<" par.svg |
    sed "s/class=\"label\">//; s/^<title>\([^<]*\)<\/title>.*/\1/; s/<$//" | grep -v "^value$" | sort >got && sort want >want.s &&
  [ "$(wc -l <want)" = 40 ] && cmp want.s got'
