#!/usr/bin/env bash
# A study keeps the direction it was created with (Optuna's study_directions row). A config with
# the other direction, or with none (Optuna's default, minimize), for a maximize study was refused
# with only "DB: study 'kws' exists with direction maximize": no config, no field, not what the
# config asked for, nor what to do; a config that gives no direction does not show why.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
jq '.direction = "minimize"' c.json >min.json
jq 'del(.direction)' c.json >none.json
suggest --db s.db --config c.json --n 0
test_expect_code 2 "a minimize config for a maximize study" suggest --db s.db --config min.json --force
test_expect_success "... names the config's direction, the study's, and what to give" '
  grep -qx "suggest: min.json: direction: minimize, but study .kws. in s.db has direction maximize, which a study keeps (as in Optuna): give \"direction\": \"maximize\", or another study name (--study)" err'
test_expect_code 2 "a config without a direction for a maximize study" suggest --db s.db --config none.json --force
test_expect_success "... says minimize is the default taken" '
  grep -q "^suggest: none.json: direction: minimize (the default: the config gives none), but study .kws. in s.db has direction maximize" err'
test_expect_success "... the study is as it was" '[ "$(sqlite3 s.db "SELECT direction FROM study_directions")" = MAXIMIZE ] &&
  [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 0 ]'
test_expect_code 0 "the same config under another study name" suggest --db s.db --config none.json --study other --n 0
# Another config under the study's name was refused with only "exists with a different config":
# no file, no field, no values. (A config only pretty-printed by jq, which writes 0.0 as 0, is
# the kept one: configs compare as JSON values, t0975.)
jq . c.json >jq.json
test_expect_code 0 "the config pretty-printed by jq is the kept one" suggest --db s.db --config jq.json --n 0
jq '.sampler.seed = 8 | del(.pruner)' c.json >other.json
test_expect_code 2 "a config with another seed and no pruner" suggest --db s.db --config other.json --n 0
test_expect_success "... names the first: sampler.seed, 8 here, 7 kept" '
  grep -qx "suggest: s.db: study .kws. exists with a different config: sampler.seed is 8 in other.json, 7 in the config the study keeps (use --force to replace it)" err'
sed '/"pruner"/d' c.json >nopruner.json   # not jq, which writes 0.0 as 0
test_expect_code 2 "a config without the kept pruner" suggest --db s.db --config nopruner.json --n 0
test_expect_success "... says it is absent here" '
  grep -qx "suggest: s.db: study .kws. exists with a different config: pruner is absent in nopruner.json, {\"n_startup_trials\":2,\"n_warmup_steps\":1,\"name\":\"median\"} in the config the study keeps (use --force to replace it)" err'
