#!/usr/bin/env bash
# A COMPLETE trial whose value is NaN, on PostgreSQL: Optuna 3.1's add_trial writes the value as
# the float NaN with value_type FINITE there (PostgreSQL has NaN; SQLite has not, and gets NULL:
# t0020), reads it back as nan, and copy_study carries it on. study-copy refused it ("NaN is not
# an objective value", exit 2) when the destination was PostgreSQL, from either store; it now
# writes the row as Optuna does on each store.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
if [ -z "${WS_PG_HOST:-}" ]; then
  test_skip "study-copy NaN value on PostgreSQL" "no PostgreSQL server (make check-cluster starts one)"; exit 0
fi
need_python "study-copy NaN value on PostgreSQL" optuna psycopg2
SRC=$(db_new nan_src) && DST=$(db_new nan_dst) && FROM_SQLITE=$(db_new nan_sqlite) || exit 1
cat >make.py <<'P'
import math, sys, warnings
warnings.simplefilter("ignore")
import optuna
from optuna.distributions import FloatDistribution
from optuna.trial import create_trial
optuna.logging.set_verbosity(optuna.logging.ERROR)
if sys.argv[1] == "make":
    s = optuna.create_study(study_name="kws", storage=sys.argv[2], direction="maximize")
    for i, v in enumerate([0.5, float("nan"), 0.7]):
        s.add_trial(create_trial(params={"x": i / 10}, distributions={"x": FloatDistribution(0, 1)}, value=v))
else:   # the trials' values as Optuna reads them, and the best trial
    s = optuna.load_study(study_name="kws", storage=sys.argv[2])
    print(" ".join(repr(t.value) for t in s.get_trials()), s.best_trial.number, s.best_value)
P
rows() { dbq "$1" "SELECT t.number, CASE WHEN v.value IS NULL THEN 'NULL' ELSE v.value::text END, v.value_type
                   FROM trial_values v JOIN trials t USING (trial_id) ORDER BY t.number" | paste -sd" "; }
test_expect_success "Optuna writes a NaN-valued trial on PostgreSQL as NaN, FINITE" '"$PY" make.py make "$SRC" &&
  [ "$(rows "$SRC")" = "0|0.5|FINITE 1|NaN|FINITE 2|0.7|FINITE" ]'
test_expect_code 0 "study-copy PostgreSQL -> PostgreSQL copies it" study-copy --from "$SRC" --to "$DST"
test_expect_success "... with the rows as Optuna wrote them" '[ "$(rows "$DST")" = "$(rows "$SRC")" ]'
# (PostgreSQL orders NaN above every number, so Optuna's best_trial there, an ORDER BY value, is
# the NaN trial; report never ranks a NaN best: t0009)
test_expect_success "Optuna reads the copy as the source" '
  [ "$("$PY" make.py read "$DST")" = "$("$PY" make.py read "$SRC")" ] && [ "$("$PY" make.py read "$SRC")" = "0.5 nan 0.7 1 nan" ]'
test_expect_code 0 "study-copy PostgreSQL -> SQLite" study-copy --from "$SRC" --to sqlite:///b.db
test_expect_success "... writes NULL, FINITE, as Optuna does on SQLite" '
  [ "$(sqlite3 b.db "SELECT t.number, quote(v.value), v.value_type FROM trial_values v JOIN trials t USING (trial_id)
        ORDER BY t.number" | paste -sd" ")" = "0|0.5|FINITE 1|NULL|FINITE 2|0.7|FINITE" ]'
test_expect_code 0 "study-copy SQLite -> PostgreSQL" study-copy --from b.db --to "$FROM_SQLITE"
test_expect_success "... writes NaN, FINITE, as Optuna does on PostgreSQL" '[ "$(rows "$FROM_SQLITE")" = "$(rows "$SRC")" ]'
test_expect_code 0 "report reads the copy as the source" report --db "$DST" --format jsonl
test_expect_success "... the NaN trial last, without a value" '
  [ "$(jq -c "[.trial, .value]" out | paste -sd" ")" = "[2,0.7] [0,0.5] [1,null]" ]'
