#!/usr/bin/env bash
# A space narrowed since the study's trials were sampled (a config given with --force, or a
# study begun in Optuna): Optuna 3.1's TPE keeps every value a trial stores as an observation
# (_get_observation_pairs), those now outside the range too, whose kernels pull the draws toward
# the bound nearest to them. The optuna mode dropped them, so a range narrowed away from the best
# trials (all near 8, the space now [0, 5]) was sampled as if they had never been: its draws sat
# at the bound, where Optuna's sit well inside. The reference is Optuna itself, on a copy of the
# same study: the two samples of 60 draws each must be one distribution (Kolmogorov-Smirnov
# distance under its 1% critical value, 0.30).
. "$WS_ROOT/tests/cli/lib.sh"
need_python "t5030 narrowed range against Optuna" optuna numpy
# the history: 30 random trials of (x - 8)^2 + (y - 0.2)^2 + a spread over x in [0, 10], y in
# [0, 1], then the space narrowed (--force; the univariate cases leave y out)
history() {  # DB STUDY SPACE F
  local i line v
  printf '{"study": "%s", "direction": "minimize", "sampler": {"name": "random", "seed": 1}, "space": %s}\n' "$2" "$3" >h.json
  for i in $(seq 0 29); do
    line=$(suggest --db "$1" --config h.json) && v=$(jq --argjson i "$i" "$4 + (\$i * 7 % 10) / 10" <<<"$line") &&
      tell --db "$1" --study "$2" --trial "$i" --state complete --value "$v" >/dev/null || return 1
  done
}
history w.db n '{"x": {"type": "float", "low": 0, "high": 10}, "y": {"type": "float", "low": 0, "high": 1}}' \
  '(.params.x - 8) * (.params.x - 8) + (.params.y - 0.2) * (.params.y - 0.2)' && for f in o mw mo; do cp w.db $f.db; done
printf '%s\n' '{"study": "n", "direction": "minimize", "sampler": {"name": "tpe", "mode": "optuna"},
  "space": {"x": {"type": "float", "low": 0, "high": 5}}}' >c.json
test_expect_code 0 "optuna mode: 60 draws on the narrowed space" suggest --db w.db --config c.json --n 60 --seed 5 --force
jq .params.x out >w.x
test_expect_success "Optuna 3.1's TPESampler on a copy draws them from the same distribution" '"$PY" -W ignore -c "
import optuna, numpy as np
optuna.logging.set_verbosity(optuna.logging.ERROR)
m = optuna.storages.InMemoryStorage()   # a copy in memory: asks on SQLite cost 10 times more
optuna.copy_study(from_study_name=\"n\", from_storage=\"sqlite:///o.db\", to_storage=m)
s = optuna.load_study(study_name=\"n\", storage=m, sampler=optuna.samplers.TPESampler(seed=1000))
o = []
for i in range(60):   # each ask leaves a RUNNING trial, which TPE without the liar ignores
    o.append(s.ask().suggest_float(\"x\", 0, 5))
w = np.loadtxt(\"w.x\")
assert len(w) == 60 and w.min() >= 0 and w.max() <= 5, w
grid = np.sort(np.concatenate([w, o]))
ks = max(abs(np.searchsorted(np.sort(w), v, \"right\") - np.searchsorted(np.sort(o), v, \"right\")) / 60 for v in grid)
assert ks < 0.30, (ks, np.median(w), np.median(o))
"'
# Multivariate, the same narrowing: Optuna's relative search space holds the distribution the
# trials store (IntersectionSearchSpace: one all of them hold, x in [0, 10] here), so it draws
# x and y jointly over it, and takes a joint x only where the narrowed space contains it (else
# draws x on its own). The optuna mode left x out of the joint kernels (its stored distribution
# is not the space's), so y was drawn alone: another distribution of y than Optuna's.
printf '%s\n' '{"study": "n", "direction": "minimize", "sampler": {"name": "tpe", "mode": "optuna", "multivariate": true},
  "space": {"x": {"type": "float", "low": 0, "high": 5}, "y": {"type": "float", "low": 0, "high": 1}}}' >m.json
test_expect_code 0 "optuna mode, multivariate: 120 draws on the narrowed space" suggest --db mw.db --config m.json --n 120 --seed 5 --force
jq -c '[.params.x, .params.y]' out >mw.xy
test_expect_success "... x and y each drawn from the distribution Optuna draws them from" '"$PY" -W ignore -c "
import json, optuna, numpy as np
optuna.logging.set_verbosity(optuna.logging.ERROR)
m = optuna.storages.InMemoryStorage()
optuna.copy_study(from_study_name=\"n\", from_storage=\"sqlite:///mo.db\", to_storage=m)
s = optuna.load_study(study_name=\"n\", storage=m, sampler=optuna.samplers.TPESampler(seed=1000, multivariate=True))
o = []
for i in range(120):   # each ask leaves a RUNNING trial, which TPE without the liar ignores
    t = s.ask()
    o.append((t.suggest_float(\"x\", 0, 5), t.suggest_float(\"y\", 0, 1)))
w = np.array([json.loads(l) for l in open(\"mw.xy\")]); o = np.array(o)
for d in (0, 1):
    a, b = np.sort(w[:, d]), np.sort(o[:, d])
    ks = max(abs(np.searchsorted(a, v, \"right\") - np.searchsorted(b, v, \"right\")) / 120 for v in np.concatenate([a, b]))
    assert ks < 0.21, (d, ks, np.median(a), np.median(b))
"'
