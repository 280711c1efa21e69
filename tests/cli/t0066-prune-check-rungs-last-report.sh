#!/usr/bin/env bash
# prune-check under successive halving or hyperband loaded every intermediate value of every
# trial, though these pruners read the other trials' rung values (attributes) and the first
# completed trial's last step only: its time and memory grew with the study's reports (4000
# trials of 100 reports: 0.27 s CPU, 16 MB a call). Now the others' last reports are read, and
# the judged trial's whole curve: the same answers as on a copy that keeps each other trial's
# last report only, in memory that does not grow with the reports.
. "$WS_ROOT/tests/cli/lib.sh"
for p in '{"name": "successive_halving", "min_resource": 1, "reduction_factor": 3}' \
         '{"name": "hyperband", "min_resource": 1, "reduction_factor": 3}'; do
  jq --argjson p "$p" '.pruner = $p' "$WS_ROOT/tests/cli/study.json" >c.json
  name=$(jq -r .pruner.name c.json)
  rm -f full.db
  suggest --db full.db --config c.json --n 9 >/dev/null
  # trials 0-7 COMPLETE with 47000 to 40000 reports and the rungs they reached; trial 8 runs
  sqlite3 full.db "
    UPDATE trials SET state = 'COMPLETE', datetime_complete = datetime_start WHERE number < 8;
    INSERT INTO trial_values (trial_id, objective, value, value_type)
      SELECT trial_id, 0, number / 10.0, 'FINITE' FROM trials WHERE number < 8;
    WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 46999)
    INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type)
      SELECT trial_id, i, ((i + number) % 7) / 10.0, 'FINITE' FROM trials, k WHERE number < 8 AND i < 47000 - 1000 * number;
    WITH RECURSIVE r(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM r WHERE k < 3)
    INSERT INTO trial_system_attributes (trial_id, key, value_json)
      SELECT trial_id, 'completed_rung_' || k, number / 10.0 FROM trials, r WHERE number < 8;"
  cp full.db last.db
  sqlite3 last.db "DELETE FROM trial_intermediate_values WHERE step < (SELECT max(y.step) FROM trial_intermediate_values y
    WHERE y.trial_id = trial_intermediate_values.trial_id); VACUUM"
  # ask DB: trial 8 reports steps 0, 1, 3, 9, 2 (out of order), 27 with values that reach the
  # rungs; its answers in DB.answers, the last call's peak RSS (KB) in DB.kb
  ask() {
    : >"$1.answers"
    for sv in 0:0.35 1:0.45 3:0.15 9:0.65 2:0.05 27:0.25; do
      /usr/bin/time -f %M -o "$1.kb" prune-check --db "$1.db" --study kws --trial 8 --step "${sv%:*}" --value "${sv#*:}" \
        >>"$1.answers"
      echo "exit $?" >>"$1.answers"
    done
  }
  test_expect_success "$name: prune-check on 8 trials of 40000 to 47000 reports, and on a copy with their last only" \
    'ask full && ask last'
  test_expect_success "... the same answers" '[ "$(grep -c "^exit [01]$" full.answers)" = 6 ] && cmp full.answers last.answers'
  expect_rss_within "$name: ... in memory that does not grow with the reports (at most 4 MB over the copy's)" \
    prune-check full.kb last.kb 4096
done
