#!/usr/bin/env bash
# A study config gives a trial's epochs in one place. budget.epochs (or a hyperband pruner's
# max_resource) gives every trial line its epochs, and train-trial takes the line's budget over
# the settings: a config with fixed.epochs 3 and budget.epochs 10 trained 10 epochs without a
# word, and a searched epochs was stored as the trial's parameter but never trained. suggest now
# refuses such a config (exit 2, naming both fields, no study made); either alone still works.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
mkdir runs

jq '.budget.epochs = 10 | .fixed.epochs = 3' c.json >both.json
test_expect_code 2 "fixed.epochs with budget.epochs" suggest --db runs/both.db --config both.json
test_expect_success "... names both, makes no study and prints no trial" '
  grep -qxF "suggest: both.json: fixed.epochs: budget.epochs sets every trial'"'"'s epochs, so fixed.epochs would go unused: give the epochs in one place" err &&
  [ ! -s out ] && { [ ! -e runs/both.db ] || [ "$(sqlite3 runs/both.db "SELECT count(*) FROM studies")" = 0 ]; }'
jq '.budget.epochs = [[2, 4], [null, 6]] | .fixed.epochs = 3' c.json >sched.json
test_expect_code 2 "fixed.epochs with a budget.epochs schedule" suggest --db runs/sched.db --config sched.json
jq '.budget.epochs = 10 | .space.epochs = {"type": "int", "low": 1, "high": 5}' c.json >searched.json
test_expect_code 2 "a searched epochs with budget.epochs" suggest --db runs/searched.db --config searched.json
test_expect_success "... says the searched value would not be trained" '
  grep -qxF "suggest: searched.json: space.epochs: budget.epochs sets every trial'"'"'s epochs, so a searched value would be recorded but never trained: search epochs without budget.epochs, or do not search them" err'
jq 'del(.budget) | .fixed.epochs = 3 | .pruner = {"name": "hyperband", "min_resource": 1, "max_resource": 9}' c.json >hb.json
test_expect_code 2 "fixed.epochs with hyperband's max_resource" suggest --db runs/hb.db --config hb.json
test_expect_success "... names it" 'grep -qF "fixed.epochs: hyperband'"'"'s pruner.max_resource sets every trial'"'"'s epochs" err'
# max_resource written 9.0 (a JSON real, as a config written by Python's json from a float has
# it): the pruner takes it as 9, so it sets the epochs all the same; the checks read only a JSON
# integer, so fixed.epochs 3 went unused (the trial line said 9), and 10 steps an epoch took a
# max_resource of 12 that no whole epochs hold (2 epochs, 10 steps: survivors never reached R).
sed 's/"max_resource": 9/"max_resource": 9.0/' hb.json >hbr.json
test_expect_code 2 "fixed.epochs with hyperband's max_resource 9.0" suggest --db runs/hbr.db --config hbr.json
test_expect_success "... names it" 'grep -qF "fixed.epochs: hyperband'"'"'s pruner.max_resource sets every trial'"'"'s epochs" err'
jq 'del(.budget) | .budget.validations_per_epoch = 5 | .pruner = {"name": "hyperband", "min_resource": 1, "max_resource": 12}' c.json |
  sed 's/"max_resource": 12/"max_resource": 12.0/' >hbk.json
test_expect_code 2 "hyperband's max_resource 12.0 with 5 validations an epoch" suggest --db runs/hbk.db --config hbk.json
test_expect_success "... is not whole epochs" 'grep -qF "pruner.max_resource 12 is not a whole number of epochs of 5 steps" err'

# Alone, each is used: fixed.epochs trains that many epochs; a searched epochs, the sampled value.
jq 'del(.budget) | .fixed.epochs = 3' c.json >fixed.json
test_expect_code 0 "fixed.epochs without a budget" suggest --db runs/fixed.db --config fixed.json
cp out fixed.line
test_expect_code 0 "... trains" train-trial --db runs/fixed.db --features tones.feat --threads 1 --quiet --keep none fixed.line
test_expect_success "... 3 epochs" 'jq -e ".state == \"COMPLETE\" and .epochs == 3" out'
jq 'del(.budget) | .space.epochs = {"type": "int", "low": 1, "high": 3}' c.json >space.json
test_expect_code 0 "a searched epochs without a budget" suggest --db runs/space.db --config space.json
cp out space.line
test_expect_code 0 "... trains" train-trial --db runs/space.db --features tones.feat --threads 1 --quiet --keep none space.line
test_expect_success "... the sampled number of epochs" '[ "$(jq .epochs out)" = "$(jq .params.epochs space.line)" ] && jq -e ".epochs >= 1" out'

# The same for an epochs value given to suggest --fixed or --enqueue: under budget.epochs it would
# be recorded as the trial's parameter and the budget's epochs trained. Refused, nothing queued.
jq '.budget.epochs = 4' c.json >budget.json
suggest --db runs/fx.db --config budget.json --n 0 >/dev/null
printf '{"epochs": 9}\n' >fx.json
test_expect_code 2 "--fixed epochs with budget.epochs" suggest --db runs/fx.db --config budget.json --fixed fx.json
test_expect_success "... names the file and the budget, prints no trial" '[ ! -s out ] &&
  grep -qxF "suggest: fx.json: epochs: the study'"'"'s budget.epochs sets every trial'"'"'s epochs, so this value would be recorded but not trained: leave epochs out here, or give the study no budget.epochs" err &&
  [ "$(sqlite3 runs/fx.db "SELECT count(*) FROM trials")" = 0 ]'
printf '{"learning_rate": 0.01}\n{"params": {"epochs": 2}}\n' >q.jsonl
test_expect_code 2 "--enqueue epochs with budget.epochs" suggest --db runs/fx.db --config budget.json --enqueue q.jsonl
test_expect_success "... names the line, queues none" 'grep -qF "suggest: q.jsonl:2: epochs: the study'"'"'s budget.epochs sets" err &&
  [ "$(sqlite3 runs/fx.db "SELECT count(*) FROM trials")" = 0 ]'
jq 'del(.budget)' c.json >nobudget.json
test_expect_code 0 "--fixed epochs without a budget" suggest --db runs/nb.db --config nobudget.json --fixed fx.json
test_expect_success "... is the trial's" 'jq -e ".params.epochs == 9" out'
