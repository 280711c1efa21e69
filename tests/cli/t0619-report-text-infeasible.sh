#!/usr/bin/env bash
# report's text form says which complete trials are infeasible, as the JSON (each trial's
# constraints) and the HTML (the trials card, the table's feasible column) do: it ranked them
# after the feasible ones without a word, so a trial of a better value stood below the best,
# and the table read as if ranked wrongly. Feasible as Optuna 3.1 judges it (every constraint
# value <= 0; in a study whose trials carry constraint values, a complete trial without them is
# not), asked of Optuna itself.
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
bad = [x for x in t if x.system_attrs.get("constraints") is None or any(c > 0 for c in x.system_attrs["constraints"])]
bad.sort(key=lambda x: (-x.value, x.number))
print("infeasible: %d complete trials break a constraint (ranked after the feasible ones): trials %s"
      % (len(bad), ", ".join(str(x.number) for x in bad)))
P
test_expect_code 0 "text" report --db s.db
test_expect_success "... names the infeasible complete trials, as Optuna judges them, after the best line" '
  [ "$(sed -n 3p out)" = "$(cat want)" ] && grep -q "^best: trial 3, value 0.7$" out'
test_expect_success "... as the JSON has them: their constraints" '
  report --db s.db --format json >j.json &&
  [ "$(jq -r "[.trials[] | select(.state == \"COMPLETE\" and ((.constraints // [1]) | any(. > 0))) | .trial] | join(\", \")" j.json)" = "$(sed "s/.*: trials //" want)" ]'
suggest --db one.db --config c.json --n 2 >/dev/null
tell --db one.db --study kws --trial 0 --state complete --value 0.9 --constraint 1 >/dev/null
tell --db one.db --study kws --trial 1 --state fail >/dev/null
test_expect_code 0 "none feasible: text" report --db one.db
test_expect_success "... one trial, said in the singular, after the reason there is no best" '
  grep -q "^best: none: no complete trial is feasible$" out &&
  [ "$(sed -n 3p out)" = "infeasible: 1 complete trial breaks a constraint (ranked after the feasible ones): trial 0" ]'
suggest --db free.db --config c.json --n 2 >/dev/null
tell --db free.db --study kws --trial 0 --state complete --value 0.4 >/dev/null
tell --db free.db --study kws --trial 1 --state complete --value 0.6 >/dev/null
test_expect_code 0 "a study without constraints: text" report --db free.db
test_expect_success "... has no such line" '! grep -q infeasible out && grep -q "^ *trial  state" out'
