#!/usr/bin/env bash
# Hyperband's integer max_resource R sets every trial's epochs (R / budget.validations_per_epoch
# K), as budget.epochs does, and train-trial trains 1..100000 epochs (its man page; suggest
# refuses budget.epochs past that). suggest took R 1000000 and printed trial lines of 1000000
# epochs that every train-trial refused (exit 2): a sweep made its corpus and features and then
# stopped at its first trial, and an ask/tell study got lines no trainer of its own would run.
# suggest now refuses such a config as it refuses budget.epochs 100001 (exit 2, naming the field,
# no study made); R up to 100000 epochs' worth is taken.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_study_config c.json
mkdir runs
hb() { jq "del(.budget) | .pruner = {\"name\": \"hyperband\", \"min_resource\": 1, \"max_resource\": $1} ${2:-}" c.json; }

hb 100001 >big.json
test_expect_code 2 "max_resource 100001 (epochs 100001)" suggest --db runs/big.db --config big.json
test_expect_success "... names the field and the limit, makes no study, prints no trial" '
  grep -qxF "suggest: big.json: pruner.max_resource 100001 sets every trial'"'"'s epochs to 100001: expected at most 100000 epochs" err &&
  [ ! -s out ] && { [ ! -e runs/big.db ] || [ "$(sqlite3 runs/big.db "SELECT count(*) FROM studies")" = 0 ]; }'
hb 300003 '| .budget.validations_per_epoch = 3' >bigk.json
test_expect_code 2 "max_resource 300003 at 3 steps an epoch (epochs 100001)" suggest --db runs/bigk.db --config bigk.json
test_expect_success "... names the steps" '
  grep -qxF "suggest: bigk.json: pruner.max_resource 300003 sets every trial'"'"'s epochs to 100001 (steps of 1/3 epoch): expected at most 100000 epochs" err'

hb 100000 >max.json
test_expect_code 0 "max_resource 100000" suggest --db runs/max.db --config max.json
test_expect_success "... a line of 100000 epochs" 'jq -e ".budget.epochs == 100000" out'
hb 300000 '| .budget.validations_per_epoch = 3' >maxk.json
test_expect_code 0 "max_resource 300000 at 3 steps an epoch" suggest --db runs/maxk.db --config maxk.json
test_expect_success "... a line of 100000 epochs" 'jq -e ".budget.epochs == 100000" out'
