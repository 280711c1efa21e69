#!/usr/bin/env bash
# A trial number held by two rows (Optuna numbers a new trial by the count of its earlier ones,
# so after rows are deleted by hand, or by a crashed writer, it gives a number twice): every tool
# that addresses a trial by number refuses it, naming the study, the number and the trial ids,
# and changes nothing, as Optuna's RDBStorage refuses it (MultipleResultsFound).
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 4 >lines
# trial 0 deleted, and trial 3 renumbered 2 as Optuna numbers the next trial after the deletion
sqlite3 s.db "DELETE FROM trials WHERE number = 0; UPDATE trials SET number = 2 WHERE number = 3"
ids=$(sqlite3 s.db "SELECT group_concat(trial_id, ', ') FROM (SELECT trial_id FROM trials WHERE number = 2 ORDER BY trial_id)")
snap() { sqlite3 s.db "SELECT trial_id, number, state FROM trials ORDER BY trial_id; SELECT count(*) FROM trial_values;
                       SELECT count(*) FROM trial_intermediate_values; SELECT count(*) FROM trial_system_attributes"; }
snap >before
test_expect_code 2 "tell of an ambiguous number" tell --db s.db --study kws --trial 2 --state complete --value 0.5
test_expect_success "... names the file, study, number and trial ids" "grep -F \"s.db: study 'kws': trial 2 is ambiguous: trial ids $ids \" err"
test_expect_success "... and changed nothing" 'snap | cmp - before'
test_expect_code 2 "prune-check of an ambiguous number" prune-check --db s.db --study kws --trial 2 --step 0 --value 0.5
test_expect_success "... says so" "grep -F \"trial 2 is ambiguous: trial ids $ids \" err"
test_expect_success "... and changed nothing" 'snap | cmp - before'
sed -n 3p lines >line2
test_expect_code 2 "train-trial of a line with an ambiguous number" train-trial --db s.db --features nowhere.feat line2
test_expect_success "... says so" "grep -F \"trial 2 is ambiguous: trial ids $ids \" err"
test_expect_success "... and changed nothing" 'snap | cmp - before'
test_expect_code 0 "a number held once is told as before" tell --db s.db --study kws --trial 1 --state complete --value 0.5
