#!/usr/bin/env bash
# A queued parameter set (Optuna's enqueue_trial, suggest --enqueue or --fixed) whose own values
# train-trial refuses alone (batch_size 0, channels 100000, optimizer "zzz": names outside the
# space, which Optuna takes; or a name train-trial does not know): train-trial refused
# the trial (exit 2, FAIL, the reason kept) and queued it again as a WAITING copy with the same
# params, as it does for input that can be put right (a cache, a device). No input puts these
# right: every later suggest claimed the copy first, train-trial refused it and queued it again,
# so the study handed out nothing else, for good (tell refuses a WAITING trial, so no tool could
# take it out). Now the trial is FAIL with its reason and not queued again; train-trial still
# exits 2 (the queued set was bad input), and the next suggest draws a new trial. A refusal of
# input that can be put right still queues the trial again (t4024, t0919).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config t.json
# batch_size and channels not fixed, so that a set may carry them (the config's fixed win)
jq '.budget.epochs = 1 | del(.fixed.batch_size, .fixed.channels)' t.json >c.json
n=0
for set in '{"learning_rate": 0.015, "batch_size": 0}' '{"learning_rate": 0.015, "channels": 100000}' \
           '{"learning_rate": 0.015, "optimizer": "zzz"}' '{"learning_rate": 0.015, "zz": 1}'; do
  n=$((n + 1))
  # queued as Optuna's enqueue_trial queues it (suggest --enqueue now refuses a value of a setting
  # train-trial knows that it refuses alone, t5051; a set queued before that was not): a set
  # suggest takes, its fixed_params then made SET
  echo '{"learning_rate": 0.015}' >"q$n.jsonl"
  suggest --db "s$n.db" --config c.json --enqueue "q$n.jsonl" >/dev/null
  sqlite3 "s$n.db" "UPDATE trial_system_attributes SET value_json = '$set' WHERE key = 'fixed_params'"
  suggest --db "s$n.db" --config c.json >"line$n"
  test_expect_code 2 "$set queued: train-trial refuses the trial it makes" \
    train-trial --db "s$n.db" --features tones.feat --threads 1 --quiet --keep none "line$n"
  test_expect_success "... FAIL with the reason, and not queued again (no WAITING copy)" "
    grep -q 'params\\.' err &&
    [ \"\$(sqlite3 s$n.db 'SELECT number || state FROM trials' | tr '\n' ' ')\" = '0FAIL ' ] &&
    sqlite3 s$n.db \"SELECT value_json FROM trial_system_attributes WHERE key = 'wakesweep:reason'\" | grep -q 'params\\.'"
  suggest --db "s$n.db" --config c.json >"next$n"
  test_expect_success "... so the next suggest draws a new trial, which trains" "
    [ \"\$(jq -c '.params | keys' next$n)\" = '[\"learning_rate\"]' ] &&
    train-trial --db s$n.db --features tones.feat --threads 1 --quiet --keep none next$n >res$n &&
    jq -e '.state == \"COMPLETE\"' res$n"
done
