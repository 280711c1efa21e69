#!/usr/bin/env bash
# Optuna 3.1's legacy distributions (UniformDistribution, LogUniformDistribution,
# DiscreteUniformDistribution, IntUniformDistribution, IntLogUniformDistribution: what Optuna 2
# wrote, and what Optuna 3.1 still writes for a trial given one): Optuna keeps the class, so
# copy_study writes the same class back, and its storage refuses suggest_float/suggest_int for a
# name stored under a legacy class ("Cannot set different distribution kind").
. "$WS_ROOT/tests/cli/lib.sh"
need_python "optuna legacy distributions" optuna
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

# A config giving u, lu, du, iu or ilu (stored under a legacy class) a float or int: Optuna refuses
# suggest_float/suggest_int for such a name, and so does suggest (exit 2, as for another kind),
# writing nothing.
jq -n '{study:"kws",direction:"maximize",sampler:{name:"random",seed:1},budget:{epochs:2},space:{}}' >base.json
for x in u:float:0:1:false lu:float:0.001:1:true iu:int:0:10:false ilu:int:1:100:true; do
  IFS=: read -r p type low high log <<<"$x"
  jq --arg p "$p" --arg t "$type" ".space[\$p] = {type: \$t, low: $low, high: $high, log: $log}" base.json >c_$p.json
  cp l.db l_$p.db
  test_expect_code 2 "suggest refuses a $type $p for the study's legacy $p" suggest --db l_$p.db --config c_$p.json
  test_expect_success "... naming $p, another kind and both distributions" '
    grep -q "c_$p.json: space.$p: .*has another kind than .*Uniform.*which trial 0 of study .kws." err &&
    [ "$(sqlite3 l_$p.db "SELECT count(*) FROM trials")" = 3 ]'
done
test_expect_success "(Optuna refuses them too)" '
  "$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///l.db\")
for f in (lambda t: t.suggest_float(\"u\", 0, 1), lambda t: t.suggest_float(\"lu\", 1e-3, 1, log=True),
          lambda t: t.suggest_int(\"iu\", 0, 10), lambda t: t.suggest_int(\"ilu\", 1, 100, log=True)):
    try: f(s.ask()); raise SystemExit(\"taken\")
    except ValueError as e: assert \"different distribution kind\" in str(e), e"'
