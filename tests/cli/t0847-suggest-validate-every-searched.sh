#!/usr/bin/env bash
# budget.validations_per_epoch K above 1 asks for K validations an epoch, validate_every above 1
# for one every few epochs: train-trial refuses the pair (exit 2, bad input), and suggest refused
# a fixed validate_every above 1 up front. A searched one it took: space.validate_every int [2, 3]
# beside K 2 gave trial lines that every train-trial refused ("budget.validations_per_epoch 2
# with trial line: params.validate_every 3"), a sweep stopping at its first trial after making
# its features. suggest now refuses a space whose validate_every reaches a value above 1 beside
# K above 1 (exit 2, naming both, no study made), as check_space refuses a range end train-trial
# refuses; a validate_every of 1 only, or K 1, is taken.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_study_config c.json
mkdir runs
k2() { jq ".budget = {\"epochs\": 3, \"validations_per_epoch\": 2} | .space.validate_every = $1" c.json; }

k2 '{"type": "int", "low": 2, "high": 3}' >int.json
test_expect_code 2 "validate_every int [2, 3] with validations_per_epoch 2" suggest --db runs/int.db --config int.json
test_expect_success "... names both, makes no study, prints no trial" '
  grep -qxF "suggest: int.json: budget.validations_per_epoch 2 with space.validate_every, whose low end is 2: validate more than once an epoch or less, not both (train-trial would refuse every trial that draws a validate_every above 1)" err &&
  [ ! -s out ] && { [ ! -e runs/int.db ] || [ "$(sqlite3 runs/int.db "SELECT count(*) FROM studies")" = 0 ]; }'
k2 '{"type": "int", "low": 1, "high": 4}' >reach.json
test_expect_code 2 "validate_every int [1, 4]: its high end is refused" suggest --db runs/reach.db --config reach.json
test_expect_success "... names the high end" 'grep -qF "reach.json: budget.validations_per_epoch 2 with space.validate_every, whose high end is 4:" err'
k2 '{"type": "categorical", "choices": [1, 3]}' >cat.json
test_expect_code 2 "validate_every choices [1, 3]" suggest --db runs/cat.db --config cat.json
test_expect_success "... names the choice" 'grep -qF "cat.json: budget.validations_per_epoch 2 with space.validate_every, whose choice 1 is 3:" err'

k2 '{"type": "categorical", "choices": [1]}' >one.json
test_expect_code 0 "validate_every 1 only, beside validations_per_epoch 2: taken" suggest --db runs/one.db --config one.json
test_expect_success "... a trial line with validate_every 1" 'jq -e ".params.validate_every == 1" out'
jq '.budget = {"epochs": 3} | .space.validate_every = {"type": "int", "low": 2, "high": 3}' c.json >k1.json
test_expect_code 0 "validate_every int [2, 3] with one validation an epoch: taken" suggest --db runs/k1.db --config k1.json
test_expect_success "... a trial line with validate_every 2 or 3" 'jq -e ".params.validate_every >= 2" out'
