#!/usr/bin/env bash
# A WAITING trial whose fixed_params (the trial system attribute suggest --enqueue and Optuna's
# enqueue_trial write: the set it is to train) is not JSON (a hand edit cut short, a script that
# wrote Python's repr): suggest failed the trial with "enqueued trial 0: expected an object of
# parameters", naming neither the study file, the attribute nor what is wrong with its text.
# It now says "FILE: trial N: system attribute 'fixed_params': not JSON (jansson's reason),
# expected an object of parameters", as its warning and as the trial's FAIL reason, and goes on
# to the next trial as before. Python's json module is the reference for "not JSON" (Optuna
# reads the attribute with it); jansson's reasons are its own messages for these texts.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "json" json
cp "$WS_ROOT/tests/cli/study.json" c.json
echo '{"learning_rate": 0.001, "batch_size": 64}' >q.jsonl
suggest --db base.db --config c.json --enqueue q.jsonl >/dev/null || exit 1
# name | value_json | jansson's reason
cases='cut|{"learning_rate": 0.001, "batch_size": 64|'"'}' expected near end of file"'
repr|{'"'"'learning_rate'"'"': 0.001}|string or '"'}'"' expected near '"'''"'
text|lr=0.001|invalid token near '"'lr'"
while IFS='|' read -r name text why; do
  cp base.db $name.db
  printf '%s' "$text" >$name.txt
  sqlite3 $name.db "UPDATE trial_system_attributes SET value_json = readfile('$name.txt') WHERE key = 'fixed_params'" || exit 1
  test_expect_success "(Python's json: the $name text is not JSON)" "
    \"\$PY\" -c 'import json, sys
try: json.loads(open(sys.argv[1]).read())
except ValueError: sys.exit(0)
sys.exit(1)' $name.txt"
  test_expect_code 0 "suggest fails the queued trial ($name) and samples the next" suggest --db $name.db --config c.json
  test_expect_success "... naming the file, the trial, the attribute and jansson's reason" "
    cat err >&2; [ \"\$(jq .trial out)\" = 1 ] &&
    grep -qF \"suggest: $name.db: trial 0: system attribute 'fixed_params': not JSON ($why\" err &&
    grep -qF 'expected an object of parameters: trial 0 marked FAIL' err"
  test_expect_success "... the trial FAIL, with that reason" "
    report --db $name.db --format jsonl | jq -e 'select(.trial == 0) | .state == \"FAIL\" and
      (.reason | startswith(\"$name.db: trial 0: system attribute '\''fixed_params'\'': not JSON\"))'"
done <<<"$cases"
# JSON of another type: named as well, with the type
cp base.db arr.db
sqlite3 arr.db "UPDATE trial_system_attributes SET value_json = '[0.001, 64]' WHERE key = 'fixed_params'"
test_expect_code 0 "suggest fails a queued trial whose fixed_params is an array" suggest --db arr.db --config c.json
test_expect_success "... naming the file, the trial, the attribute and what it holds" "
  grep -qF \"suggest: arr.db: trial 0: system attribute 'fixed_params': expected an object of parameters, got an array: trial 0 marked FAIL\" err"
