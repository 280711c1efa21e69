#!/usr/bin/env bash
# report: value_step, the step of the intermediate value a complete trial's value came from (the
# first one equal to it, as train-trial's best_epoch counts it; the HTML curves' diamond), in the
# json, jsonl, csv and text forms, so that "at which step did trials reach their value?" needs no
# jq over intermediate_values; null (csv empty, text "-") for a trial that is not COMPLETE, a
# value that is none of its intermediate values, or no intermediate values. The golden values
# come from the study's own rows (trial_values, trial_intermediate_values), read with Python's
# sqlite3, not from report.
. "$WS_ROOT/tests/cli/lib.sh"
jq '.pruner = {"name": "nop"} | .budget = {"epochs": 4}' "$WS_ROOT/tests/cli/study.json" >c.json
suggest --db s.db --config c.json --n 9 >/dev/null
steps() {   # TRIAL STEP:VALUE...
  local n=$1; shift
  for sv in "$@"; do prune-check --db s.db --study kws --trial $n --step ${sv%%:*} --value ${sv#*:} >/dev/null; done
}
steps 0 1:0.5 2:0.9 3:0.7 4:0.9   # 0.9 at steps 2 and 4: the first, 2
steps 1 1:0.4 2:0.6 3:0.8         # its last, 3
steps 2 5:0.1 10:0.85 15:0.6      # steps apart: 10, not the index
steps 3 1:0.3 2:0.2               # pruned: null
steps 4 1:0.7 2:0.75              # failed: null
steps 5 1:0.2 2:0.25              # told 0.3, none of them: null
                                  # 6: complete without intermediate values: null
steps 7 0:nan 1:0.6 2:nan         # a NaN before it: 1 (step 0 holds one too)
steps 8 1:0.95                    # still running: null
tell --db s.db --study kws --trial 0 --state complete --value 0.9 >/dev/null
tell --db s.db --study kws --trial 1 --state complete --value 0.8 >/dev/null
tell --db s.db --study kws --trial 2 --state complete --value 0.85 >/dev/null
tell --db s.db --study kws --trial 3 --state pruned >/dev/null
tell --db s.db --study kws --trial 4 --state fail --reason "diverged" >/dev/null
tell --db s.db --study kws --trial 5 --state complete --value 0.3 >/dev/null
tell --db s.db --study kws --trial 6 --state complete --value 0.5 >/dev/null
tell --db s.db --study kws --trial 7 --state complete --value 0.6 >/dev/null
# "TRIAL STEP|null" by trial number, from the rows as Optuna's schema holds them
"$PY" - <<'PYEOF' >want 2>want.err
import json, math, sqlite3
db = sqlite3.connect("s.db")
for tid, number, state in db.execute("SELECT trial_id, number, state FROM trials ORDER BY number"):
    row = db.execute("SELECT value FROM trial_values WHERE trial_id = ? AND objective = 0 AND value_type = 'FINITE'",
                     (tid,)).fetchone()
    value = row[0] if row else None
    step = None
    if state == "COMPLETE" and value is not None and math.isfinite(value):
        ivs = db.execute("SELECT step, intermediate_value FROM trial_intermediate_values WHERE trial_id = ? "
                         "ORDER BY step", (tid,)).fetchall()
        step = next((s for s, v in ivs if v == value), None)
    print(number, json.dumps(step))
PYEOF
test_expect_success "the reference: 4 of the 9 trials have a step, the rest null" '
  [ ! -s want.err ] && [ "$(wc -l <want)" = 9 ] && [ "$(grep -vc " null$" want)" = 4 ] &&
  [ "$(grep -v " null$" want | paste -sd" ")" = "0 2 1 3 2 10 7 1" ]'
test_expect_code 0 "json" report --db s.db --format json
cp out r.json
test_expect_success "json: each trial's value_step as the study's rows give it" '
  jq -r ".trials[] | \"\(.trial) \(.value_step | tojson)\"" r.json | sort -n | cmp - want'
test_expect_success "... the best trial's too" '
  [ "$(jq -r "\"\(.best.trial) \(.best.value_step)\"" r.json)" = "0 2" ]'
test_expect_code 0 "jsonl" report --db s.db --format jsonl
test_expect_success "jsonl: the same" 'jq -r "\"\(.trial) \(.value_step | tojson)\"" out | sort -n | cmp - want'
test_expect_code 0 "csv" report --db s.db --format csv
cp out r.csv
test_expect_success "csv: a value_step column, empty for null" '
  "$PY" -c "
import csv
rows = list(csv.reader(open(\"r.csv\")))
k = rows[0].index(\"value_step\")
for r in sorted(rows[1:], key=lambda r: int(r[0])): print(r[0], r[k] or \"null\")" | cmp - want'
test_expect_code 0 "text" report --db s.db
cp out r.txt
test_expect_success "text: a value_step column after value, - for null" '
  awk "/^ *trial +state +value +value_step +seconds +params\$/ { on = 1; next }
       on && /^ *[0-9]+ / { print \$1, (\$4 == \"-\" ? \"null\" : \$4) }" r.txt | sort -n | cmp - want'
# no trial with a value_step: the text table keeps its columns (as util% comes only with samples)
jq '.pruner = {"name": "nop"}' "$WS_ROOT/tests/cli/study.json" >c2.json
suggest --db n.db --config c2.json --n 2 >/dev/null
tell --db n.db --study kws --trial 0 --state complete --value 0.5 >/dev/null
test_expect_code 0 "text, no trial with a value_step" report --db n.db
test_expect_success "... has no value_step column" 'grep -qE "^ *trial +state +value +seconds +params$" out'
test_expect_code 0 "json, no trial with a value_step" report --db n.db --format json
test_expect_success "... has value_step null on every trial" '[ "$(jq -c "[.trials[] | has(\"value_step\") and .value_step == null]" out)" = "[true,true]" ]'
