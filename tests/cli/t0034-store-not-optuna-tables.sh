#!/usr/bin/env bash
# A SQLite file that has a table named studies but is not Optuna's (another program's database,
# or Optuna's tables half made by hand): every tool refuses it as an input error (exit 2) that
# says so, and leaves it as it was; it ended with exit 3 (an internal error) and 'prepare: no
# such table: version_info'. Optuna 3.1 does not refuse it at open: RDBStorage on a copy of
# other.db below makes the 12 tables it lacks (create_all), stamps version_info (schema 12) and
# alembic_version (v3.0.0.d), and then fails at the first read or write of a study
# (StorageInternalError: 'no such column: studies.study_id' from load_study and get_all_studies,
# 'table studies has no column named study_name' from create_study): the file changed, no study
# usable in it. The tools refuse it before anything is written.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
sqlite3 other.db "CREATE TABLE studies (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO studies (title) VALUES ('mice')"
sum() { sqlite3 "$1" .dump | md5sum; }
before=$(sum other.db)
for tool in "report --db other.db" "suggest --db other.db --config c.json" \
            "tell --db other.db --study kws --trial 0 --state fail" \
            "prune-check --db other.db --study kws --trial 0 --step 1 --value 1" \
            "study-copy --from other.db --to copy.db" "study-copy --from ok.db --to other.db"; do
  [ -e ok.db ] || suggest --db ok.db --config c.json >/dev/null
  test_expect_code 2 "${tool%% *} refuses a file whose table studies is not Optuna's (${tool#* })" $tool
  test_expect_success "... saying it is not an Optuna study database, and its tables are left as they were" '
    grep -q "other.db: not an Optuna study database: it has a table .studies. but no .version_info." err &&
    [ "$(sum other.db)" = "$before" ]'
done
# Optuna's tables without alembic_version (dropped by hand): the tools refuse it as they refuse
# any table of Optuna 3.1's schema dropped by hand (t5052). Optuna 3.1 takes it: RDBStorage
# makes alembic_version anew, stamped v3.0.0.d, and load_study loads the study with its trials.
suggest --db noalembic.db --config c.json >/dev/null && sqlite3 noalembic.db "DROP TABLE alembic_version"
test_expect_code 2 "report refuses Optuna's tables without alembic_version" report --db noalembic.db
test_expect_success "... saying so" 'grep -q "noalembic.db: not an Optuna study database: it has a table .studies. but no .alembic_version." err'
test_expect_code 2 "suggest too" suggest --db noalembic.db --config c.json
