#!/usr/bin/env bash
# A WAITING trial whose fixed_params (the system attribute suggest --enqueue and Optuna's
# enqueue_trial write) holds no object of params is failed, naming what it holds (t5054). Its
# value_json NULL (SQL's NULL: the column allows it; a hand edit, an UPDATE ... SET value_json =
# NULL) is no JSON text at all, but was named "got a string" (a NULL cell is loaded as the empty
# string): a string was the one thing the user could not find there. It now says "got NULL
# (SQL's NULL, no JSON text)". JSON's null, a string and an empty text are named as before, each
# with what it holds: the reference for each is sqlite3's typeof() and Python's json.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "json" json
cp "$WS_ROOT/tests/cli/study.json" c.json
echo '{"learning_rate": 0.001, "batch_size": 64}' >q.jsonl
suggest --db base.db --config c.json --enqueue q.jsonl >/dev/null || exit 1
# name | SQL value | what the message says it got
cases="sqlnull|NULL|got NULL (SQL's NULL, no JSON text)
jsonnull|'null'|got null
string|'\"null\"'|got a string"
while IFS='|' read -r name value got; do
  cp base.db $name.db
  sqlite3 $name.db "UPDATE trial_system_attributes SET value_json = $value WHERE key = 'fixed_params'" || exit 1
  test_expect_success "(reference: $name's value_json is what the case says: sqlite3 typeof, Python's json)" "
    t=\$(sqlite3 $name.db \"SELECT typeof(value_json) FROM trial_system_attributes WHERE key = 'fixed_params'\")
    v=\$(sqlite3 $name.db \"SELECT value_json FROM trial_system_attributes WHERE key = 'fixed_params'\")
    case $name in
      sqlnull) [ \"\$t\" = null ] ;;
      jsonnull) [ \"\$t\" = text ] && \"\$PY\" -c 'import json, sys; sys.exit(json.loads(sys.argv[1]) is not None)' \"\$v\" ;;
      string) [ \"\$t\" = text ] && \"\$PY\" -c 'import json, sys; sys.exit(not isinstance(json.loads(sys.argv[1]), str))' \"\$v\" ;;
    esac"
  test_expect_code 0 "suggest fails the queued trial ($name) and samples the next" suggest --db $name.db --config c.json
  test_expect_success "... naming the file, the trial, the attribute and what it got" "
    cat err >&2; [ \"\$(jq .trial out)\" = 1 ] &&
    grep -qxF \"suggest: $name.db: trial 0: system attribute 'fixed_params': expected an object of parameters, $got: trial 0 marked FAIL\" err"
  test_expect_success "... the trial FAIL, with that reason" "
    report --db $name.db --format jsonl | jq -e --arg r \"$name.db: trial 0: system attribute 'fixed_params': expected an object of parameters, $got\" 'select(.trial == 0) | .state == \"FAIL\" and .reason == \$r'"
done <<<"$cases"
