#!/usr/bin/env bash
# Messages that show a JSON value from a config or a study printed it with jansson's json_dumps,
# whose reals are %.17g: a config's 0.03 was "0.029999999999999999" in suggest's "exists with a
# different config: space.learning_rate.high is 0.029999999999999999 in e.json" (and in make
# sweep's check, which passes that message on), a kept seed of 0.1 "got 0.10000000000000001". They
# now print the value as it was written, the shortest text that reads back to it (ws_json_dump,
# as the tools' JSON output does); the reference is Python's json.dumps of the same value.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "json" json
cp "$WS_ROOT/tests/cli/study.json" c.json
py_json() { "$PY" -c 'import json, sys; print(json.dumps(json.loads(sys.argv[1])))' "$1"; }
# (edited with sed: jq would rewrite the config's other numbers, 0.0 as 0)
sed 's/"high": 1e-2/"high": 0.03/' c.json >edited.json
sed 's/"high": 1e-2/"high": 0.07/' c.json >kept.json
grep -q '"high": 0.03' edited.json && grep -q '"high": 0.07' kept.json || exit 1
suggest --db s.db --config kept.json --n 0 >/dev/null || exit 1
test_expect_code 2 "suggest with another config than the kept one: refused" suggest --db s.db --config edited.json
test_expect_success "... both values as written (Python's json: $(py_json 0.03), $(py_json 0.07))" "
  grep -qF \"space.learning_rate.high is \$(py_json 0.03) in edited.json, \$(py_json 0.07) in the config the study keeps \" err"

# a study seed (system attribute) that is a real: named with its value as stored
jq 'del(.sampler.seed)' c.json >noseed.json
suggest --db seed.db --config noseed.json --n 0 >/dev/null || exit 1
sqlite3 seed.db "INSERT OR REPLACE INTO study_system_attributes (study_id, key, value_json) VALUES (1, 'wakesweep:seed', '0.1')" || exit 1
test_expect_code 2 "suggest on a study whose kept seed is 0.1: refused" suggest --db seed.db --config noseed.json
test_expect_success "... got $(py_json 0.1), as stored (Python's json)" "grep -q \"got \$(py_json 0.1)\$\" err"
