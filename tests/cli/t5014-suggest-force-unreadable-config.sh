#!/usr/bin/env bash
# A study whose kept config (study_system_attributes 'wakesweep:config') is damaged: not JSON,
# NULL, or JSON that is not a config. suggest refused it even under --force, the option that
# exists to replace a kept config, so such a study could not be continued at all; and the message
# read "s.db: study attribute: wakesweep:config:4: ...", naming no table or row and no way out.
# Now the message names table, row and column and says that --force replaces it; --force does,
# with a warning, and the study goes on (Optuna reads it again).
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
test_expect_code 0 "a study with two trials" suggest --db s.db --config c.json --n 2
keep() { sqlite3 s.db "UPDATE study_system_attributes SET value_json=$1 WHERE key='wakesweep:config'"; }
keep "'{not json'"
test_expect_code 2 "a kept config that is not JSON" suggest --db s.db --config c.json
test_expect_success "... named by table, row and column, with the way out" '
  grep -qx "suggest: s.db: study_system_attributes: study_id 1, key '"'"'wakesweep:config'"'"': value_json:4: string or '"'"'}'"'"' expected near '"'"'not'"'"' (the config the study keeps; --force replaces it by c.json)" err'
test_expect_code 0 "--force replaces it" suggest --db s.db --config c.json --force
test_expect_success "... with a warning, and trial 2 is made" '
  grep -q "^suggest: s.db: study_system_attributes: .*; replaced by c.json (--force): the lengths of the steps its trials reported could not be checked against it$" err &&
  [ "$(jq .trial out)" = 2 ]'
test_expect_code 0 "then suggest without --force takes the study" suggest --db s.db --config c.json
test_expect_success "... the kept config is c.json's" '
  [ "$(sqlite3 s.db "SELECT value_json FROM study_system_attributes WHERE key='"'"'wakesweep:config'"'"'" | jq -S -c .)" = "$(jq -S -c . c.json)" ]'
keep NULL
test_expect_code 2 "a kept config that is NULL" suggest --db s.db --config c.json
test_expect_success "... says so, and the way out" 'grep -q "value_json: no JSON text (NULL) (the config the study keeps; --force replaces it by c.json)$" err'
keep "'{\"study\": 3}'"
test_expect_code 2 "a kept config that is JSON but not a config, without --force" suggest --db s.db --config c.json
test_expect_success "... is a different config, as before" 'grep -q "exists with a different config: study is \"kws\" in c.json, 3 in the config the study keeps (use --force to replace it)" err'
test_expect_code 0 "--force replaces it" suggest --db s.db --config c.json --force
test_expect_success "... with a warning naming what is wrong in it" '
  grep -q "^suggest: s.db: study '"'"'kws'"'"': study config: study: expected a string, got an integer; replaced by c.json (--force)" err'
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
test_expect_success "Optuna 3.1 reads the study, its 5 trials" '
  [ "$("$PY" -c "import optuna; print(len(optuna.load_study(study_name=\"kws\", storage=\"sqlite:///s.db\").trials))" 2>/dev/null)" = 5 ]'
