#!/usr/bin/env bash
# The study file's alembic_version as Optuna 3.1 (RDBStorage's _VersionManager) reads it: a
# revision it does not know (a newer Optuna's, after its `optuna storage upgrade`) or more than
# one row is refused, and was taken: suggest added a trial, tell finished one, writing with
# v3.0.0.d's tables into another schema. Every tool now refuses both (exit 2, naming the file, the
# revisions found and Optuna 3.1's, nothing written). An empty table Optuna 3.1 takes (it stamps
# its head there, version_info saying 12), and so do the tools. Optuna itself says which it takes.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "alembic revisions" optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db base.db --config c.json --n 2 >/dev/null &&
  tell --db base.db --study kws --trial 0 --state complete --value 0.5 >/dev/null || exit 1
# case name, then the rows alembic_version holds
cases="newer:v3.2.0.a two:v3.0.0.d,v3.2.0.a twoold:v3.0.0.c,v3.0.0.d empty:"
for c in $cases; do
  db=${c%%:*} rows=${c#*:}
  cp base.db $db.db
  sqlite3 $db.db "DELETE FROM alembic_version" || exit 1
  for r in ${rows//,/ }; do sqlite3 $db.db "INSERT INTO alembic_version VALUES ('$r')" || exit 1; done
  cp $db.db optuna-$db.db
done
cat >load.py <<'P'
import sys, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
for name in sys.argv[1:]:
    try:
        optuna.load_study(study_name="kws", storage="sqlite:///optuna-%s.db" % name)
        print(name, "takes")
    except Exception:
        print(name, "refuses")
P
"$PY" load.py newer two twoold empty >answers 2>answers.err
sum() { sqlite3 "$1" .dump | md5sum; }
for c in newer:v3.2.0.a two:v3.0.0.d,v3.2.0.a twoold:v3.0.0.c,v3.0.0.d; do
  db=${c%%:*} rows=${c#*:}
  test_expect_success "Optuna 3.1 refuses alembic_version $rows" 'cat answers.err >&2; grep -qx "$db refuses" answers'
  before=$(sum $db.db)
  for tool in "suggest --db $db.db --config c.json" "report --db $db.db" \
              "prune-check --db $db.db --study kws --trial 1 --step 0 --value 0.7" \
              "tell --db $db.db --study kws --trial 1 --state complete --value 0.7" \
              "study-copy --from $db.db --to copy-$db.db"; do
    test_expect_code 2 "${tool%% *} refuses alembic_version $rows" $tool
  done
  test_expect_success "... nothing written, no copy made" '[ "$(sum $db.db)" = "$before" ] && [ ! -e copy-$db.db ]'
done
test_expect_code 2 "suggest on revision v3.2.0.a" suggest --db newer.db --config c.json
test_expect_success "... names the file, the revision, Optuna 3.1's and what to do" '
  grep -q "^suggest: newer.db: Optuna schema revision .v3.2.0.a. (alembic_version), one Optuna 3.1 does not know (it knows v0.9.0.a to v3.0.0.d)" err &&
  grep -q "Optuna that made it" err'
test_expect_code 2 "report on two rows" report --db two.db
test_expect_success "... names the file and both revisions" '
  grep -q "^report: two.db: alembic_version holds more than one revision (.v3.0.0.d., .v3.2.0.a.), expected one" err'
test_expect_success "Optuna 3.1 takes an empty alembic_version" 'grep -qx "empty takes" answers'
test_expect_code 0 "report takes it" report --db empty.db
test_expect_code 0 "suggest takes it" suggest --db empty.db --config c.json
test_expect_success "... and Optuna still takes the file" '
  cp empty.db optuna-empty.db && "$PY" load.py empty >answers2 && grep -qx "empty takes" answers2'
