#!/usr/bin/env bash
# Objective values, parameter values and trial states that Optuna 3.1 could not have written (a
# hand-edited row: text or a blob where a number goes, an unknown value_type or NAN, which
# trial_values does not have, an objective other than 0, a NULL parameter, a categorical index
# that is no choice, a state other than Optuna's five)
# are an input error, exit 2, naming the table, trial and row, as t0018's intermediate values
# are; no tool answers on them. Before, such a value was read as 0 (or its numeric prefix), an
# unknown type by the number beside it, NAN as NaN, another objective as none, and report's best
# trial and TPE (suggest) moved in silence: trial 1's 0.9 edited to 'abc' made trial 2 (0.8)
# the best. A NULL value with type FINITE is what Optuna's add_trial leaves for NaN: read as NaN,
# as before (t0009, t0020).
. "$WS_ROOT/tests/cli/lib.sh"
jq '.sampler = {"name": "tpe", "seed": 7, "n_startup_trials": 2}' "$WS_ROOT/tests/cli/study.json" >c.json
suggest --db base.db --config c.json --n 4 --tag t >/dev/null
for t in 0 1 2; do tell --db base.db --study kws --trial $t --state complete --value "0.$((7 + (t * 2) % 3))" >/dev/null; done
# trials 0.7, 0.9, 0.8 COMPLETE, trial 3 RUNNING

# edited NAME TABLE SET [WHERE]: base.db with trial 1's row(s) of TABLE changed by SQL
edited() {
  cp base.db "$1.db" && command sqlite3 "$1.db" "UPDATE $2 SET $3
    WHERE trial_id = (SELECT trial_id FROM trials WHERE number = 1)${4:+ AND $4}"
}
TV="trial_values: trial 1, objective 0"
TP="trial_params: trial 1, param"

# Golden: Optuna 3.1's best_trial
cp base.db clean.db
test_expect_code 0 "a clean study: the best trial is 1" report --db clean.db --best --format json
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
best() { "$PY" -W ignore -c "import optuna; s = optuna.load_study(study_name='kws', storage='sqlite:///$1'); print(s.best_trial.number, s.best_value)"; }
test_expect_success "... of 0.9, as Optuna's best_trial" '[ "$(jq -c "[.trial, .value]" out)" = "[1,0.9]" ] && [ "$(best clean.db)" = "1 0.9" ]'

check() {   # check NAME TABLE SET WHERE MESSAGE: report exits 2 with the message, no line
  local name=$1 msg=$5
  edited "$name" "$2" "$3" "$4" || { echo "FAIL $name: could not edit"; return; }
  test_expect_code 2 "$name: exit 2" report --db "$name.db" --best --format json
  test_expect_success "... names the table, trial and row" "[ \"\$(cat err)\" = \"report: $name.db: study 'kws': $msg\" ] && [ ! -s out ]"
}
check text trial_values "value = 'abc'" "" "$TV: value 'abc' is not a number"
check text-number trial_values "value = '0.95x'" "" "$TV: value '0.95x' is not a number"
check blob trial_values "value = x'3f'" "" "$TV: value is a blob, not a number"
check type trial_values "value_type = 'BOGUS'" "" "$TV: value_type 'BOGUS' is not FINITE, INF_POS or INF_NEG"
check nan-type trial_values "value = NULL, value_type = 'NAN'" "" "$TV: value_type 'NAN' is not FINITE, INF_POS or INF_NEG"
check objective trial_values "objective = 1" "" "trial_values: trial 1, objective 1: the study has one objective, 0"
check text-objective trial_values "objective = 'x'" "" "trial_values: trial 1, objective 'x': not an integer objective"
check param-text trial_params "param_value = 'abc'" "param_name = 'learning_rate'" "$TP learning_rate: param_value 'abc' is not a number"
check param-null trial_params "param_value = NULL" "param_name = 'channels'" "$TP channels: param_value is NULL, not a number"
check param-blob trial_params "param_value = x'3f'" "param_name = 'dropout'" "$TP dropout: param_value is a blob, not a number"
check param-choice trial_params "param_value = 7" "param_name = 'optimizer'" "$TP optimizer: param_value 7 is not the index of one of its 3 choices"
check param-fraction trial_params "param_value = 0.5" "param_name = 'batch_size'" "$TP batch_size: param_value 0.5 is not the index of one of its 3 choices"
# a trial state Optuna does not write was read as FAIL, in silence
check state trials "state = 'BOGUS'" "" "trials: trial 1: state 'BOGUS' is not one Optuna writes (RUNNING, COMPLETE, PRUNED, FAIL, WAITING)"

# Optuna fails on them too, asked for a TPE trial of every param: loading (an unknown type, NAN,
# another objective, a NULL or text param of an int or categorical, an index past the choices)
# or in TPE (a text or blob value or float param). A fractional index it reads as choice
# int(0.5) = 0, where it writes only whole indices.
test_expect_success "Optuna 3.1 fails on them too" "$PY - <<'PY'
import optuna, shutil, warnings
warnings.simplefilter('ignore')
optuna.logging.set_verbosity(optuna.logging.ERROR)
for name in ['text', 'text-number', 'blob', 'type', 'nan-type', 'objective', 'text-objective',
             'param-text', 'param-null', 'param-blob', 'param-choice', 'state']:
    shutil.copy('%s.db' % name, 'optuna.db')   # ask() adds a trial before TPE fails
    try:
        study = optuna.load_study(study_name='kws', storage='sqlite:///optuna.db',
                                  sampler=optuna.samplers.TPESampler(n_startup_trials=2, seed=1))
        t = study.ask()
        t.suggest_float('learning_rate', 1e-4, 1e-2, log=True)
        t.suggest_categorical('batch_size', [32, 64, 128])
        t.suggest_int('channels', 16, 128, step=16)
        t.suggest_float('dropout', 0.0, 0.5, step=0.1)
        t.suggest_categorical('optimizer', ['adam', 'adamw', 'sgd'])
    except (AssertionError, LookupError, TypeError, ValueError):
        continue
    raise SystemExit('Optuna read %s' % name)
PY"

# Every tool that reads the study's trials says the same, and does nothing
M="study 'kws': $TV: value 'abc' is not a number"
test_expect_code 2 "report (text) on a bad value: exit 2" report --db text.db
test_expect_success "... the message, no output" "[ \"\$(cat err)\" = \"report: text.db: $M\" ] && [ ! -s out ]"
test_expect_code 2 "suggest: exit 2" suggest --db text.db --config c.json
test_expect_success "... the message, no trial" "[ \"\$(cat err)\" = \"suggest: text.db: $M\" ] && [ ! -s out ] &&
  [ \"\$(sqlite3 text.db 'SELECT count(*) FROM trials')\" = 4 ]"
test_expect_code 2 "suggest on a bad param: exit 2" suggest --db param-text.db --config c.json
test_expect_success "... the message, no trial" "[ \"\$(cat err)\" = \"suggest: param-text.db: study 'kws': $TP learning_rate: param_value 'abc' is not a number\" ] &&
  [ ! -s out ] && [ \"\$(sqlite3 param-text.db 'SELECT count(*) FROM trials')\" = 4 ]"
test_expect_code 2 "prune-check: exit 2" prune-check --db text.db --study kws --trial 3 --step 0 --value 0.5
# (the value is stored first, as Optuna's trial.report stores it before should_prune reads the study)
test_expect_success "... the message, no decision" "[ \"\$(cat err)\" = \"prune-check: text.db: $M\" ] && [ ! -s out ]"
test_expect_code 2 "study-copy: exit 2" study-copy --from text.db --to copy.db
test_expect_success "... the message, no study file made (the source is read whole before --to is opened)" "[ \"\$(cat err)\" = \"study-copy: --from text.db: $M\" ] && [ ! -s out ] &&
  [ ! -e copy.db ]"
test_expect_code 2 "train-trial --result-of: exit 2" train-trial --db text.db --result-of t
test_expect_success "... the message, no line" "[ \"\$(cat err)\" = \"train-trial: text.db: $M\" ] && [ ! -s out ]"
# tell reads its own trial only (RUNNING: no value yet), not trial 1's
test_expect_code 0 "tell of another trial is not stopped by it" tell --db text.db --study kws --trial 3 --state complete --value 0.6

# A NULL value with type FINITE is a NaN (Optuna's add_trial writes it so): no value to rank by,
# as Optuna's best_trial passes it over
edited null trial_values "value = NULL"
test_expect_code 0 "NULL with type FINITE is NaN, not refused" report --db null.db --best --format json
test_expect_success "... and not the best, as Optuna's best_trial" '[ "$(jq -c "[.trial, .value]" out)" = "[2,0.8]" ] && [ "$(best null.db)" = "2 0.8" ]'
