#!/usr/bin/env bash
# A name outside the space (suggest --fixed FILE, a queued set) is carried into the trial. Optuna's
# storage keeps one distribution per parameter name in a study: a param whose distribution is
# incompatible with the first one stored for its name is refused (check_distribution_
# compatibility: "CategoricalDistribution does not support dynamic value space"). Such a name
# takes the distribution the study already holds for it, as an enqueued value takes the
# objective's distribution in Optuna; where none holds it, a one-choice categorical of its value.
# Before, each value made a one-choice categorical of its own: a second --fixed FILE with another
# value (report --best again after stage 1's best moved) stored a second distribution, and Optuna
# could neither add such a trial nor copy_study the study. Golden: Optuna 3.1.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "carried distributions" optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
echo '{"study":"s1","trial":4,"params":{"lr0":0.001,"learning_rate":0.001}}' >b1.json
echo '{"study":"s1","trial":9,"params":{"lr0":0.002,"learning_rate":0.002}}' >b2.json
test_expect_code 0 "--fixed lr0 0.001, outside the space" suggest --db s.db --config c.json --fixed b1.json
test_expect_code 0 "... again with the same value" suggest --db s.db --config c.json --fixed b1.json
test_expect_code 2 "--fixed lr0 0.002 in the same study" suggest --db s.db --config c.json --fixed b2.json
test_expect_success "... names the file, the name, the trial that holds it, the value; no trial made" '
  grep -q "^suggest: b2.json.lr0: not a parameter of the space, .*trial 0 of study .kws. holds .*0.002 is not one of the choices" err &&
  [ ! -s out ] && [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 2 ]'
# queued sets: checked against the study and against the file's earlier lines (all or none)
printf '%s\n' '{"lr0": 0.001}' '{"lr0": 0.003}' >q.jsonl
test_expect_code 2 "--enqueue lr0 0.003 where the study holds [0.001]" suggest --db s.db --config c.json --enqueue q.jsonl
test_expect_success "... names line 2, queues nothing" '
  grep -q "^suggest: q.jsonl:2.lr0: .*trial 0 of study .kws. holds" err && [ ! -s out ] &&
  [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 2 ]'
printf '%s\n' '{"extra": "a"}' '{"extra": "b"}' >q2.jsonl
test_expect_code 2 "--enqueue two values of a new name outside the space" suggest --db s.db --config c.json --enqueue q2.jsonl
test_expect_success "... names line 2 and line 1, queues nothing" '
  grep -q "^suggest: q2.jsonl:2.extra: .*line 1 holds" err && [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 2 ]'
# Optuna itself refuses lr0 as [0.002] in a study that holds it as [0.001]; it copies the study
# suggest left (copy_study adds every trial through that check); then it queues lr0 0.005 there
# (enqueue_trial checks nothing).
test_expect_success "Optuna refuses a second distribution, copies the study, queues lr0 0.005" '"$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
from optuna.distributions import CategoricalDistribution as C
s = optuna.create_study(storage=\"sqlite:///ref.db\")
s.add_trial(optuna.create_trial(params={\"lr0\": 0.001}, distributions={\"lr0\": C([0.001])}, value=1))
try: s.add_trial(optuna.create_trial(params={\"lr0\": 0.002}, distributions={\"lr0\": C([0.002])}, value=1))
except ValueError as e: assert \"dynamic value space\" in str(e), e
else: raise SystemExit(\"stored\")
optuna.copy_study(from_study_name=\"kws\", from_storage=\"sqlite:///s.db\", to_storage=\"sqlite:///copy.db\")
optuna.load_study(study_name=\"kws\", storage=\"sqlite:///s.db\").enqueue_trial({\"lr0\": 0.005})"'
# the trial that claims that set fails, as Optuna's suggest fails a trial on a value no choice
# matches, and the next one is made
test_expect_code 0 "suggest claims it" suggest --db s.db --config c.json
test_expect_success "... fails trial 2 saying why, makes trial 3" '
  [ "$(jq .trial out)" = 3 ] && grep -q "enqueued trial 2.lr0: .*trial 0 of study .kws. holds.*: trial 2 marked FAIL" err &&
  [ "$(sqlite3 s.db "SELECT state FROM trials WHERE number = 2")" = FAIL ] &&
  [ "$(sqlite3 s.db "SELECT count(DISTINCT distribution_json) FROM trial_params WHERE param_name = \"lr0\"")" = 1 ]'

# A study begun in Optuna, whose objective held names our space does not (opt, ch): trials it
# queues with them, and a --fixed value of one, take the distributions Optuna stored. Before, they
# were stored as one-choice categoricals, which Optuna could not copy (stop 35's check-cluster
# t0200 showed that refusing them instead failed Optuna's queued trials).
test_expect_success "Optuna runs a trial of opt (adam|sgd) and ch (int 8..64 step 8), queues two sets" '"$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name=\"kws\", storage=\"sqlite:///o.db\", direction=\"maximize\")
s.optimize(lambda t: len(t.suggest_categorical(\"opt\", [\"adam\", \"sgd\"])) + t.suggest_int(\"ch\", 8, 64, step=8), n_trials=1)
s.enqueue_trial({\"opt\": \"sgd\", \"ch\": 16, \"learning_rate\": 0.001})
s.enqueue_trial({\"opt\": \"sgd\", \"ch\": 128})"'
echo '{"opt":"adam"}' >fa.json
test_expect_code 0 "suggest claims the first: opt and ch as Optuna stores them" suggest --db o.db --config c.json
test_expect_success "... the line carries them" '[ "$(jq -c "[.params.opt, .params.ch]" out)" = "[\"sgd\",16]" ]'
test_expect_code 0 "suggest claims the second: ch 128, past 64, used as given" suggest --db o.db --config c.json
test_expect_success "... with a warning, as Optuna does" '
  [ "$(jq .params.ch out)" = 128 ] && grep -q "enqueued trial 2.ch: 128 is outside \[8, 64\]; used as given" err'
test_expect_code 0 "suggest --fixed opt adam" suggest --db o.db --config c.json --fixed fa.json
test_expect_success "... one distribution each for opt and ch in the study" '
  [ "$(sqlite3 o.db "SELECT count(DISTINCT distribution_json) FROM trial_params WHERE param_name = \"opt\"")" = 1 ] &&
  [ "$(sqlite3 o.db "SELECT count(DISTINCT distribution_json) FROM trial_params WHERE param_name = \"ch\"")" = 1 ] &&
  [ "$(sqlite3 o.db "SELECT count(*) FROM trial_params WHERE param_name = \"opt\"")" = 4 ]'
test_expect_success "Optuna reads those trials' opt and ch, and adds trials with them" '"$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///o.db\")
got = [(t.params[\"opt\"], t.params.get(\"ch\")) for t in s.trials[1:]]
assert got == [(\"sgd\", 16), (\"sgd\", 128), (\"adam\", None)], got
d = s.trials[0].distributions
s.add_trial(optuna.create_trial(params={\"opt\": \"adam\", \"ch\": 16}, distributions=d, value=1))
for t in s.trials[1:3]: s.add_trial(optuna.create_trial(params={\"opt\": t.params[\"opt\"]}, distributions={\"opt\": t.distributions[\"opt\"]}, value=1))"'
