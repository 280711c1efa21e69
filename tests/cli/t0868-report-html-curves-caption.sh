#!/usr/bin/env bash
# report --format html: the learning curves' caption and the plot's description said where the
# intermediate values fall. With budget.fine_steps [1, 4] and fine_epochs 1 (kws-fast) they read
# "at steps 1, 4 and the end of each epoch in the first epoch", which is not what is run (steps 1
# and 4 of the first epoch and the end of every epoch); with fine_epochs only (or neither) the
# caption said "several per epoch" though budget.validations_per_epoch gives the count.
. "$WS_ROOT/tests/cli/lib.sh"
# a study with BUDGET and one trial reporting at STEPS, its HTML report in NAME.html
study_with_budget() {
  jq --argjson b "$2" '.pruner = {"name": "nop"} | .budget = $b' "$WS_ROOT/tests/cli/study.json" >$1.json
  suggest --db $1.db --config $1.json --n 1 >/dev/null
  for step in $3; do prune-check --db $1.db --study kws --trial 0 --step $step --value 0.$step >/dev/null; done
  tell --db $1.db --study kws --trial 0 --state complete --value 0.9 >/dev/null
  report --db $1.db --format html >$1.html
}
study_with_budget steps '{"epochs": 3, "validations_per_epoch": 8, "fine_epochs": 1, "fine_steps": [1, 4]}' "1 4 8 16 24"
test_expect_success "fine_steps [1, 4]: the caption says steps 1, 4 and the end of every epoch" '
  grep -q "Intermediate values at steps 1, 4 and the end of every epoch (a step is 1/8 of an epoch); a cross" steps.html'
test_expect_success "... and so does the plot description" '
  grep -q -e "-desc\">Intermediate values (at steps 1, 4 and the end of every epoch) of every trial" steps.html'
test_expect_success "... neither says \"each epoch in the first epoch\"" '! grep -q "each epoch in the" steps.html'

study_with_budget fine '{"epochs": 3, "validations_per_epoch": 4, "fine_epochs": 1}' "1 2 3 4 8 12"
test_expect_success "fine_epochs 1 only: the caption gives the count, 4 per epoch in the first epoch" '
  grep -q "Intermediate values, 4 per epoch in the first epoch, then one (a step is 1/4 of an epoch); a cross" fine.html &&
  ! grep -q "several per epoch" fine.html'

study_with_budget every '{"epochs": 2, "validations_per_epoch": 4}' "1 2 3 4 5 6 7 8"
test_expect_success "validations_per_epoch 4 in every epoch: 4 per epoch" '
  grep -q "Intermediate values, 4 per epoch (a step is 1/4 of an epoch); a cross" every.html &&
  ! grep -q "several per epoch" every.html'
