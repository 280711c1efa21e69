#!/usr/bin/env bash
# A categorical whose choices hold an infinity (a gradient clip of 1, 5 or none: inf): Optuna 3.1
# takes it and writes its distribution with json.dumps, so distribution_json holds Python's bare
# Infinity (not strict JSON), and it reads the study back. report refused the whole study (exit 2,
# "invalid token near 'Infinity'"), and so did study-copy. They read it now: the choice is
# infinite, shown inf in the text and as the largest double in the JSON, as infinite values
# are, and a copy keeps Optuna's text, so Optuna reads the same params from it.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "an infinite categorical choice" optuna
cat >make.py <<'P'
import json, sys, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="clip", storage="sqlite:///s.db", direction="maximize",
                        sampler=optuna.samplers.RandomSampler(seed=4))
def f(t):
    c = t.suggest_categorical("clip", [1.0, 5.0, float("inf"), float("-inf")])
    t.suggest_float("x", 0, 1)
    return t.number if c != float("inf") else -t.number
s.optimize(f, n_trials=12)
# the params as report's JSON writes them: +-inf as the largest double
big = sys.float_info.max
cap = lambda v: big if v == float("inf") else -big if v == float("-inf") else v
json.dump({"best": s.best_trial.number,
           "params": {str(t.number): {k: cap(v) for k, v in t.params.items()} for t in s.trials},
           "inf": sorted(t.number for t in s.trials if t.params["clip"] == float("inf"))}, open("want.json", "w"))
P
test_expect_success "Optuna runs a study with the choices 1.0, 5.0, inf and -inf" '"$PY" make.py &&
  [ "$(jq ".inf | length" want.json)" -gt 0 ] &&
  sqlite3 s.db "SELECT distribution_json FROM trial_params WHERE param_name = \"clip\" LIMIT 1" | grep -q "Infinity, -Infinity"'
test_expect_code 0 "report reads it (json)" report --db s.db --format json
test_expect_success "... with Optuna's params and best trial" '
  [ "$(jq -S -c "[.trials[] | {key: (.trial | tostring), value: .params}] | from_entries" out)" = "$(jq -S -c .params want.json)" ] &&
  [ "$(jq .best.trial out)" = "$(jq .best want.json)" ]'
test_expect_code 0 "... text" report --db s.db
test_expect_success "... shows the infinite choice as inf, as it shows an infinite value" '
  n=$(jq ".inf[0]" want.json) &&
  grep -Eq "^ +$n  .* clip=inf x=" out && ! grep -q "e+308" out'
test_expect_code 0 "... html" report --db s.db --format html
# (the parallel coordinates' axis of the categorical named the infinite choices by their stand-in,
# "1.797693134..." and "-1.797693134...", where the text, the tooltips and the table say inf)
test_expect_success "... names the infinite choices inf and -inf on the parallel coordinates too, nowhere the stand-in" '
  sed -n "/<svg id=\"parallel\"/,/<\/svg>/p" out >pc.svg && grep -q ">inf</text>" pc.svg && grep -q ">-inf</text>" pc.svg &&
  grep -q ">1.0</text>" pc.svg && ! grep -q "1\.79769" out'
test_expect_code 0 "report --best" report --db s.db --best
test_expect_success "... is Optuna's best trial" '[ "$(jq .trial out)" = "$(jq .best want.json)" ]'
test_expect_code 0 "study-copy copies it" study-copy --from s.db --to copy.db
test_expect_success "... with Optuna's distribution text, and Optuna reads the same params" '
  [ "$(sqlite3 copy.db "SELECT DISTINCT distribution_json FROM trial_params WHERE param_name = \"clip\"")" = \
    "$(sqlite3 s.db "SELECT DISTINCT distribution_json FROM trial_params WHERE param_name = \"clip\"")" ] &&
  "$PY" -W ignore -c "
import optuna
a = optuna.load_study(study_name=\"clip\", storage=\"sqlite:///s.db\").trials
b = optuna.load_study(study_name=\"clip\", storage=\"sqlite:///copy.db\").trials
assert [t.params for t in a] == [t.params for t in b], (a, b)
assert [t.distributions for t in a] == [t.distributions for t in b]
"'
# A config cannot hold an infinity (strict JSON); its largest double is another choice, for
# Optuna too: suggest refuses it as it refuses other choices, writing nothing.
jq -n '{study: "clip", direction: "maximize", objective: "f1", sampler: {name: "random", seed: 1},
  budget: {epochs: 1}, fixed: {}, space: {x: {type: "float", low: 0, high: 1},
  clip: {type: "categorical", choices: [1.0, 5.0, 1.7976931348623157e308, -1.7976931348623157e308]}}}' >c.json
test_expect_success "Optuna refuses the largest double for the infinite choice" '"$PY" -W ignore -c "
import optuna, sys
s = optuna.load_study(study_name=\"clip\", storage=\"sqlite:///s.db\")
t = s.ask()
try: t.suggest_categorical(\"clip\", [1.0, 5.0, sys.float_info.max, -sys.float_info.max])
except ValueError: sys.exit(0)
sys.exit(1)
"'
n=$(sqlite3 s.db "SELECT count(*) FROM trials")
test_expect_code 2 "suggest refuses it too" suggest --db s.db --config c.json
test_expect_success "... naming both texts, writing nothing" '
  grep -q "space.clip: .* has other choices than .*Infinity, -Infinity" err &&
  [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = "$n" ]'
