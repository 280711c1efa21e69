#!/usr/bin/env bash
# report --best with an infinite value, beside what report(1) says of Optuna 3.1's best_trial on
# the same study file. 3.1 stores an infinite value as NULL and sorts by it: last when maximizing,
# first when minimizing, so that there its best_trial was a +inf trial, the worst. The man page
# said "after every finite value" for both directions.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" max.json   # maximize
jq '.direction = "minimize"' max.json >min.json
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
optuna_best() {   # DB: the number of Optuna's best_trial
  "$PY" -c "
import optuna, sys
optuna.logging.set_verbosity(optuna.logging.ERROR)
print(optuna.load_study(study_name='kws', storage='sqlite:///' + sys.argv[1]).best_trial.number)" "$1"
}
have_optuna=0
"$PY" -c 'import optuna' 2>/dev/null && have_optuna=1
# DIRECTION INF OURS OPTUNA31: trial 1 has the value INF, trials 0 and 2 have 0.5 and 0.7
for c in "max inf 1 2" "max -inf 2 2" "min inf 0 1" "min -inf 1 1"; do
  set -- $c
  db=$1$2.db
  suggest --db $db --config $1.json --n 3 >/dev/null
  tell --db $db --study kws --trial 0 --state complete --value 0.5 >/dev/null
  tell --db $db --study kws --trial 1 --state complete --value $2 >/dev/null
  tell --db $db --study kws --trial 2 --state complete --value 0.7 >/dev/null
  test_expect_code 0 "${1}imize, $2: report --best" report --db $db --best
  test_expect_success "... trial $3: an infinite value ranks as the number it is" "[ \"\$(jq .trial out)\" = $3 ]"
  if [ $have_optuna = 1 ]; then
    test_expect_success "... Optuna 3.1's best_trial: trial $4" "[ \"\$(optuna_best $db)\" = $4 ]"
  else
    test_skip "... Optuna 3.1's best_trial: trial $4" "python3-optuna is not installed"
  fi
done
set --
test_expect_success "report(1) says where 3.1 put an infinite value in each direction" '
  tr "\n" " " <"$WS_ROOT/share/man/man1/report.1" | grep -q "Optuna 3.1 on a database ranked it after every finite value when maximizing and before every one when minimizing"'

# Constraints: report --best takes the best feasible trial, as Optuna 4 does; Optuna 3.1's
# best_trial ignores them (trial 0, the better value, is infeasible).
suggest --db con.db --config max.json --n 2 >/dev/null
tell --db con.db --study kws --trial 0 --state complete --value 0.9 --constraint 1 >/dev/null
tell --db con.db --study kws --trial 1 --state complete --value 0.5 --constraint -1 >/dev/null
test_expect_code 0 "constraints: report --best" report --db con.db --best
test_expect_success "... trial 1, the feasible one" '[ "$(jq .trial out)" = 1 ]'
if [ $have_optuna = 1 ]; then
  test_expect_success "... Optuna 3.1's best_trial: trial 0, the infeasible one" '[ "$(optuna_best con.db)" = 0 ]'
else
  test_skip "... Optuna 3.1's best_trial: trial 0, the infeasible one" "python3-optuna is not installed"
fi
test_expect_success "report(1) says Optuna 3.1's best_trial ignores constraints" '
  tr "\n" " " <"$WS_ROOT/share/man/man1/report.1" | grep -q "Optuna 3.1.s ignores constraints"'
