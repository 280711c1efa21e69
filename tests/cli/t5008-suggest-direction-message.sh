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
