#!/usr/bin/env bash
# budget.fine_epochs, the first epochs that validate validations_per_epoch times, took up to
# 1000000, ten times the most epochs a trial trains (100000, budget.epochs's limit), and no page
# gave its range. Past 100000 it says nothing a trial could reach: suggest refuses it (exit 2,
# naming it and the range), takes 100000, and README and train-trial(1) give the range. A study
# kept before with a larger one stays readable (report, prune-check read its kept config).
. "$WS_ROOT/tests/cli/lib.sh"
base=$WS_ROOT/tests/cli/study.json
jq '.budget.validations_per_epoch = 2 | .budget.fine_epochs = 100001' "$base" >past.json
jq '.budget.validations_per_epoch = 2 | .budget.fine_epochs = 100000' "$base" >limit.json
test_expect_code 2 "budget.fine_epochs 100001 (one past the epochs limit)" suggest --db p.db --config past.json
test_expect_success "... refused, naming it and the range" '
  grep -qx "suggest: past.json: budget.fine_epochs: expected an integer 1\.\.100000 (at most the epochs a trial trains)" err &&
  [ ! -s out ]'
test_expect_code 0 "budget.fine_epochs 100000 is taken" suggest --db l.db --config limit.json
test_expect_success "... the epochs limit it matches is budget.epochs's (100001 refused)" '
  jq ".budget.epochs = 100001" "$base" >ep.json && ! suggest --db e.db --config ep.json 2>ep.err &&
  grep -q "budget.epochs: expected 1\.\.100000" ep.err'
flat() { sed 's/\\-/-/g; s/\\(mu/x/g; s/\\f.//g' "$1" | sed -E 's/^\.[A-Z]+ ?//' | tr '\n' ' ' | tr -s ' '; }
test_expect_success "train-trial(1) gives the range" '
  [[ "$(flat "$WS_ROOT/share/man/man1/train-trial.1")" == *"budget.fine_epochs N (1 to 100000, the most epochs a trial trains)"* ]]'
test_expect_success "README gives it" '[[ "$(tr "\n" " " <"$WS_ROOT/README.md" | tr -s " ")" == *"\"fine_epochs\": N\` (1 to 100000)"* ]]'
# a study kept with 1000000 (a version before took it) is still read
sqlite3 l.db "UPDATE study_system_attributes SET value_json = json_set(value_json, '$.budget.fine_epochs', 1000000) WHERE key = 'wakesweep:config'"
test_expect_success "(the kept config now says 1000000)" '
  [ "$(sqlite3 l.db "SELECT json_extract(value_json, '\''$.budget.fine_epochs'\'') FROM study_system_attributes WHERE key = '\''wakesweep:config'\''")" = 1000000 ]'
test_expect_code 0 "a study kept with fine_epochs 1000000 is still read (report)" report --db l.db --format json
test_expect_code 1 "... (prune-check: keep training)" prune-check --db l.db --study kws --trial 0 --step 1 --value 0.5
