#!/usr/bin/env bash
# A study deleted by hand (`DELETE FROM studies WHERE ...` in sqlite3, whose foreign keys are off)
# leaves its rows in the other tables under its study_id, and SQLite gives that id again to the
# next study made in the file (studies.study_id has no AUTOINCREMENT; Optuna 3.1 gets it too).
# suggest making a study of that name anew then failed on the study_directions row left
# (exit 3, an internal error: 'create study: UNIQUE constraint failed'), and where that row was
# gone too, made the study with exit 0 and took over the deleted study's trials and attributes
# (its config, seed and data hash among them) as its own. Now the study is not made: exit 2,
# naming the file, the table and the study_id whose rows are left, and the file as it was.
# The rows left are found here by sqlite3, the study file made by Optuna 3.1.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "orphan-rows" optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
"$PY" - <<'P' 2>optuna.err || { echo "FAIL (Optuna 3.1 makes the study file): $(tail -c 300 optuna.err)"; exit 0; }
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="kws", storage="sqlite:///base.db", direction="maximize")
s.set_user_attr("note", "the deleted study's")
for v in (0.5, 0.7):
    t = s.ask({"learning_rate": optuna.distributions.FloatDistribution(1e-4, 1e-2, log=True)})
    t.report(v, 0)
    s.tell(t, v)
P
suggest --db ok.db --config c.json >/dev/null || exit 1   # a study to copy
# the rows only: suggest's first open of a file Optuna made adds its two indexes on trials
sum() { sqlite3 "$1" .dump | grep '^INSERT' | md5sum; }
study_id=$(sqlite3 base.db "SELECT study_id FROM studies WHERE study_name = 'kws'")
test_expect_success "(Optuna made study kws, study_id 1, with 2 trials)" \
  '[ "$study_id" = 1 ] && [ "$(sqlite3 base.db "SELECT count(*) FROM trials WHERE study_id = 1")" = 2 ]'
# each case: the tables whose rows of study_id 1 are deleted beside the studies row, then the
# first table (in the order the tool looks) that still holds some
for c in "studies:study_directions" "studies study_directions:study_user_attributes" \
         "studies study_directions study_user_attributes study_system_attributes:trials"; do
  gone=${c%%:*} left=${c#*:}
  f=$(echo "$gone" | tr ' ' -).db
  cp base.db "$f"
  for t in $gone; do sqlite3 "$f" "DELETE FROM $t WHERE study_id = 1" || exit 1; done
  test_expect_success "(sqlite3: with $gone deleted, $left holds rows of study_id 1)" \
    "[ \"\$(sqlite3 $f 'SELECT count(*) FROM $left WHERE study_id = 1')\" -gt 0 ]"
  before=$(sum "$f")
  test_expect_code 2 "suggest does not make study kws anew over the rows left ($gone deleted)" \
    suggest --db "$f" --config c.json
  test_expect_success "... naming the file, the table and the study_id; the file as it was" \
    "grep -q '$f: .*kws.*: $left holds rows of study_id 1' err && ! grep -q UNIQUE err && [ \"\$(sum $f)\" = '$before' ]"
  test_expect_code 2 "study-copy does not make study kws there anew either" study-copy --from ok.db --to "$f"
  test_expect_success "... naming the table; the file as it was" \
    "grep -q '$left holds rows of study_id 1' err && [ \"\$(sum $f)\" = '$before' ]"
done
# its study's rows deleted, trials included, as the message asks, but not its trials' rows (keyed
# by trial_id, which SQLite gives again too): the new study's first trial took their params and
# values (exit 0), or failed on a param's row (exit 3, 'UNIQUE constraint failed'); now refused
cp base.db trialrows.db
for t in studies study_directions study_user_attributes study_system_attributes trials; do
  sqlite3 trialrows.db "DELETE FROM $t WHERE study_id = 1" || exit 1
done
test_expect_success "(sqlite3: with the study's rows deleted, trial_params holds rows of trial_id 1 and 2)" \
  '[ "$(sqlite3 trialrows.db "SELECT count(*) FROM trial_params WHERE trial_id NOT IN (SELECT trial_id FROM trials)")" = 2 ]'
before=$(sum trialrows.db)
test_expect_code 2 "suggest does not make study kws anew over its trials' rows left" suggest --db trialrows.db --config c.json
test_expect_success "... naming the file, the table and a trial_id; the file as it was" \
  "grep -q 'trialrows.db: .*kws.*: trial_params holds rows of trial_id [12],' err && ! grep -q UNIQUE err && [ \"\$(sum trialrows.db)\" = '$before' ]"
test_expect_code 2 "study-copy does not make it there either" study-copy --from ok.db --to trialrows.db
# deleted whole (every table's rows, as optuna.delete_study does): the study is made anew
cp base.db whole.db
"$PY" -c 'import optuna, sys; optuna.delete_study(study_name="kws", storage="sqlite:///" + sys.argv[1])' whole.db || exit 1
test_expect_code 0 "suggest makes study kws anew in a file where Optuna deleted it" suggest --db whole.db --config c.json
test_expect_success "... with its one trial, none of the deleted study's" \
  '[ "$(sqlite3 whole.db "SELECT count(*) FROM trials")" = 1 ] && [ "$(sqlite3 whole.db "SELECT count(*) FROM trial_values")" = 0 ]'
