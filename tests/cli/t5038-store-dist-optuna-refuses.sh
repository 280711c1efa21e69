#!/usr/bin/env bash
# A trial_params row whose distribution_json is one Optuna 3.1's constructors refuse (a hand edit,
# another client): a FloatDistribution with low above high, log with low <= 0, log with a step, a
# step <= 0; an IntDistribution with low above high, log with low < 1, log with a step other than
# 1, a step <= 0 or null; a CategoricalDistribution with no choices; the legacy classes alike
# (json_to_distribution raises ValueError, TypeError for an int step of null, so Optuna's
# load_study(...).trials fails). report, study-copy and TPE's suggest read them without a word
# (a copy carrying the bad row on, TPE sampling from low 0.5 to high 0.01 in log space) → an input
# error, exit 2 naming the table, the trial, the parameter and what was expected; nothing printed,
# copied or added. What Optuna loads (low == high: a single value) is read as before.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "distributions Optuna refuses" optuna
jq '.sampler = {"name": "tpe", "seed": 7, "n_startup_trials": 1}' "$WS_ROOT/tests/cli/study.json" >c.json
suggest --db base.db --config c.json --n 3 >/dev/null
for t in 0 1; do tell --db base.db --study kws --trial $t --state complete --value "0.$((t + 5))" >/dev/null; done

F='{"name": "FloatDistribution", "attributes": ' I='{"name": "IntDistribution", "attributes": '
# NAME|PARAM|trial 1's distribution_json|the message after "param PARAM: distribution: " (none: loads)
cat >cases <<EOF
f-low-high|learning_rate|$F{"step": null, "low": 0.5, "high": 0.01, "log": true}}|attributes.low: expected at most high (0.01), got 0.5
f-log-low0|learning_rate|$F{"step": null, "low": 0.0, "high": 0.01, "log": true}}|attributes.low: expected > 0 for a log distribution, got 0.0
f-log-step|learning_rate|$F{"step": 0.001, "low": 0.0001, "high": 0.01, "log": true}}|attributes.step: expected null for a log distribution, got 0.001
f-step0|dropout|$F{"step": 0.0, "low": 0.0, "high": 0.5, "log": false}}|attributes.step: expected > 0, got 0.0
f-step-neg|dropout|$F{"step": -0.1, "low": 0.0, "high": 0.5, "log": false}}|attributes.step: expected > 0, got -0.1
f-legacy-log|learning_rate|{"name": "LogUniformDistribution", "attributes": {"low": -1.0, "high": 0.01}}|attributes.low: expected > 0 for a log distribution, got -1.0
f-legacy-q0|dropout|{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 0.5, "q": 0.0}}|attributes.q: expected > 0, got 0.0
i-low-high|channels|$I{"log": false, "step": 16, "low": 128, "high": 16}}|attributes.low: expected at most high (16), got 128
i-log-low0|channels|$I{"log": true, "step": 1, "low": 0, "high": 128}}|attributes.low: expected >= 1 for a log distribution, got 0
i-log-step|channels|$I{"log": true, "step": 16, "low": 16, "high": 128}}|attributes.step: expected 1 for a log distribution, got 16
i-step0|channels|$I{"log": false, "step": 0, "low": 16, "high": 128}}|attributes.step: expected > 0, got 0
i-step-neg|channels|$I{"log": false, "step": -16, "low": 16, "high": 128}}|attributes.step: expected > 0, got -16
i-step-null|channels|$I{"log": false, "step": null, "low": 16, "high": 128}}|attributes.step: expected an integer > 0, got null
i-legacy-log|channels|{"name": "IntLogUniformDistribution", "attributes": {"step": 2, "low": 16, "high": 128}}|attributes.step: expected 1 for a log distribution, got 2
c-empty|optimizer|{"name": "CategoricalDistribution", "attributes": {"choices": []}}|attributes.choices: expected a non-empty array
ok-int-single|channels|$I{"log": false, "step": 16, "low": 96, "high": 96}}|
ok-float-single|learning_rate|$F{"step": null, "low": 0.00887775368640413, "high": 0.00887775368640413, "log": true}}|
EOF
# trial 1's row only: trial 0's (another text) is read first and is fine, so the message must
# name the edited trial
while IFS='|' read -r name param dist msg; do
  cp base.db "$name.db"
  command sqlite3 "$name.db" "UPDATE trial_params SET distribution_json = '$dist' WHERE param_name = '$param'
    AND trial_id = (SELECT trial_id FROM trials WHERE number = 1)" || echo "FAIL $name: could not edit"
done <cases

# The reference: Optuna 3.1 fails to load each refused study and loads each other one
test_expect_success "Optuna 3.1 refuses the edited distributions, loads low == high" "$PY - <<'PY'
import warnings
warnings.simplefilter('ignore')
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
for line in open('cases'):
    name, param, dist, msg = line.rstrip('\n').split('|')
    try:
        trials = optuna.load_study(study_name='kws', storage='sqlite:///%s.db' % name).trials
        assert trials[1].distributions[param] == optuna.distributions.json_to_distribution(dist), name
    except (ValueError, TypeError):
        if msg: continue
        raise
    if msg: raise SystemExit('Optuna loads %s' % name)
PY"

dump() { command sqlite3 "$1" .dump | grep -v "^CREATE INDEX ws_"; }
while IFS='|' read -r name param dist msg; do
  [ -n "$msg" ] || continue
  M="study 'kws': trial_params: trial 1, param $param: distribution: $msg"
  dump "$name.db" >before.sql
  test_expect_code 2 "$name: report: exit 2" report --db "$name.db" --format json
  test_expect_success "... names the table, trial, param and what was expected; prints nothing" \
    "[ \"\$(cat err)\" = \"report: $name.db: $M\" ] && [ ! -s out ]"
  test_expect_code 2 "$name: study-copy: exit 2" study-copy --from "$name.db" --to "copy-$name.db"
  test_expect_success "... the same message, no copy" \
    "[ \"\$(cat err)\" = \"study-copy: --from $name.db: $M\" ] && [ ! -e copy-$name.db ]"
  test_expect_code 2 "$name: suggest (TPE reads the trials): exit 2" suggest --db "$name.db" --config c.json
  test_expect_success "... the same message, no trial, the study unchanged" \
    "[ \"\$(cat err)\" = \"suggest: $name.db: $M\" ] && [ ! -s out ] && dump $name.db >after.sql && cmp before.sql after.sql"
done <cases

# What Optuna loads: read, copied (the copy as Optuna reads the original), sampled from
for name in ok-int-single ok-float-single; do
  test_expect_code 0 "$name: report reads it" report --db "$name.db" --format json
  test_expect_code 0 "$name: study-copy copies it" study-copy --from "$name.db" --to "copy-$name.db"
  test_expect_success "... Optuna reads the copy's distributions as the original's" "$PY - <<PY
import warnings
warnings.simplefilter('ignore')
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
a, b = [optuna.load_study(study_name='kws', storage='sqlite:///%s' % f).trials for f in ('$name.db', 'copy-$name.db')]
assert [t.distributions for t in a] == [t.distributions for t in b]
PY"
  test_expect_code 0 "$name: suggest samples after it" suggest --db "$name.db" --config c.json
done
