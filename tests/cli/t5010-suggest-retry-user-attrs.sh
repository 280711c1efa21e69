#!/usr/bin/env bash
# A trial that suggest fails as stale (or --reap, or a trial line it could not write) is queued
# again as Optuna's RetryFailedTrialCallback queues it: that callback copies the failed trial's
# user attributes to the WAITING trial (create_trial(..., user_attrs=trial.user_attrs)); suggest
# copied none, so what an Optuna worker had set on the trial (trial.set_user_attr) was lost on its
# retry. The reference: Optuna's own fail_stale_trials with the callback on a copy of the study.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "retry user attributes as Optuna's" optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 2 >/dev/null
# trial 0, run by an Optuna worker, set two user attributes, then went silent long ago
sqlite3 s.db "INSERT INTO trial_user_attributes (trial_id, key, value_json) VALUES (1, 'fold', '3'), (1, 'note', '{\"host\": \"b2\", \"tries\": [1, 2]}');
              UPDATE trial_heartbeats SET heartbeat = datetime('now', '-2 hours') WHERE trial_id = 1"
cp s.db ref.db
test_expect_code 0 "suggest --n 0 fails trial 0 as stale" suggest --db s.db --config c.json --n 0
ua() {
  "$PY" -W ignore -c '
import json, sys, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
st = optuna.load_study(study_name="kws", storage=sys.argv[1])
print(json.dumps([(t.number, t.user_attrs) for t in st.trials if t.state == optuna.trial.TrialState.WAITING], sort_keys=True))' "$1"
}
# optuna_retry FILE: Optuna fails FILE's stale trials with its RetryFailedTrialCallback
optuna_retry() {
  "$PY" -W ignore -c '
import sys, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.storages.RDBStorage("sqlite:///" + sys.argv[1], heartbeat_interval=1, grace_period=3600,
                               failed_trial_callback=optuna.storages.RetryFailedTrialCallback())
optuna.storages.fail_stale_trials(optuna.load_study(study_name="kws", storage=s))' "$1"
}
test_expect_success "Optuna's RetryFailedTrialCallback on a copy queues the same user attributes" '
  optuna_retry ref.db &&
  ua sqlite:///ref.db >want && ua sqlite:///s.db >got && cat want got >&2 &&
  grep -q "\"fold\": 3" want && cmp want got'

# Attributes Python wrote that are not strict JSON (NaN, Infinity, an integer past 64 bits; a
# rung's value that was infinite) were read as stand-ins (null, the largest double, a string)
# and the retry got those instead of the values, which Optuna's callback copies as they are.
suggest --db t.db --config c.json --n 1 >/dev/null
sqlite3 t.db "INSERT INTO trial_user_attributes (trial_id, key, value_json) VALUES (1, 'big', '1000000000000000000000000000000'),
                (1, 'loss', 'NaN'), (1, 'span', '[Infinity, -Infinity, {\"a\": null}]');
              INSERT INTO trial_system_attributes (trial_id, key, value_json) VALUES (1, 'completed_rung_0', 'Infinity');
              UPDATE trial_heartbeats SET heartbeat = datetime('now', '-2 hours') WHERE trial_id = 1"
cp t.db tref.db
test_expect_code 0 "suggest --n 0 fails as stale a trial with NaN, Infinity and a 100-bit integer in its attributes" \
  suggest --db t.db --config c.json --n 0
attrs() {
  sqlite3 "$1" "SELECT 'u', key, value_json FROM trial_user_attributes WHERE trial_id = 2 UNION ALL
                SELECT 's', key, value_json FROM trial_system_attributes WHERE trial_id = 2 AND key LIKE 'completed_rung_%'
                ORDER BY 1, 2"
}
test_expect_success "... its retry holds them as Optuna's RetryFailedTrialCallback writes them" '
  optuna_retry tref.db &&
  attrs tref.db >want && attrs t.db >got && cat want got >&2 && grep -q "^u|big|1000000000000000000000000000000$" want &&
  grep -q "^s|completed_rung_0|Infinity$" want && cmp want got'

# A retried trial whose categorical parameter took an infinite or NaN choice (Optuna takes any
# float as one, writing Python's bare Infinity or NaN): the retry's fixed_params held the
# stand-ins (1.7976931348623157e+308, null), which are none of the choices, and an Optuna worker
# that claimed it raised ValueError in to_internal_repr. The reference: a worker claiming the
# retries Optuna's callback makes on a copy gets the failed trials' own choices.
"$PY" -W ignore - <<'P'
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="kws", direction="maximize", storage="sqlite:///n.db")
for _ in range(3): s.ask().suggest_categorical("c", [1.0, float("inf"), float("-inf"), float("nan")])
P
sqlite3 n.db "UPDATE trial_params SET param_value = trial_id WHERE param_name = 'c';
              INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (1, datetime('now', '-2 hours')), (2, datetime('now', '-2 hours')),
                (3, datetime('now', '-2 hours'))"
cp n.db nref.db
test_expect_code 0 "suggest --n 0 queues again trials that took an infinite or NaN choice" suggest --db n.db --config c.json --n 0
claim() {
  "$PY" -W ignore -c '
import sys, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
st = optuna.load_study(study_name="kws", storage=sys.argv[1])
print(" ".join(sorted(repr(st.ask().suggest_categorical("c", [1.0, float("inf"), float("-inf"), float("nan")])) for _ in range(3))))' "$1"
}
test_expect_success "... an Optuna worker claims the retries with the choices Optuna's callback keeps" '
  optuna_retry nref.db && claim sqlite:///nref.db >want && claim sqlite:///n.db >got && cat want got >&2 &&
  [ "$(cat want)" = "-inf inf nan" ] && cmp want got'
