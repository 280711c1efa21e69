#!/usr/bin/env bash
# suggest --fixed A --fixed B fixed only B's values and --enqueue A --enqueue B queued only B's
# sets: the first file was dropped without a word (make staged refuses a --fixed of its own in
# SUGGEST_ARGS for this reason, but not one written --fix, which getopt takes for --fixed). A
# second --fixed or --enqueue is refused (exit 2, nothing made), as a second --value is by tell
# and prune-check.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
echo '{"optimizer": "adam"}' >a.json
echo '{"channels": 32}' >b.json
expect_refused() {  # NAME PATTERN COMMAND...
  local name=$1 pat=$2; shift 2
  local rc=0
  "$@" >out 2>err || rc=$?
  if [ "$rc" = 2 ] && grep -q -- "$pat" err && [ ! -s out ] && [ ! -e s.db ]; then echo "ok $name"
  else echo "FAIL $name: exit $rc, stdout: $(head -c 200 out) stderr: $(head -c 300 err | tr '\n' ' ') (wanted /$pat/, no s.db)"; fi
}
expect_refused "--fixed twice" "^suggest: --fixed given twice: one file of fixed values" \
  suggest --db s.db --config c.json --fixed a.json --fixed b.json
expect_refused "... also abbreviated (--fix)" "^suggest: --fixed given twice" \
  suggest --db s.db --config c.json --fixed a.json --fix=b.json
printf '{"optimizer": "adam"}\n' >a.jsonl
printf '{"optimizer": "sgd"}\n' >b.jsonl
expect_refused "--enqueue twice" "^suggest: --enqueue given twice: one file of parameter sets" \
  suggest --db s.db --config c.json --enqueue a.jsonl --enqueue b.jsonl
test_expect_code 0 "one --fixed is taken" suggest --db s.db --config c.json --fixed a.json
test_expect_success "... its value in the line" '[ "$(jq -r .params.optimizer out)" = adam ]'
