#!/usr/bin/env bash
# prune-check under the median and percentile pruners (also wrapped by patient) loaded every
# intermediate value of every trial, though Optuna 3.1's PercentilePruner reads of the other
# trials only the COMPLETE ones' values at the judged trial's last step: its time and memory grew
# with the study's reports (4000 trials of 100 reports: 0.45-0.53 s CPU, 16.5 MB a call). Now
# those rows alone are read, and the judged trial's whole curve: the same answers as on a copy
# that keeps the other trials' rows at the judged steps only, in memory that does not grow with
# the reports.
. "$WS_ROOT/tests/cli/lib.sh"
for p in '{"name": "median", "n_startup_trials": 2}' \
         '{"name": "percentile", "percentile": 25, "n_startup_trials": 3, "n_warmup_steps": 1, "interval_steps": 2, "n_min_trials": 3}' \
         '{"name": "patient", "patience": 1, "wrapped": {"name": "median", "n_startup_trials": 2}}'; do
  jq --argjson p "$p" '.pruner = $p' "$WS_ROOT/tests/cli/study.json" >c.json
  name=$(jq -r .pruner.name c.json)
  rm -f full.db
  suggest --db full.db --config c.json --n 9 >/dev/null
  # trials 0-5 COMPLETE with 47000 to 42000 reports, trial 6 PRUNED (its rows are not read), trial
  # 7 RUNNING; trial 8 is judged
  sqlite3 full.db "
    UPDATE trials SET state = 'COMPLETE', datetime_complete = datetime_start WHERE number < 6;
    UPDATE trials SET state = 'PRUNED', datetime_complete = datetime_start WHERE number = 6;
    INSERT INTO trial_values (trial_id, objective, value, value_type)
      SELECT trial_id, 0, number / 10.0, 'FINITE' FROM trials WHERE number < 7;
    WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 46999)
    INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type)
      SELECT trial_id, i, CASE WHEN number = 6 THEN 0.99 ELSE ((i + number) % 7) / 10.0 END, 'FINITE'
      FROM trials, k WHERE number < 8 AND i < 47000 - 1000 * number;"
  cp full.db few.db
  sqlite3 few.db "DELETE FROM trial_intermediate_values WHERE step NOT IN (0, 1, 2, 3, 9, 27); VACUUM"
  # ask DB: trial 8 reports steps 0, 1, 3, 9, 2 (out of order), 27; its answers in DB.answers,
  # the last call's peak RSS (KB) in DB.kb
  ask() {
    : >"$1.answers"
    for sv in 0:0.35 1:0.45 3:0.15 9:0.65 2:0.05 27:0.25; do
      /usr/bin/time -q -f %M -o "$1.kb" prune-check --db "$1.db" --study kws --trial 8 --step "${sv%:*}" --value "${sv#*:}" \
        >>"$1.answers"
      echo "exit $?" >>"$1.answers"
    done
  }
  test_expect_success "$name: prune-check on 6 completed trials of 42000 to 47000 reports, and on a copy with the asked steps only" \
    'ask full && ask few'
  test_expect_success "... the same answers" '[ "$(grep -c "^exit [01]$" full.answers)" = 6 ] && cmp full.answers few.answers'
  expect_rss_within "... in memory that does not grow with the reports (at most 4 MB over the copy's)" \
    prune-check full.kb few.kb 4096
done
