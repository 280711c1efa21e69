#!/usr/bin/env bash
# study-copy SQLite -> PostgreSQL -> SQLite loses nothing: Optuna (the independent reader) sees
# the same direction, study attributes and, per trial, number, state, params and distributions,
# value, intermediate values (inf and NaN too), user and system attributes and both datetimes.
# The study mixes trials run by Optuna (every state, enqueued WAITING) and by our tools.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
need_python "study copy" optuna psycopg2
PG=$(db_new copy) || exit 1
cat >make.py <<'P'
import math, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="kws", storage="sqlite:///a.db", direction="maximize",
                        sampler=optuna.samplers.RandomSampler(seed=2))
s.set_user_attr("owner", {"name": "ci", "n": [1, 2.5]})
s.set_system_attr("note", "copied")
def f(t):
    x = t.suggest_float("lr", 1e-4, 1e-1, log=True)
    t.suggest_categorical("opt", ["sgd", "adam", None])
    t.suggest_int("ch", 8, 64, step=8)
    t.set_user_attr("u", t.number * 1.5)
    t.report(x, 0); t.report(float("inf"), 1); t.report(float("nan"), 2)
    if t.number == 2: raise optuna.TrialPruned()
    if t.number == 3: raise RuntimeError("boom")
    return float("-inf") if t.number == 4 else x
s.optimize(f, n_trials=6, catch=(RuntimeError,))
s.enqueue_trial({"lr": 0.01, "opt": "adam", "ch": 16})
s.enqueue_trial({"lr": 0.02, "opt": None, "ch": 8})
s.enqueue_trial({"lr": 0.03, "opt": "sgd", "ch": 24})   # stays WAITING: our two suggests claim the others
P
cat >compare.py <<'P'
import json, sys, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
def view(url):
    s = optuna.load_study(study_name="kws", storage=url)
    trials = [dict(number=t.number, state=t.state.name, params=t.params, dists={k: repr(v) for k, v in t.distributions.items()},
                   value=repr(t.value), ivs=repr(sorted(t.intermediate_values.items())), user=t.user_attrs,
                   system=t.system_attrs, start=str(t.datetime_start), complete=str(t.datetime_complete))
              for t in s.get_trials(deepcopy=False)]
    return dict(direction=s.direction.name, user=s.user_attrs, system=s.system_attrs, trials=trials)
a = view(sys.argv[1])
bad = [(u, k) for u in sys.argv[2:] for k, v in view(u).items() if v != a[k]]
for u, k in bad:
    print(u, k, json.dumps(a[k])[:300], json.dumps(view(u)[k])[:300], file=sys.stderr)
print(len(a["trials"]), "trials,", sorted({t["state"] for t in a["trials"]}))
sys.exit(1 if bad else 0)
P
test_expect_success "Optuna writes a study with every state, inf/NaN values and attributes" '"$PY" make.py'
# and our tools claim two enqueued trials: one left RUNNING, one finished
# with a reason and a constraint
jq '.study = "kws" | .direction = "maximize" | .space = {"lr": {"type": "float", "low": 0.0001, "high": 0.1, "log": true}}' \
  "$WS_ROOT/tests/cli/study.json" >c.json
test_expect_success "our tools add trials to it" '
  suggest --db a.db --config c.json >l1 && suggest --db a.db --config c.json --n 1 >l2 &&
  n=$(jq -s ".[-1].trial" l2) && prune-check --db a.db --study kws --trial "$n" --step 0 --value 0.2 >/dev/null;
  tell --db a.db --study kws --trial "$n" --state complete --value 0.3 --reason done --constraint -1 >/dev/null'
test_expect_code 0 "study-copy SQLite -> PostgreSQL" study-copy --from a.db --to "$PG"
test_expect_success "... prints what it copied" '[ "$(jq -c . out)" = "{\"study\":\"kws\",\"to\":\"kws\",\"trials\":9}" ]'
test_expect_code 0 "study-copy PostgreSQL -> SQLite" study-copy --from "$PG" --to sqlite:///b.db
test_expect_success "Optuna sees the same study in all three" '"$PY" compare.py sqlite:///a.db "$PG" sqlite:///b.db'
test_expect_code 2 "copying onto an existing study is refused" study-copy --from a.db --to b.db
test_expect_success "... and names it" 'grep -q "a study named .kws. exists already" err'
test_expect_success "our report reads the copies as the original" '
  report --db a.db --format jsonl | jq -c "del(.duration_s)" >ra && report --db "$PG" --format jsonl | jq -c "del(.duration_s)" >rp &&
  report --db b.db --format jsonl | jq -c "del(.duration_s)" >rb && cmp ra rp && cmp ra rb'
# gpu-monitor's samples are the database's, not the study's: a copy has none (as a SQLite file's
# copy); every report of a PostgreSQL study warned "cannot read gpu-monitor's samples" all the same
test_expect_success "report of the PostgreSQL study: no warning, its note says it has no samples" '
  report --db "$PG" --format json >rp.json 2>rp.err && [ ! -s rp.err ] &&
  [ "$(jq -r .utilization.note rp.json)" = "no samples: gpu-monitor did not write to this study database" ]'
