#!/usr/bin/env bash
# report's text form says which complete trials are infeasible, as the JSON (each trial's
# constraints) and the HTML (the trials card, the table's feasible column) do: it ranked them
# after the feasible ones without a word, so a trial of a better value stood below the best,
# and the table read as if ranked wrongly. Feasible as Optuna 3.1 judges it (every constraint
# value <= 0; in a study whose trials carry constraint values, a complete trial without them is
# not), asked of Optuna itself. Which of the two each is, is said: a trial told without
# constraint values was said to "break a constraint", though it has none.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "optuna feasibility" optuna
cp "$WS_ROOT/tests/cli/study.json" c.json   # maximize
suggest --db s.db --config c.json --n 4 >/dev/null
tell --db s.db --study kws --trial 0 --state complete --value 0.9 --constraint 0.5 >/dev/null
tell --db s.db --study kws --trial 1 --state complete --value 0.5 --constraint -0.1 >/dev/null
tell --db s.db --study kws --trial 2 --state complete --value 0.95 >/dev/null               # no constraint values
tell --db s.db --study kws --trial 3 --state complete --value 0.7 --constraint 0 >/dev/null
# Optuna's own rule (its NSGA-II's _constrained_dominates: a trial without constraint values in
# a study with them, or with a value > 0, is infeasible): the infeasible complete trials, by rank
"$PY" -W ignore - >want <<'P'
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.load_study(study_name="kws", storage="sqlite:///s.db")
t = s.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
t.sort(key=lambda x: (-x.value, x.number))
broken = [x.number for x in t if x.system_attrs.get("constraints") is not None and any(c > 0 for c in x.system_attrs["constraints"])]
none = [x.number for x in t if x.system_attrs.get("constraints") is None]
def trials(n): return "trial %d" % n[0] if len(n) == 1 else "trials " + ", ".join(map(str, n))
print("infeasible: %d complete trials (ranked after the feasible ones): %s %s a constraint; %s %s no constraint values"
      % (len(broken) + len(none), trials(broken), "breaks" if len(broken) == 1 else "break", trials(none), "has" if len(none) == 1 else "have"))
print(" ".join(str(x) for x in broken + none), file=open("want.numbers", "w"))
P
test_expect_code 0 "text" report --db s.db
test_expect_success "... names the infeasible complete trials, as Optuna judges them, after the best line" '
  [ "$(sed -n 3p out)" = "$(cat want)" ] && grep -q "^best: trial 3, value 0.7$" out'
test_expect_success "... as the JSON has them: their constraints" '
  report --db s.db --format json >j.json &&
  [ "$(jq -r "[.trials[] | select(.state == \"COMPLETE\" and (.constraints | . != null and any(. > 0))) | .trial] +
               [.trials[] | select(.state == \"COMPLETE\" and .constraints == null) | .trial] | join(\" \")" j.json)" = "$(cat want.numbers)" ]'
suggest --db one.db --config c.json --n 2 >/dev/null
tell --db one.db --study kws --trial 0 --state complete --value 0.9 --constraint 1 >/dev/null
tell --db one.db --study kws --trial 1 --state fail >/dev/null
test_expect_code 0 "none feasible: text" report --db one.db
test_expect_success "... one trial, said in the singular, after the reason there is no best" '
  grep -q "^best: none: no complete trial is feasible$" out &&
  [ "$(sed -n 3p out)" = "infeasible: 1 complete trial (ranked after the feasible ones): trial 0 breaks a constraint" ]'
suggest --db told.db --config c.json --n 3 >/dev/null
tell --db told.db --study kws --trial 0 --state complete --value 0.9 --constraint -1 >/dev/null
tell --db told.db --study kws --trial 1 --state complete --value 0.8 >/dev/null   # no constraint values
test_expect_code 0 "a told trial without constraint values only: text" report --db told.db
test_expect_success "... says it has none, not that it breaks one" '
  [ "$(sed -n 3p out)" = "infeasible: 1 complete trial (ranked after the feasible ones): trial 1 has no constraint values" ]'
test_expect_code 0 "... html" report --db told.db --format html
test_expect_success "... says the same" '
  grep -q "<dt>infeasible</dt><dd>1 complete trial has no constraint values</dd>" out && ! grep -q "breaks\? a constraint" out'
suggest --db free.db --config c.json --n 2 >/dev/null
tell --db free.db --study kws --trial 0 --state complete --value 0.4 >/dev/null
tell --db free.db --study kws --trial 1 --state complete --value 0.6 >/dev/null
test_expect_code 0 "a study without constraints: text" report --db free.db
test_expect_success "... has no such line" '! grep -q infeasible out && grep -q "^ *trial  state" out'
