#!/usr/bin/env bash
# suggest: creates the study, prints trial lines that fit the space, numbers trials densely,
# follows the epoch schedule, is reproducible from the seed, and guards the kept config.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
test_expect_code 0 "suggest creates the study and 6 trials" suggest --db s.db --config c.json --n 6
cp out lines
test_expect_success "six lines numbered 0..5" '[ "$(jq -r .trial lines | tr "\n" " ")" = "0 1 2 3 4 5 " ]'
test_expect_success "every line has study, params, budget and seed" \
  'jq -e "select(.study != \"kws\" or (.params|type) != \"object\" or (.seed|type) != \"number\")" lines >bad; [ ! -s bad ]'
test_expect_success "params lie in the space" '
  jq -e "select(.params.learning_rate < 1e-4 or .params.learning_rate > 1e-2
     or ([32,64,128] | index(.params.batch_size)) == null
     or (.params.channels - 16) % 16 != 0 or .params.channels > 128
     or ((.params.dropout * 10 | round) - .params.dropout * 10 | fabs) > 1e-9)" lines >bad; [ ! -s bad ]'
test_expect_success "momentum present exactly when optimizer is sgd" '
  jq -e "select((.params.optimizer == \"sgd\") != (.params | has(\"momentum\")))" lines >bad; [ ! -s bad ]'
test_expect_success "epoch schedule: 3 for trials 0-1, then 5" '[ "$(jq -r .budget.epochs lines | tr "\n" " ")" = "3 3 5 5 5 5 " ]'
test_expect_success "seeds differ per trial" '[ "$(jq -r .seed lines | sort -u | wc -l)" = 6 ]'
test_expect_success "same seed and history give the same suggestions" '
  suggest --db a.db --config c.json --n 3 >a && suggest --db b.db --config c.json --n 3 >b && cmp a b'
test_expect_success "--seed changes the suggestions" '
  suggest --db d.db --config c.json --n 3 --seed 99 >d && ! cmp -s a d'
test_expect_success "the study keeps its config and seed as system attributes" '
  [ "$(sqlite3 s.db "SELECT count(*) FROM study_system_attributes WHERE key IN (\"wakesweep:config\",\"wakesweep:seed\")")" = 2 ]'
jq '.space.channels.high = 256' c.json >c2.json
test_expect_code 2 "a different config under the same study name is refused" suggest --db s.db --config c2.json
test_expect_success "... with a message naming the study" 'grep -q "study .kws. exists with a different config" err'
test_expect_code 0 "... unless --force" suggest --db s.db --config c2.json --force
test_expect_success "... which numbers on" '[ "$(jq .trial out)" = 6 ]'
test_expect_success "sqlite:/// URLs are accepted" 'suggest --db sqlite:///s.db --config c2.json >o && [ "$(jq .trial o)" = 7 ]'
test_expect_success "heartbeat recorded for each running trial" '[ "$(sqlite3 s.db "SELECT count(*) FROM trial_heartbeats")" = 8 ]'
