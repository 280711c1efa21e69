#!/usr/bin/env bash
# A space narrowed since the study's trials were sampled (a study begun in Optuna, or a config
# given with --force): Optuna 3.1's TPE keeps every value a trial stores as an observation
# (_get_observation_pairs), those now outside the range too, whose kernels pull the draws toward
# the bound nearest to them. The optuna mode dropped them, so a range narrowed away from the best
# trials (all near 8, the space now [0, 5]) was sampled as if they had never been: its draws sat
# at the bound (median 4.85) where Optuna's sit near 2.4. The reference is Optuna itself, on a
# copy of the same study: the two samples of 60 draws each must be one distribution
# (Kolmogorov-Smirnov distance under its 1% critical value, 0.30).
. "$WS_ROOT/tests/cli/lib.sh"
need_python "t5030 narrowed range against Optuna" optuna numpy
"$PY" -W ignore -c "
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name='n', storage='sqlite:///w.db', sampler=optuna.samplers.RandomSampler(seed=1))
for i in range(30):
    t = s.ask()
    x = t.suggest_float('x', 0, 10)
    s.tell(t, (x - 8) ** 2 + (i * 7 % 10) / 10)
" && cp w.db o.db
printf '%s\n' '{"study": "n", "direction": "minimize", "sampler": {"name": "tpe", "mode": "optuna"},
  "space": {"x": {"type": "float", "low": 0, "high": 5}}}' >c.json
test_expect_code 0 "optuna mode: 60 draws on the narrowed space" suggest --db w.db --config c.json --n 60 --seed 5
jq .params.x out >w.x
test_expect_success "Optuna 3.1's TPESampler on a copy draws them from the same distribution" '"$PY" -W ignore -c "
import optuna, numpy as np
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.load_study(study_name=\"n\", storage=\"sqlite:///o.db\")
o = []
for i in range(60):
    s.sampler = optuna.samplers.TPESampler(seed=1000 + i)
    o.append(s.ask().suggest_float(\"x\", 0, 5))
w = np.loadtxt(\"w.x\")
assert len(w) == 60 and w.min() >= 0 and w.max() <= 5, w
grid = np.sort(np.concatenate([w, o]))
ks = max(abs(np.searchsorted(np.sort(w), v, \"right\") - np.searchsorted(np.sort(o), v, \"right\")) / 60 for v in grid)
assert ks < 0.30, (ks, np.median(w), np.median(o))
"'
