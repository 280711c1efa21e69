#!/usr/bin/env bash
# tell --result's refusal of a line's "epochs" or "trial" shows the number as the line has it (the
# shortest text that reads back to it, as t5056 has suggest's messages show a config's numbers).
# It printed them with %g, six digits: an epochs of 9000000000001, one past the limit, read
# "expected a number >= 0 and at most 9e+12 ..., got 9e+12", the value refused shown as the limit
# itself, and a trial of 2147483648.5 "got 2.14748e+09". The reference is Python's json.dumps of
# the same value.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "json" json
py_json() { "$PY" -c 'import json, sys; print(json.dumps(json.loads(sys.argv[1])))' "$1"; }
suggest --db s.db --config "$WS_ROOT/tests/cli/study.json" >line || exit 1

for v in 9000000000001 9.000000000001e12 1e300 -0.5; do
  printf '{"study": "kws", "trial": 0, "state": "COMPLETE", "value": 0.5, "epochs": %s}\n' "$v" >r.json
  test_expect_code 2 "tell --result, epochs $v: refused" tell --db s.db --result r.json
  test_expect_success "... the value as written ($(py_json "$v"))" \
    'grep -qF "r.json: \"epochs\": expected a number >= 0 and at most 9e+12 (epochs the study counts in parts), or null, got $(py_json "$v")" err &&
     [ "$(grep -c "" err)" = 1 ]'
done
for v in 2147483648.5 1e300 2.5; do
  printf '{"study": "kws", "trial": %s, "state": "COMPLETE", "value": 0.5}\n' "$v" >r.json
  test_expect_code 2 "tell --result, trial $v: refused" tell --db s.db --result r.json
  test_expect_success "... the value as written ($(py_json "$v"))" \
    'grep -qF "r.json: \"trial\": expected a trial number (an integer >= 0), got $(py_json "$v")" err'
done
test_expect_success "the trial is as it was: RUNNING" '[ "$(sqlite3 s.db "SELECT state FROM trials")" = RUNNING ]'
