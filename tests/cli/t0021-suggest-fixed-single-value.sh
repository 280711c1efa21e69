#!/usr/bin/env bash
# suggest --fixed and a single-value parameter (low == high, one choice): Optuna's Trial._suggest
# takes a single-value distribution's value before it asks the sampler, so PartialFixedSampler's
# fixed value never reaches such a parameter (an enqueued fixed_params value, read before that,
# still wins). Golden: Optuna 3.1, PartialFixedSampler({"x": 8, "c": "zzz", "f": 0.7, "g": 5,
# "y": 2}) over suggest_int("x", 7, 7), suggest_categorical("c", ["a"]), suggest_float("f", 0.5,
# 0.5), suggest_int("g", 3, 5, step=4), suggest_int("y", 1, 3) gives {x: 7, c: "a", f: 0.5,
# g: 3, y: 2} (checked again below when python3-optuna is installed).
. "$WS_ROOT/tests/cli/lib.sh"
cat >c.json <<'J'
{"study": "one", "direction": "minimize", "sampler": {"name": "random", "seed": 1},
 "space": {"x": {"type": "int", "low": 7, "high": 7},
           "c": {"type": "categorical", "choices": ["a"]},
           "f": {"type": "float", "low": 0.5, "high": 0.5},
           "g": {"type": "int", "low": 3, "high": 5, "step": 4},
           "y": {"type": "int", "low": 1, "high": 3}}}
J
echo '{"x": 8, "c": "zzz", "f": 0.7, "g": 5, "y": 2}' >fixed.json
test_expect_code 0 "--fixed over single-value parameters" suggest --db s.db --config c.json --fixed fixed.json
test_expect_success "... the single values win, the other fixed value is kept (as Optuna 3.1)" '
  [ "$(jq -c .params out)" = "{\"x\":7,\"c\":\"a\",\"f\":0.5,\"g\":3,\"y\":2}" ]'
test_expect_success "... and the study stores them" '
  [ "$(sqlite3 s.db "SELECT param_name, param_value FROM trial_params ORDER BY param_name" | tr "\n" " ")" = "c|0.0 f|0.5 g|3.0 x|7.0 y|2.0 " ]'
test_expect_success "... each unused fixed value named in a warning" '
  for p in x c f g; do grep -q "^suggest: fixed.json.$p: the space holds one value" err || exit 1; done;
  ! grep -q "fixed.json.y" err'
echo '{"x": 7, "c": "a", "y": 3}' >same.json
test_expect_code 0 "--fixed with the single values themselves" suggest --db s.db --config c.json --fixed same.json
test_expect_success "... no warning" '[ "$(jq -c "[.params.x, .params.c, .params.y]" out)" = "[7,\"a\",3]" ] && ! grep -q "one value" err'
# an enqueued value is read before the single value (Optuna's _is_fixed_param comes first)
echo '{"x": 7, "c": "a"}' >q.jsonl
test_expect_code 0 "an enqueued set still checks its values" suggest --db s.db --config c.json --enqueue q.jsonl
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
if "$PY" -c 'import optuna' 2>/dev/null; then
  cat >ref.py <<'P'
import json, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(sampler=optuna.samplers.PartialFixedSampler(
    json.load(open("fixed.json")), optuna.samplers.RandomSampler(seed=1)))
def obj(t):
    t.suggest_int("x", 7, 7); t.suggest_categorical("c", ["a"]); t.suggest_float("f", 0.5, 0.5)
    t.suggest_int("g", 3, 5, step=4); t.suggest_int("y", 1, 3)
    return 0
s.optimize(obj, n_trials=1)
print(json.dumps(s.trials[0].params, sort_keys=True))
P
  suggest --db r.db --config c.json --fixed fixed.json >ours 2>/dev/null
  test_expect_success "Optuna 3.1 gives the same params" '
    [ "$("$PY" ref.py)" = "$(jq -c -S .params ours | sed "s/:/: /g; s/,/, /g")" ]'
else
  test_skip "Optuna 3.1 gives the same params" "python3-optuna is not installed (make deps installs it)"
fi
