#!/usr/bin/env bash
# A PostgreSQL database whose tables Optuna made got neither of wakesweep's indexes on trials
# (ws_trials_study_number, ws_trials_study_state: pg_open.c made them only with the schema it
# creates itself), while a SQLite file that Optuna made gets both from the first tool that may
# write to it. PostgreSQL now does the same: a reader (report) leaves the database as it is, the
# first writer (suggest) adds both. Needs the server of tests/cluster/run.sh.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
if [ -z "${WS_PG_HOST:-}" ]; then test_skip "indexes of an Optuna-made PostgreSQL database" "PostgreSQL only (make check-cluster)"; exit 0; fi
need_python "indexes of an Optuna-made PostgreSQL database" optuna
DB=$(db_new optidx) || exit 1
"$PY" - "$(db_sqlalchemy "$DB")" <<'P'
import sys, optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
s = optuna.create_study(study_name="kws", storage=sys.argv[1], direction="maximize")
s.enqueue_trial({"learning_rate": 0.01})
P
idx() { dbq "$DB" "SELECT string_agg(indexname, ' ' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'trials' AND indexname LIKE 'ws_%'"; }
test_expect_success "Optuna made the tables: no wakesweep index yet" '[ -z "$(idx)" ]'
test_expect_code 0 "report (a reader)" report --db "$DB" --study kws
test_expect_success "... leaves the database as it is" '[ -z "$(idx)" ]'
cp "$WS_ROOT/tests/cli/study.json" c.json
test_expect_code 0 "suggest (a writer)" suggest --db "$DB" --config c.json --study w
test_expect_success "... adds both indexes" '[ "$(idx)" = "ws_trials_study_number ws_trials_study_state" ]'
test_expect_code 0 "a second suggest" suggest --db "$DB" --config c.json --study w
nums() { dbq "$DB" "SELECT string_agg(t.number::text, ' ' ORDER BY t.number) FROM trials t JOIN studies s USING (study_id) WHERE s.study_name = 'w'"; }
test_expect_success "... the indexes as they were; the trials numbered 0, 1" '
  [ "$(idx)" = "ws_trials_study_number ws_trials_study_state" ] && [ "$(nums)" = "0 1" ]'
