#!/usr/bin/env bash
# A COMPLETE trial whose value is NaN (Optuna 3.1's add_trial and copy_study take it, and leave
# the row's value NULL with value_type FINITE, SQLite having no NaN) was copied into a SQLite file
# with value_type 'NAN', a type trial_values does not have (trialvaluetype: FINITE, INF_POS,
# INF_NEG), so that Optuna failed on the copy with a LookupError wherever it read that row. The
# copy now writes the row as Optuna's add_trial wrote the source's. (Optuna's get_trials, and so
# its copy_study, fail on such a row too: AssertionError; its best_trial reads the best trial
# alone and answers.)
. "$WS_ROOT/tests/cli/lib.sh"
need_python "study-copy NaN value" optuna
cat >make.py <<'P'
import sys, warnings
warnings.simplefilter("ignore")
import optuna
from optuna.distributions import FloatDistribution
from optuna.trial import create_trial
optuna.logging.set_verbosity(optuna.logging.ERROR)
if sys.argv[1] == "make":
    s = optuna.create_study(study_name="kws", storage="sqlite:///s.db", direction="maximize")
    for i, v in enumerate([0.5, float("nan"), 0.7]):
        s.add_trial(create_trial(params={"x": i / 10}, distributions={"x": FloatDistribution(0, 1)}, value=v))
else:   # the best trial as Optuna reads it from a file
    s = optuna.load_study(study_name="kws", storage="sqlite:///" + sys.argv[2])
    print(s.best_trial.number, s.best_value)
P
rows() { sqlite3 "$1" "SELECT t.number, quote(v.value), v.value_type FROM trial_values v JOIN trials t USING (trial_id) ORDER BY t.number"; }
test_expect_success "Optuna writes a NaN-valued trial as NULL, FINITE" '"$PY" make.py make &&
  [ "$(rows s.db | paste -sd" ")" = "0|0.5|FINITE 1|NULL|FINITE 2|0.7|FINITE" ]'
test_expect_code 0 "study-copy copies it" study-copy --from s.db --to ours.db
test_expect_success "... with the rows as Optuna wrote them" '
  [ "$(rows ours.db)" = "$(rows s.db)" ] || { diff <(rows s.db) <(rows ours.db) >&2; false; }'
test_expect_success "Optuna reads the copy's best trial as the source's" '
  [ "$("$PY" make.py best ours.db)" = "$("$PY" make.py best s.db)" ] && [ "$("$PY" make.py best s.db)" = "2 0.7" ]'
test_expect_code 0 "report reads the copy as the source" report --db ours.db --format jsonl
test_expect_success "... the NaN trial last, without a value" '
  [ "$(jq -c "[.trial, .value]" out | paste -sd" ")" = "[2,0.7] [0,0.5] [1,null]" ]'
