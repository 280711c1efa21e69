#!/usr/bin/env bash
# suggest --enqueue (Optuna's enqueue_trial: WAITING trials claimed first, each exactly once,
# even by concurrent suggests) and --fixed (parameters fixed from a trial line).
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
printf '%s\n' '{"learning_rate": 0.001, "batch_size": 64}' '{"params": {"learning_rate": 0.002, "optimizer": "sgd", "momentum": 0.9}}' \
  '{"learning_rate": 0.003}' '{"learning_rate": 0.004}' >q.jsonl
test_expect_code 0 "enqueue four parameter sets" suggest --db s.db --config c.json --enqueue q.jsonl
test_expect_success "... as WAITING trials 0..3 with fixed_params" '
  [ "$(jq -r .state out | sort -u)" = WAITING ] && [ "$(sqlite3 s.db "SELECT count(*) FROM trial_system_attributes WHERE key=\"fixed_params\"")" = 4 ]'
( suggest --db s.db --config c.json --n 2 >a & suggest --db s.db --config c.json --n 2 >b & wait )
cat a b >claimed
test_expect_success "concurrent suggests claim each queued trial exactly once" '
  [ "$(jq -r .params.learning_rate claimed | sort | tr "\n" " ")" = "0.001 0.002 0.003 0.004 " ] &&
  [ "$(jq -r .trial claimed | sort | tr "\n" " ")" = "0 1 2 3 " ]'
test_expect_success "queued values kept, the rest sampled" '
  jq -s -e "map(select(.params.learning_rate == 0.002)) | length == 1 and .[0].params.optimizer == \"sgd\" and .[0].params.momentum == 0.9 and (.[0].params.batch_size|type) == \"number\"" claimed'
test_expect_success "the next suggest samples a new trial" 'suggest --db s.db --config c.json >n && [ "$(jq .trial n)" = 4 ] && [ "$(jq .params.learning_rate n)" != 0.004 ]'
printf '{"learning_rate": 5}\n' >badq.jsonl
test_expect_code 2 "an enqueued value outside the space is refused" suggest --db s.db --config c.json --enqueue badq.jsonl
test_expect_success "... naming file, line and parameter" 'grep -q "badq.jsonl:1.learning_rate: 5 is outside" err'
echo '{"study":"kws","trial":9,"state":"COMPLETE","value":0.9,"params":{"learning_rate":0.0005,"batch_size":128,"stage1_only":"x"}}' >best.json
test_expect_code 0 "--fixed takes a trial line" suggest --db s.db --config c.json --fixed best.json --n 3
test_expect_success "every trial holds the fixed values" '[ "$(jq -c "[.params.learning_rate,.params.batch_size,.params.stage1_only]" out | sort -u)" = "[0.0005,128,\"x\"]" ]'
test_expect_success "Optuna reads a fixed param outside the space" '
  ! "$PY" -c "import optuna" 2>/dev/null || "$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
t = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///s.db\").trials[-1]
assert t.params[\"stage1_only\"] == \"x\", t.params"'
