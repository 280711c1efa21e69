#!/usr/bin/env bash
# A name outside the space (suggest --fixed FILE, a queued set) is stored as a one-choice
# categorical, CategoricalDistribution([value]). Optuna's storage keeps one distribution per
# parameter name in a study: a param whose distribution is incompatible with the first one
# stored for its name is refused (check_distribution_compatibility: "CategoricalDistribution
# does not support dynamic value space"). A second --fixed FILE with another value for such a
# name (report --best again after stage 1's best moved) once stored a second distribution, and
# Optuna could neither write that study's trials again nor copy_study it. Golden: Optuna 3.1.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "carried distributions" optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
echo '{"study":"s1","trial":4,"params":{"lr0":0.001,"learning_rate":0.001}}' >b1.json
echo '{"study":"s1","trial":9,"params":{"lr0":0.002,"learning_rate":0.002}}' >b2.json
test_expect_code 0 "--fixed lr0 0.001, outside the space" suggest --db s.db --config c.json --fixed b1.json
test_expect_code 0 "... again with the same value" suggest --db s.db --config c.json --fixed b1.json
test_expect_code 2 "--fixed lr0 0.002 in the same study" suggest --db s.db --config c.json --fixed b2.json
test_expect_success "... names the file, the name, the trial that stores it; no trial made" '
  grep -q "^suggest: b2.json.lr0: .*trial 0 of study .kws. .*stores" err && [ ! -s out ] &&
  [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 2 ]'
# queued sets: checked against the study and against the file's earlier lines (all or none)
printf '%s\n' '{"lr0": 0.001}' '{"lr0": 0.003}' >q.jsonl
test_expect_code 2 "--enqueue lr0 0.003 where the study stores [0.001]" suggest --db s.db --config c.json --enqueue q.jsonl
test_expect_success "... names line 2, queues nothing" '
  grep -q "^suggest: q.jsonl:2.lr0: .*trial 0 of study .kws. .*stores" err && [ ! -s out ] &&
  [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 2 ]'
printf '%s\n' '{"extra": "a"}' '{"extra": "b"}' >q2.jsonl
test_expect_code 2 "--enqueue two values of a new name outside the space" suggest --db s.db --config c.json --enqueue q2.jsonl
test_expect_success "... names line 2 and line 1, queues nothing" '
  grep -q "^suggest: q2.jsonl:2.extra: .*line 1" err && [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 2 ]'
# One Python start-up for the references: Optuna itself refuses lr0 as [0.002] in a study that
# stores it as [0.001]; it copies the study suggest left (copy_study adds every trial through
# that check); then it queues lr0 0.005 there (enqueue_trial checks nothing).
test_expect_success "Optuna refuses a second distribution, copies the study, queues lr0 0.005" '"$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
from optuna.distributions import CategoricalDistribution as C
s = optuna.create_study(storage=\"sqlite:///ref.db\")
s.add_trial(optuna.create_trial(params={\"lr0\": 0.001}, distributions={\"lr0\": C([0.001])}, value=1))
s.add_trial(optuna.create_trial(params={\"lr0\": 0.001}, distributions={\"lr0\": C([0.001])}, value=1))
try: s.add_trial(optuna.create_trial(params={\"lr0\": 0.002}, distributions={\"lr0\": C([0.002])}, value=1))
except ValueError as e: assert \"dynamic value space\" in str(e), e
else: raise SystemExit(\"stored\")
optuna.copy_study(from_study_name=\"kws\", from_storage=\"sqlite:///s.db\", to_storage=\"sqlite:///copy.db\")
optuna.load_study(study_name=\"kws\", storage=\"sqlite:///s.db\").enqueue_trial({\"lr0\": 0.005})"'
# the trial that claims that set fails, as Optuna's suggest fails a trial on a value it cannot
# store, and the next one is made
test_expect_code 0 "suggest claims it" suggest --db s.db --config c.json
test_expect_success "... fails trial 2 saying why, makes trial 3" '
  [ "$(jq .trial out)" = 3 ] && grep -q "enqueued trial 2.lr0: .*trial 0 of study .kws. .*: trial 2 marked FAIL" err &&
  [ "$(sqlite3 s.db "SELECT state FROM trials WHERE number = 2")" = FAIL ] &&
  [ "$(sqlite3 s.db "SELECT count(DISTINCT distribution_json) FROM trial_params WHERE param_name = \"lr0\"")" = 1 ]'
