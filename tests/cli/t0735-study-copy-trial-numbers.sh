#!/usr/bin/env bash
# Optuna's copy_study adds the source's trials (sorted by number, then trial id) one by one with
# add_trial, which numbers each by the count of the trials before it: the copy is numbered 0..n-1
# whatever numbers the source held. study-copy wrote the source's numbers as they were, so a
# study with a trial deleted by hand (numbers 0 2 3) was copied with the gap, and the copy's
# next trial (numbered by the count, 3) took a number a trial held already, refused by tell and
# prune-check (two rows hold it). Optuna (the reference, run here) renumbers; so must study-copy.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "study-copy trial numbers" optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 4 >lines
tell --db s.db --study kws --trial 0 --state complete --value 0.5 >/dev/null
tell --db s.db --study kws --trial 2 --state pruned >/dev/null
for t in trial_values trial_params trial_system_attributes trial_user_attributes trial_intermediate_values trial_heartbeats trials; do
  sqlite3 s.db "DELETE FROM $t WHERE trial_id = 2"
done
nums() { sqlite3 "$1" "SELECT number || ':' || state FROM trials ORDER BY trial_id" | paste -sd" "; }
test_expect_success "Optuna's copy_study numbers the copy from 0, without the gap" '"$PY" -W ignore -c "
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
optuna.copy_study(from_study_name=\"kws\", from_storage=\"sqlite:///s.db\", to_storage=\"sqlite:///o.db\")" &&
  [ "$(nums s.db)" = "0:COMPLETE 2:PRUNED 3:RUNNING" ] && [ "$(nums o.db)" = "0:COMPLETE 1:PRUNED 2:RUNNING" ]'
test_expect_code 0 "study-copy copies it" study-copy --from s.db --to ours.db
test_expect_success "... numbered as Optuna numbers it" '[ "$(nums ours.db)" = "$(nums o.db)" ]'
test_expect_success "... each trial with its params" '
  q="SELECT t.number, p.param_name, p.param_value FROM trial_params p JOIN trials t USING (trial_id) ORDER BY 1, 2"
  [ "$(sqlite3 ours.db "$q")" = "$(sqlite3 o.db "$q")" ]'
test_expect_code 0 "the copy's next trial" suggest --db ours.db --config c.json
test_expect_success "... is number 3, which tell finishes" '[ "$(jq .trial out)" = 3 ] &&
  tell --db ours.db --study kws --trial 3 --state fail >/dev/null'
