#!/usr/bin/env bash
# suggest --enqueue and --fixed with a value of a setting train-trial knows that it refuses alone
# (batch_size 0 or "x", channels 100000, optimizer "zzz"; for --fixed also learning_rate -1 in a
# space of [0.01, 0.02], which --fixed takes as given, as Optuna does): suggest queued the set, or
# drew a trial with it, exit 0, and train-trial refused the trial (exit 2) when it came to train
# it. As suggest refuses such a value in the config (fixed settings, the ends of a searched
# range: "train-trial would fail every trial"), it now refuses it here, before anything is queued
# or drawn: exit 2, naming the file, line and setting. A set train-trial takes is queued as
# before, as is a name it does not know (a study for one's own trainer: Optuna's enqueue_trial
# takes any name).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_study_config t.json
jq '.budget.epochs = 1 | del(.fixed.batch_size, .fixed.channels)' t.json >c.json
n=0
refused() {  # SET WHAT: --enqueue and --fixed refuse SET, naming WHAT
  n=$((n + 1))
  echo "$1" >"q$n.jsonl"
  printf 'suggest: q%s.jsonl:1.%s (train-trial would refuse the trial)\n' "$n" "$2" >"want$n.e"
  printf 'suggest: q%s.jsonl.%s (train-trial would refuse the trial)\n' "$n" "$2" >"want$n.f"
  test_expect_code 2 "--enqueue $1: refused" suggest --db "e$n.db" --config c.json --enqueue "q$n.jsonl"
  test_expect_success "... naming the file, line and setting; nothing queued" "
    grep -qxFf want$n.e err && [ ! -s out ] &&
    { [ ! -e e$n.db ] || [ \"\$(sqlite3 e$n.db 'SELECT count(*) FROM trials')\" = 0 ]; }"
  test_expect_code 2 "--fixed $1: refused" suggest --db "f$n.db" --config c.json --fixed "q$n.jsonl"
  test_expect_success "... naming the file and setting; no trial drawn" "
    grep -qxFf want$n.f err && [ ! -s out ] &&
    { [ ! -e f$n.db ] || [ \"\$(sqlite3 f$n.db 'SELECT count(*) FROM trials')\" = 0 ]; }"
}
refused '{"learning_rate": 0.015, "batch_size": 0}' 'batch_size: expected 1..65536, got 0'
refused '{"learning_rate": 0.015, "batch_size": "x"}' 'batch_size: expected an integer, got a string'
refused '{"learning_rate": 0.015, "channels": 100000}' 'channels: 100000: must be in [1, 4096]'
refused '{"learning_rate": 0.015, "optimizer": "zzz"}' "optimizer: unknown value 'zzz' (expected one of sgd, adam, adamw)"
echo '{"learning_rate": -1}' >neg.json
test_expect_code 2 "--fixed learning_rate -1 (outside the space, as given): refused" suggest --db neg.db --config c.json --fixed neg.json
test_expect_success "... as train-trial would refuse it" "grep -qF 'neg.json.learning_rate: -1: must be >= 0 (train-trial would refuse the trial)' err"
# taken as before
echo '{"learning_rate": 0.015, "batch_size": 8, "channels": 8}' >ok.jsonl
test_expect_code 0 "--enqueue a set train-trial takes: queued" suggest --db ok.db --config c.json --enqueue ok.jsonl
test_expect_success "... one WAITING trial" "[ \"\$(sqlite3 ok.db 'SELECT state FROM trials')\" = WAITING ]"
test_expect_code 0 "--fixed the same: a trial drawn with it" suggest --db okf.db --config c.json --fixed ok.jsonl
test_expect_success "... its batch_size 8" "jq -e '.params.batch_size == 8' out"
echo '{"learning_rate": 0.015, "zz": 1}' >own.jsonl
test_expect_code 0 "--enqueue a name train-trial does not know (one's own trainer's): queued, as Optuna does" \
  suggest --db own.db --config c.json --enqueue own.jsonl
