#!/usr/bin/env bash
# A trial that suggest fails as stale is queued again as Optuna 3.1's RetryFailedTrialCallback
# queues it: study.add_trial(create_trial(state=WAITING, params=trial.params,
# distributions=trial.distributions, user_attrs=trial.user_attrs,
# system_attrs={"failed_trial": n, "retry_history": [], **trial.system_attrs})). suggest wrote the
# params as a fixed_params system attribute instead of trial_params rows (Optuna's trials list
# showed the retry with no params and a fixed_params Optuna never wrote), and copied of the
# failed trial's system attributes only its rungs (an enqueued trial's fixed_params, anything an
# Optuna worker had set, went missing). The reference: Optuna's own fail_stale_trials with the
# callback (inherit_intermediate_values left False, its default) on a copy of the study, row by
# row; then an Optuna worker claims each retry, and suggest claims Optuna's.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "retry rows as Optuna's" optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --tag t0 --pid $$ >first
prune-check --db s.db --study kws --trial 0 --step 1 --value 0.5 >/dev/null
prune-check --db s.db --study kws --trial 0 --step 2 --value inf >/dev/null
# trial 0 was enqueued with a fixed channels, reached a rung, had attributes set, then went silent
sqlite3 s.db "INSERT INTO trial_user_attributes (trial_id, key, value_json) VALUES (1, 'fold', '3'), (1, 'loss', 'NaN');
              INSERT INTO trial_system_attributes (trial_id, key, value_json) VALUES (1, 'completed_rung_0', 'Infinity'),
                (1, 'fixed_params', '{\"channels\": 16}'), (1, 'custom', '[1, {\"a\": null}]');
              UPDATE trial_heartbeats SET heartbeat = datetime('now', '-2 hours') WHERE trial_id = 1"
cp s.db ref.db
test_expect_code 0 "suggest --n 0 fails trial 0 as stale and queues it again" suggest --db s.db --config c.json --n 0
"$PY" -W ignore -c '
import sys, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.storages.RDBStorage("sqlite:///" + sys.argv[1], heartbeat_interval=1, grace_period=3600,
                               failed_trial_callback=optuna.storages.RetryFailedTrialCallback())
optuna.storages.fail_stale_trials(optuna.load_study(study_name="kws", storage=s))' ref.db
# rows FILE: every row of trial 1 (the retry), ids aside; wakesweep's own attributes of how a
# trial ran and ended (wakesweep:*) aside, which Optuna copies and suggest does not
rows() {
  sqlite3 "$1" "SELECT 'trial', number, state, datetime_start IS NULL, datetime_complete IS NULL FROM trials WHERE trial_id = 2;
    SELECT 'param', param_name, param_value, distribution_json FROM trial_params WHERE trial_id = 2 ORDER BY param_name;
    SELECT 'system', key, value_json FROM trial_system_attributes WHERE trial_id = 2 AND key NOT LIKE 'wakesweep:%' ORDER BY key;
    SELECT 'user', key, value_json FROM trial_user_attributes WHERE trial_id = 2 ORDER BY key;
    SELECT 'step', step, intermediate_value, intermediate_value_type FROM trial_intermediate_values WHERE trial_id = 2 ORDER BY step;
    SELECT 'value', objective, value, value_type FROM trial_values WHERE trial_id = 2"
}
test_expect_success "the retry's rows are those of Optuna's callback: params in trial_params, every system attribute" '
  rows ref.db >want && rows s.db >got && cat want got >&2 &&
  grep -q "^param|channels|16.0|" want && grep -q "^system|custom|" want && grep -q "^system|fixed_params|" want &&
  cmp want got'
test_expect_success "... but for the failed trial's wakesweep:* (its tag, pid, host, reason), which stay with it (its seed goes with the retry)" '
  [ "$(sqlite3 s.db "SELECT group_concat(key) FROM trial_system_attributes WHERE trial_id = 2 AND key LIKE '"'wakesweep:%'"'")" = wakesweep:seed ] &&
  [ "$(sqlite3 s.db "SELECT count(*) FROM trial_system_attributes WHERE trial_id = 1 AND key LIKE '"'wakesweep:%'"'")" -ge 5 ]'

# An Optuna worker claims the retry, asks the space, reports a step already held and a new one,
# and tells a value: the same rows whichever made the retry.
work() {
  "$PY" -W ignore -c '
import sys, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
st = optuna.load_study(study_name="kws", storage=sys.argv[1])
t = st.ask()
t.suggest_float("learning_rate", 1e-4, 1e-2, log=True); t.suggest_categorical("batch_size", [32, 64, 128])
t.suggest_int("channels", 16, 128, step=16); t.suggest_float("dropout", 0.0, 0.5, step=0.1)
if t.suggest_categorical("optimizer", ["adam", "adamw", "sgd"]) == "sgd": t.suggest_float("momentum", 0.8, 0.99)
t.report(0.7, 1); t.report(0.8, 4)
st.tell(t, 0.9)' "$1"
}
cp s.db w.db; cp ref.db wref.db
test_expect_success "an Optuna worker runs either retry to the same rows" '
  work sqlite:///wref.db && work sqlite:///w.db && rows wref.db >want && rows w.db >got && cat want got >&2 &&
  grep -q "^trial|1|COMPLETE|0|0$" want && grep -q "^value|0|0.9|FINITE$" want && cmp want got'
# suggest claims Optuna's retry, and its own, with the failed trial's params
cp ref.db cref.db
test_expect_code 0 "suggest claims Optuna's retry" suggest --db cref.db --config c.json
jq -S -c .params out >want
test_expect_code 0 "suggest claims its own retry" suggest --db s.db --config c.json
test_expect_success "... both with the failed trial's params" '
  jq -S -c .params out >got && cat want got >&2 && [ "$(jq .trial out)" = 1 ] &&
  [ "$(jq -S -c .params first)" = "$(cat want)" ] && cmp want got'
