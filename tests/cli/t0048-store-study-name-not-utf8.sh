#!/usr/bin/env bash
# A study whose name is not UTF-8 (written by another client: neither Optuna nor suggest can
# make one) is refused by the tools that list studies (report, study-copy, train-trial: exit 2,
# "studies: study_id N: study_name '...' is not UTF-8"). tell and prune-check, which look the
# study up by the name given, took it, changed the trial, and then crashed (SIGSEGV, exit 139)
# on the result line, which JSON could not hold: now refused the same way, nothing changed.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 2 >/dev/null
sqlite3 s.db "UPDATE studies SET study_name = CAST(X'6B77FF' AS TEXT)"
name=$(printf 'kw\377')
msg="s.db: studies: study_id 1: study_name 'kw\\xff' is not UTF-8 (JSON cannot hold it, nor Optuna read it)"

test_expect_code 2 "report refuses the study" report --db s.db
test_expect_success "... saying why" 'grep -qxF "report: $msg" err'
test_expect_code 2 "tell refuses it too" tell --db s.db --study "$name" --trial 0 --state complete --value 1
test_expect_success "... the same way, the trial left RUNNING" '
  grep -qxF "tell: $msg" err && [ "$(sqlite3 s.db "SELECT state FROM trials WHERE number = 0")" = RUNNING ]'
test_expect_code 2 "prune-check refuses it too" prune-check --db s.db --study "$name" --trial 1 --step 0 --value 1
test_expect_success "... the same way, no value recorded" '
  grep -qxF "prune-check: $msg" err && [ "$(sqlite3 s.db "SELECT count(*) FROM trial_intermediate_values")" = 0 ]'
