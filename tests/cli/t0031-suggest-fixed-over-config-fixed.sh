#!/usr/bin/env bash
# suggest --fixed FILE (or an --enqueue line) naming a setting that the study config's "fixed"
# sets to another value: the name is carried into the trial line as a parameter, and train-trial
# takes a trial's params over the fixed settings, so the config's value was dropped without a
# word (a stage-2 config fixing channels 8 trained stage 1's best channels 16). A config that
# both searches and fixes a setting is refused (ws_config_check_file); so is this pair now, exit
# 2 naming the file, the setting and both values, nothing queued or created. The same value in
# both is no conflict.
. "$WS_ROOT/tests/cli/lib.sh"
jq '.fixed = {"channels": 8, "optimizer": "adam"} | .space |= del(.channels, .optimizer, .momentum)' \
  "$WS_ROOT/tests/cli/study.json" >c.json
echo '{"channels": 16, "learning_rate": 0.001}' >other.json
echo '{"channels": 8, "learning_rate": 0.001}' >same.json
test_expect_code 2 "--fixed with another value of a config's fixed setting" suggest --db s.db --config c.json --fixed other.json
test_expect_success "... names the file, the setting and both values; nothing created" '
  grep -q "^suggest: other.json: channels: 16 here, but the study config fixes it to 8 (fixed.channels)" err &&
  [ ! -s out ] && [ ! -e s.db ]'
test_expect_code 0 "--fixed with the same value is no conflict" suggest --db s.db --config c.json --fixed same.json
test_expect_success "... the trial line has it" '[ "$(jq -c "[.params.channels, .params.learning_rate]" out)" = "[8,0.001]" ]'
test_expect_code 2 "an --enqueue line with another value" suggest --db s.db --config c.json --enqueue other.json
test_expect_success "... names the line; nothing queued" '
  grep -q "^suggest: other.json:1: channels: 16 here, but the study config fixes it to 8 (fixed.channels)" err &&
  [ "$(sqlite3 s.db "SELECT count(*) FROM trials WHERE state = '"'"'WAITING'"'"'")" = 0 ]'
echo '{"dropout": 0.2}' >free.json
test_expect_code 0 "a --fixed setting the config does not fix is taken as before" suggest --db s.db --config c.json --fixed free.json
test_expect_success "... the trial line has it" '[ "$(jq -c .params.dropout out)" = 0.2 ]'
# The same value written as a fraction (jq, a Python json.dump of a float) is the same value, as
# suggest compares the config itself (t0975) and as train-trial reads an integer setting: it was
# refused, "8.0 here, but the study config fixes it to 8". Another value still is.
echo '{"channels": 8.0, "learning_rate": 0.001}' >same-fraction.json
echo '{"channels": 8.5, "learning_rate": 0.001}' >other-fraction.json
test_expect_code 0 "--fixed with the same value written as a fraction is no conflict" suggest --db s.db --config c.json --fixed same-fraction.json
test_expect_success "... the trial line has it" '[ "$(jq -c ".params.channels == 8" out)" = true ]'
test_expect_code 2 "--fixed with another value written as a fraction" suggest --db s.db --config c.json --fixed other-fraction.json
test_expect_success "... names both values" 'grep -q "channels: 8.5 here, but the study config fixes it to 8 (fixed.channels)" err'
