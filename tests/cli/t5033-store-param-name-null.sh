#!/usr/bin/env bash
# A trial_params row whose param_name is NULL (the column allows it; no Optuna writes one: every
# suggest_* names its parameter) crashed report and study-copy with a segmentation fault (strdup
# of the NULL name, exit 139), and TPE's suggest with them. It is a row Optuna could not have
# written, an input error as t0019's NULL param_value is: exit 2 naming the table, trial and
# column, no output, the study untouched.
. "$WS_ROOT/tests/cli/lib.sh"
jq '.sampler = {"name": "tpe", "seed": 7, "n_startup_trials": 1}' "$WS_ROOT/tests/cli/study.json" >c.json
suggest --db s.db --config c.json --n 3 >/dev/null
for t in 0 1; do tell --db s.db --study kws --trial $t --state complete --value "0.$((t + 5))" >/dev/null; done
command sqlite3 s.db "UPDATE trial_params SET param_name = NULL WHERE param_name = 'channels'
                        AND trial_id = (SELECT trial_id FROM trials WHERE number = 1)"
command sqlite3 s.db .dump >before.sql
M="study 'kws': trial_params: trial 1: param_name is NULL, expected the parameter's name"

for fmt in text json html csv; do
  test_expect_code 2 "report --format $fmt: exit 2" report --db s.db --format $fmt
  test_expect_success "... says which row, prints nothing" "[ \"\$(cat err)\" = \"report: s.db: $M\" ] && [ ! -s out ]"
done
test_expect_code 2 "report --best: exit 2" report --db s.db --best --format json
test_expect_code 2 "study-copy: exit 2" study-copy --from s.db --to copy.db
test_expect_success "... says which row, makes no study file" "[ \"\$(cat err)\" = \"study-copy: --from s.db: $M\" ] && [ ! -e copy.db ]"
test_expect_code 2 "suggest (TPE reads the params): exit 2" suggest --db s.db --config c.json
test_expect_success "... says which row, no trial" "[ \"\$(cat err)\" = \"suggest: s.db: $M\" ] && [ ! -s out ]"
test_expect_success "the study unchanged" 'command sqlite3 s.db .dump >after.sql && cmp before.sql after.sql &&
  [ "$(command sqlite3 s.db "PRAGMA integrity_check")" = ok ]'
