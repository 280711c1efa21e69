#!/usr/bin/env bash
# A WAITING trial that suggest --enqueue queued has no params yet: its set is its system attribute
# fixed_params until a suggest claims it, as Optuna 3.1 (the reference) has it: FrozenTrial.params
# {} and system_attrs["fixed_params"] the set. report shows {} in JSON and a blank in the text
# table, which report(1) did not say: a user who queued sets saw rows without params.
. "$WS_ROOT/tests/cli/lib.sh"
need_python optuna optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json >/dev/null    # trial 0, RUNNING, with params
echo '{"learning_rate": 0.001, "batch_size": 64, "channels": 32, "dropout": 0.1, "optimizer": "adam"}' >q.jsonl
suggest --db s.db --config c.json --enqueue q.jsonl >/dev/null    # trial 1, WAITING
"$PY" -W ignore - <<'PY' >want
import json, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
t = [t for t in optuna.load_study(study_name="kws", storage="sqlite:///s.db").trials if t.number == 1][0]
c = (",", ":")
print(t.state.name, json.dumps(t.params), json.dumps(t.system_attrs.get("fixed_params"), sort_keys=True, separators=c))
PY
test_expect_success "the reference: Optuna 3.1 reads trial 1 WAITING, params {}, its set in fixed_params" '
  [ "$(cut -d" " -f1,2 want)" = "WAITING {}" ] && [ "$(cut -d" " -f3- want)" = "$(jq -c -S . q.jsonl)" ]'
test_expect_code 0 "report --format jsonl" report --db s.db --format jsonl
test_expect_success "... trial 1 WAITING with params {}, as Optuna's; trial 0 has its own" '
  [ "$(jq -s -c "map(select(.trial == 1))[0] | [.state, .params]" out)" = "[\"WAITING\",{}]" ] &&
  [ "$(jq -s -c "map(select(.trial == 0))[0].params | length > 0" out)" = true ]'
test_expect_code 0 "report (text)" report --db s.db
test_expect_success "... trial 1's row has no params" 'grep -qE "^ +1 +WAITING +- +- *$" out'
sed -n '/^\\fBjsonl\\fR: one object per trial/,/seed (the trial/p' "$WS_ROOT/share/man/man1/report.1" |
  tr '\n' ' ' | sed 's/\\f[BIR]//g; s/\\-/-/g' >params.man
test_expect_success "report(1) says so: params {} for a WAITING trial suggest --enqueue queued, blank in text" '
  grep -qF "params (none, {}, for a WAITING trial that suggest --enqueue or Optuna'"'"'s enqueue_trial queued: its set is the system attribute fixed_params until a suggest claims it" params.man &&
  grep -qF "so the text form'"'"'s params are blank there" params.man'
