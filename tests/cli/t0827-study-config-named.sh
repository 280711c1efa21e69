#!/usr/bin/env bash
# A study config kept in the database that a tool cannot take was said as "study config: ..."
# alone: prune-check's and train-trial's pruner, and the kept config suggest --force compares
# with the new one (which the user gave with --config: "study config" read as that file). With
# several studies, or a --config beside the kept one, nothing said which. They are named as
# ws_store_study_config names the config it reads: "FILE: study 'NAME': study config: ...".
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json >line
study=$(jq -r .study c.json)
cp s.db p.db
sqlite3 p.db "UPDATE study_system_attributes SET value_json = json_set(value_json, '$.pruner', json('{\"name\": \"bogus\"}')) WHERE key = 'wakesweep:config'"
want="study 'kws': study config: pruner.name: unknown pruner 'bogus' (expected median, percentile, successive_halving, hyperband, patient, threshold or nop)"
test_expect_success "(the study is kws)" '[ "$study" = kws ]'
test_expect_code 2 "prune-check on a study whose kept pruner is unknown" prune-check --db p.db --study kws --trial 0 --step 1 --value 0.5
test_expect_success "... names the file and the study" 'grep -qxF "prune-check: p.db: $want" err'
test_expect_code 2 "train-trial on it" train-trial --db p.db --features x.feat --device cpu --quiet line
test_expect_success "... names the file and the study" 'grep -qxF "train-trial: p.db: $want" err && [ ! -s out ]'
cp s.db e.db
sqlite3 e.db "UPDATE study_system_attributes SET value_json = json_set(value_json, '$.budget.epochs', -3) WHERE key = 'wakesweep:config'"
# --force replaces a kept config it cannot read (t5014), with a warning naming what is wrong in it
test_expect_code 0 "suggest --force over a kept config it cannot read" suggest --db e.db --config c.json --force --n 0
test_expect_success "... the warning names the kept one's file and study, not --config's" 'grep -qF "suggest: e.db: study '"'kws'"': study config: budget.epochs: expected 1..100000, got -3; replaced by c.json (--force)" err'
