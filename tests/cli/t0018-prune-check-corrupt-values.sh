#!/usr/bin/env bash
# Intermediate values that Optuna 3.1 could not have written (a hand-edited row: text, a blob or
# NULL where the type says FINITE, an unknown type, a negative step, a step that is a fraction or
# text) are an input error, exit 2, naming the table, trial and step; no prune decision is made.
# prune-check under the median pruner reads of the other trials only the COMPLETE ones' rows at
# the judged step, so a row edited away from that step (a step made negative, a fraction, text)
# is not read: it answers as Optuna 3.1 does (which reads such steps as they are), and report,
# which reads every row, refuses them.
# Before, such a row was read as 0 (text, blob), NaN (NULL, then ignored by the median) or
# another step (a fraction or text as its integer part, or 0), and prune-check answered on that
# in silence: trial 1's step 1 edited to 'abc' turned "prune" (exit 0) into "keep" (exit 1).
# Rows as Optuna writes them (NULL with type NAN or INF_POS) are read as before.
. "$WS_ROOT/tests/cli/lib.sh"
jq '.pruner = {"name": "median", "n_startup_trials": 2, "n_warmup_steps": 1}' "$WS_ROOT/tests/cli/study.json" >c.json
suggest --db base.db --config c.json --n 3 >/dev/null
for t in 0 1; do   # curves 0.5,0.6,0.7 and 0.7,0.8,0.9
  for s in 0 1 2; do prune-check --db base.db --study kws --trial $t --step $s --value "0.$((5 + 2 * t + s))" >/dev/null; done
  tell --db base.db --study kws --trial $t --state complete --value "0.$((7 + 2 * t))" >/dev/null
done

# edited NAME SQL: base.db with trial 1's rows changed by SQL (x: its step-1 row, y: its step-2 row)
edited() {
  cp base.db "$1.db" && command sqlite3 "$1.db" "UPDATE trial_intermediate_values SET $2
    WHERE trial_id = (SELECT trial_id FROM trials WHERE number = 1) AND step = ${3:-1}"
}
ask() { prune-check --db "$1.db" --study kws --trial 2 --step 1 --value 0.65; }
T="trial_intermediate_values: trial 1"

# Golden: Optuna 3.1's MedianPruner(n_startup_trials=2, n_warmup_steps=1) on these files, with
# trial 2's 0.65 at step 1 (checked with Debian's Optuna 3.1): clean True; nan False; inf False.
cp base.db clean.db
test_expect_code 0 "a clean study: 0.65 is below the median 0.7: pruned" ask clean
check() {   # check NAME SQL [STEP] MESSAGE: exit 2, the message, no line
  local name=$1 sql=$2 step=$3 msg=$4
  edited "$name" "$sql" "$step" || { echo "FAIL $name: could not edit"; return; }
  test_expect_code 2 "$name: exit 2" ask "$name"
  test_expect_success "... names the table, trial and step" "[ \"\$(cat err)\" = \"prune-check: $name.db: study 'kws': $msg\" ] && [ ! -s out ]"
}
check text "intermediate_value = 'abc'" 1 "$T, step 1: intermediate_value 'abc' is not a number"
check text-number "intermediate_value = '0.9x'" 1 "$T, step 1: intermediate_value '0.9x' is not a number"
check null "intermediate_value = NULL" 1 "$T, step 1: intermediate_value is NULL, but its type says FINITE (a number)"
check blob "intermediate_value = x'3f'" 1 "$T, step 1: intermediate_value is a blob, not a number"
check type "intermediate_value_type = 'BOGUS'" 1 "$T, step 1: intermediate_value_type 'BOGUS' is not FINITE, INF_POS, INF_NEG or NAN"
# steps edited away from step 1: report refuses them; prune-check reads no such row and answers as
# Optuna 3.1's MedianPruner on the same file (checked with Debian's Optuna 3.1: negative-step
# False, trial 1 then has no step 1; fraction-step, text-step, blob-step True)
check_step() {   # check_step NAME SQL STEP EXIT MESSAGE
  local name=$1 sql=$2 step=$3 code=$4 msg=$5
  edited "$name" "$sql" "$step" || { echo "FAIL $name: could not edit"; return; }
  test_expect_code 2 "$name: report: exit 2" report --db "$name.db"
  test_expect_success "... names the table, trial and step" "[ \"\$(cat err)\" = \"report: $name.db: study 'kws': $msg\" ] && [ ! -s out ]"
  test_expect_code "$code" "$name: prune-check answers as Optuna 3.1 (exit $code)" ask "$name"
}
check_step negative-step "step = -1" 1 1 "$T, step -1: a negative step (steps are integers >= 0)"
check_step fraction-step "step = 1.5" 2 0 "$T, step '1.5': not an integer step"
check_step text-step "step = 'x'" 2 0 "$T, step 'x': not an integer step"
check_step blob-step "step = x'01'" 2 0 "$T: a step that is a blob or NULL, not an integer"

# Optuna fails on the same rows (so no study it wrote holds one): loading (NULL with FINITE, an
# unknown type) or pruning (text, a blob).
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
test_expect_success "Optuna 3.1 fails on them too" "$PY - <<'PY'
import optuna, warnings
warnings.simplefilter('ignore')
optuna.logging.set_verbosity(optuna.logging.ERROR)
for name in ['text', 'null', 'blob', 'type']:
    try:
        study = optuna.load_study(study_name='kws', storage='sqlite:///%s.db' % name)
        trials = study.get_trials(deepcopy=False)
        optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1).prune(study, trials[2])
    except (AssertionError, LookupError, ValueError):
        continue
    raise SystemExit('Optuna read %s' % name)
PY"

# The other tools that read intermediate values say the same
test_expect_code 2 "report on a study with such a row: exit 2" report --db text.db
test_expect_success "... the same message" "[ \"\$(cat err)\" = \"report: text.db: study 'kws': $T, step 1: intermediate_value 'abc' is not a number\" ] && [ ! -s out ]"

# Rows as Optuna writes them are read as before, and decided as Optuna decides
edited nan "intermediate_value = NULL, intermediate_value_type = 'NAN'"
test_expect_code 1 "NULL with type NAN is NaN: ignored by the median (Optuna: False)" ask nan
test_expect_success "... of 1 trial" 'jq -e ".prune == false and (.reason | test(\"0.6 of 1 completed\"))" out'
edited inf "intermediate_value = NULL, intermediate_value_type = 'INF_POS'"
test_expect_code 1 "NULL with type INF_POS is inf (Optuna: False)" ask inf
