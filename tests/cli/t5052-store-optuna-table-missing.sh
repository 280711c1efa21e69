#!/usr/bin/env bash
# A study file that lacks one of the tables of Optuna 3.1's schema (dropped by hand, or a tool of
# one's own that made only some): the tools read or wrote the missing table and ended with exit 3,
# an internal error ('prepare: no such table: trial_values'), or went on without it (tell with no
# trial_heartbeats; suggest with no studies made a new one beside the old study_directions and
# failed on them). Every tool now refuses such a file as bad input (exit 2), naming the file and
# the missing table, before anything is written to it. The tables are Optuna's own (its models'
# metadata, plus alembic's alembic_version), not the ones the tools make. (Optuna 3.1 itself
# makes a missing table anew, empty, on opening and goes on: the tools, readers among them,
# neither write a file they only read nor take a study whose values or params are gone.)
. "$WS_ROOT/tests/cli/lib.sh"
need_python "Optuna's tables" optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
"$PY" -c '
from optuna.storages._rdb import models
for t in sorted(models.BaseModel.metadata.tables): print(t)
print("alembic_version")' >tables 2>tables.err
test_expect_success "(Optuna 3.1's schema has its tables)" 'cat tables.err >&2; grep -qx trial_values tables && [ $(wc -l <tables) -ge 13 ]'
suggest --db base.db --config c.json --n 2 >/dev/null &&
  tell --db base.db --study kws --trial 0 --state complete --value 0.5 >/dev/null || exit 1
sum() { { sqlite3 "$1" .dump; cat "$1"; } | md5sum; }
for t in $(cat tables); do
  cp base.db $t.db
  sqlite3 $t.db "DROP TABLE $t" || exit 1
  before=$(sum $t.db)
  for tool in "suggest --db $t.db --config c.json" "report --db $t.db" \
              "tell --db $t.db --study kws --trial 1 --state complete --value 0.7" \
              "prune-check --db $t.db --study kws --trial 1 --step 0 --value 0.7" \
              "train-trial --db $t.db --study kws --result-of x" \
              "study-copy --from $t.db --to copy-$t.db"; do
    test_expect_code 2 "${tool%% *} refuses a study file without table $t" $tool
    test_expect_success "... naming the file and the table" "grep -q '$t.db: not an Optuna study database: .*but no .*.$t.' err"
  done
  test_expect_success "... nothing written to $t.db, no copy made" '[ "$(sum $t.db)" = "$before" ] && [ ! -e copy-$t.db ]'
done
# the whole schema: taken as before
test_expect_code 0 "suggest takes the study file with all its tables" suggest --db base.db --config c.json
