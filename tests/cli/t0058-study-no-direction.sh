#!/usr/bin/env bash
# A study whose direction is not set: study_directions NOT_SET (what an Optuna 2 left when killed
# between making a study and setting its direction; Optuna 3.1's storage still makes one) or no
# row at all. The tools read it as minimize: study-copy copied it as a minimizing study (Optuna's
# copy_study refuses it: "Please set either 'minimize' or 'maximize'"), report showed it as one and
# suggest continued it, while Optuna's own TPE takes NOT_SET as maximize. Every tool refuses it
# now, as a multi-objective study (exit 2, naming the study and what it lacks), changing nothing.
# And a multi-objective study whose first direction differs from the config's was said to "exist
# with direction minimize", so that a user who gave that was then told it is multi-objective.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "studies without a direction" optuna
cat >make.py <<'P'
import warnings
warnings.simplefilter("ignore")
import optuna
from optuna.study import StudyDirection as D
optuna.logging.set_verbosity(optuna.logging.ERROR)
st = optuna.storages.RDBStorage("sqlite:///d.db")
for name, dirs in (("notset", [D.NOT_SET]), ("nodir", []), ("mo", [D.MINIMIZE, D.MAXIMIZE])):
    sid = st.create_new_study(dirs, name)
    tid = st.create_new_trial(sid)
# the reference: Optuna's copy_study refuses both studies without a direction
for name in ("notset", "nodir"):
    try:
        optuna.copy_study(from_study_name=name, from_storage="sqlite:///d.db", to_storage="sqlite:///o.db")
        raise SystemExit("Optuna copied " + name)
    except ValueError:
        pass
P
test_expect_success "Optuna makes studies with direction NOT_SET, with none, with two; its copy_study refuses the first two" \
  '"$PY" make.py'
jq -n '{direction:"minimize",sampler:{name:"random",seed:1},budget:{epochs:2},space:{x:{type:"float",low:0,high:1}}}' >base.json
for s in notset nodir; do
  case $s in notset) why="no direction set (study_directions: NOT_SET)" ;; *) why="no direction (no study_directions row)" ;; esac
  test_expect_code 2 "report refuses study $s" report --db d.db --study $s --format json
  test_expect_success "... naming it and what it lacks, printing nothing" '
    grep -q "d.db: study .$s. has $why; wakesweep takes single-objective studies" err && [ ! -s out ]'
  test_expect_code 2 "study-copy refuses it" study-copy --from d.db --study $s --to c_$s.db
  test_expect_success "... making no copy" 'grep -q "study .$s. has $why" err && [ ! -e c_$s.db ]'
  jq --arg s $s '.study = $s' base.json >c_$s.json
  test_expect_code 2 "suggest refuses it" suggest --db d.db --config c_$s.json
  test_expect_code 2 "tell refuses its trial 0" tell --db d.db --study $s --trial 0 --state fail
  test_expect_code 2 "prune-check too" prune-check --db d.db --study $s --trial 0 --step 0 --value 1
done
jq '.study = "mo" | .direction = "maximize"' base.json >c_mo.json
test_expect_code 2 "suggest with direction maximize on a study of directions minimize, maximize" suggest --db d.db --config c_mo.json
test_expect_success "... says it is multi-objective, not that its direction is minimize" '
  grep -q "has 2 objectives (a multi-objective Optuna study)" err && ! grep -q "direction minimize" err'
test_expect_success "the studies are as Optuna left them: no direction added, no trial added or finished" '
  [ "$(sqlite3 d.db "SELECT group_concat(study_id || direction, \" \") FROM study_directions")" = "1NOT_SET 3MINIMIZE 3MAXIMIZE" ] &&
  [ "$(sqlite3 d.db "SELECT count(*) FROM trials WHERE state = \"RUNNING\"")" = 3 ] &&
  [ "$(sqlite3 d.db "SELECT count(*) FROM trials")" = 3 ]'
