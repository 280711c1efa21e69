#!/usr/bin/env bash
# A trial number held by two rows (rows deleted by hand: Optuna numbers a new trial by the count
# of its earlier ones) where suggest knows the trial's id: claiming a WAITING trial and failing
# and queueing again a stale RUNNING one go by that id, as Optuna 3.1's ask() and
# fail_stale_trials (RetryFailedTrialCallback) do, and the sweep goes on. They looked the trial up
# again by its number and, refused as ambiguous, failed every suggest until the rows were fixed.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
echo '{"learning_rate": 0.001, "batch_size": 64, "channels": 32, "dropout": 0.1, "optimizer": "adam"}' >q.jsonl
suggest --db s.db --config c.json --n 3 >/dev/null 2>&1 && suggest --db s.db --config c.json --enqueue q.jsonl >/dev/null 2>&1
# trial 0 deleted and the WAITING trial 3 numbered 2 (as Optuna numbers it after the deletion):
# ids 2 (number 1) and 3 (number 2) RUNNING, 4 (number 2) WAITING
sqlite3 s.db "DELETE FROM trials WHERE number = 0; UPDATE trials SET number = 2 WHERE number = 3"
cp s.db claim.db
test_expect_code 0 "suggest claims the WAITING trial whose number another trial holds" suggest --db claim.db --config c.json
test_expect_success "... by its id: trial id 4 RUNNING with the queued params, the others as they were" '
  [ "$(jq -c "[.trial, .params.channels]" out)" = "[2,32]" ] &&
  [ "$(sqlite3 claim.db "SELECT group_concat(trial_id || \":\" || number || \":\" || state, \" \") FROM trials")" = "2:1:RUNNING 3:2:RUNNING 4:2:RUNNING" ]'

# both RUNNING trials stale: failed and queued again by id before the claim, as Optuna does
sqlite3 s.db "UPDATE trial_heartbeats SET heartbeat = datetime('now', '-2 hours')"
cp s.db py.db
need_python "Optuna's fail_stale_trials and ask" optuna
"$PY" - 2>/dev/null <<'EOF'
import optuna
from optuna.storages import RDBStorage, RetryFailedTrialCallback, fail_stale_trials
st = RDBStorage("sqlite:///py.db", heartbeat_interval=10, grace_period=11,
                failed_trial_callback=RetryFailedTrialCallback())
study = optuna.load_study(study_name="kws", storage=st)
fail_stale_trials(study)
study.ask()
EOF
rows() { sqlite3 "$1" "SELECT trial_id, number, state FROM trials ORDER BY trial_id;
  SELECT trial_id, key, replace(value_json, ' ', '') FROM trial_system_attributes
  WHERE key IN ('failed_trial', 'retry_history') ORDER BY trial_id, key;
  SELECT trial_id, param_name, param_value FROM trial_params WHERE trial_id < 4 ORDER BY trial_id, param_name"; }
rows py.db >want
test_expect_code 0 "suggest fails and requeues stale trials whose number another trial holds" suggest --db s.db --config c.json --grace 11
test_expect_success "... names them, then claims the WAITING one (trial id 4)" '
  grep -q "trial 1: heartbeat older than 11s" err && grep -q "trial 2: heartbeat older than 11s" err &&
  [ "$(jq .trial out)" = 2 ] && [ "$(sqlite3 s.db "SELECT state FROM trials WHERE trial_id = 4")" = RUNNING ]'
test_expect_success "... as Optuna 3.1 does: the same trials, states and retries, the failed ones' params kept" 'rows s.db | diff want -'

# A claimed trial whose line could not be written is failed and queued again by its id too:
# by number it was refused as ambiguous (exit 2, "nothing changed") and left RUNNING.
cp claim.db full.db
sqlite3 full.db "UPDATE trials SET state = 'WAITING' WHERE trial_id = 4"
test_expect_code 3 "a claimed trial whose line cannot be written (stdout full)" sh -c 'suggest --db full.db --config c.json >/dev/full'
test_expect_success "... is failed and queued again by its id, the other trial 2 left RUNNING" '
  grep -q "trial 2: its line could not be written; marked FAIL and queued again" err &&
  [ "$(sqlite3 full.db "SELECT group_concat(trial_id || \":\" || number || \":\" || state, \" \") FROM trials")" = "2:1:RUNNING 3:2:RUNNING 4:2:FAIL 5:3:WAITING" ] &&
  [ "$(sqlite3 full.db "SELECT value_json FROM trial_system_attributes WHERE trial_id = 5 AND key = '"'failed_trial'"'")" = 2 ]'
