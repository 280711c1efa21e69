#!/usr/bin/env bash
# A study deleted with Optuna's delete_study (or `optuna delete-study`), then made again in the
# same file, as one starts a sweep over: SQLite gives the new trials the deleted ones' trial ids
# again (the highest rows gone), and gpu-monitor's process rows of the deleted trials, tied to a
# trial by its id, were counted as the new trials' own: trial 0 of the new study got the old
# trial's CPU mean and largest RSS, and the GPU the old trial had run on (its mean of that GPU
# alone, the sweep's mean of it alone, the other "left out: no trial of the study ran on it"),
# though no row of it was taken while the new trial ran. A process row is a trial's own once it
# was taken after the trial had started.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
need_python "a study deleted by Optuna" optuna
samples_study
# samples at 0..10 s (the first trial: its process on GPU 1, CPU 90 %, RSS 5000) and at 100..110 s
# (the second study's trial: GPU 0 60 %, GPU 1 10 %, its process CPU 30 %, RSS 3000, not seen on a GPU)
rows() {  # FIRST_SECOND SQL_SELECTS...: the selects over (i, t, dt), samples at FIRST_SECOND + 0..10
  sqlite3 s.db "
  CREATE TEMP TABLE k(i INTEGER); WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i < 10) INSERT INTO k SELECT i FROM r;
  CREATE TEMP VIEW at(i, t, dt) AS SELECT $1 + i, 1772323200 + $1 + i, strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+' || ($1 + i) || ' seconds') || '.000000' FROM k;
  $2"
}
rows 0 "INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, device, util, pid, trial_id, cpu, rss_bytes)
    SELECT i, t, dt, 'nvml', 'device', 0, 70, NULL, NULL, NULL, NULL FROM at UNION ALL
    SELECT i, t, dt, 'nvml', 'device', 1, 95, NULL, NULL, NULL, NULL FROM at UNION ALL
    SELECT i, t, dt, 'nvml', 'process', 1, NULL, 4242, 1, NULL, NULL FROM at UNION ALL
    SELECT i, t, dt, 'nvml', 'process', NULL, NULL, 4242, 1, 90, 5000 FROM at" || echo "FAIL setting up the first samples"
test_expect_success "Optuna deletes the study; suggest makes it again, its trial 0 gets trial id 1 again" '
  "$PY" -W ignore -c "
import optuna
optuna.delete_study(study_name=\"kws\", storage=\"sqlite:///s.db\")" &&
  suggest --db s.db --config c.json --n 1 >/dev/null && tell --db s.db --study kws --trial 0 --state complete --value 0.5 >/dev/null &&
  sqlite3 s.db "UPDATE trials SET datetime_start = \"2026-03-01 00:01:40.000000\", datetime_complete = \"2026-03-01 00:01:50.000000\"" &&
  [ "$(sqlite3 s.db "SELECT trial_id FROM trials WHERE number = 0")" = 1 ]'
rows 100 "INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, device, util, pid, trial_id, cpu, rss_bytes)
    SELECT i, t, dt, 'nvml', 'device', 0, 60, NULL, NULL, NULL, NULL FROM at UNION ALL
    SELECT i, t, dt, 'nvml', 'device', 1, 10, NULL, NULL, NULL, NULL FROM at UNION ALL
    SELECT i, t, dt, 'nvml', 'process', NULL, NULL, 5151, 1, 30, 3000 FROM at" || echo "FAIL setting up the second samples"
test_expect_code 0 "report --format jsonl" report --db s.db --format jsonl
test_expect_success "trial 0's CPU and RSS are of its own process (30 %, 3000), not the deleted trial's too" '
  jq -e ".trial == 0 and .cpu_mean == 30 and .rss_max_bytes == 3000" out'
test_expect_success "... and its GPU mean of both GPUs ((60 + 10) / 2), not of the deleted trial's GPU 1" '
  jq -e ".util_mean == 35" out'
test_expect_code 0 "report --format json" report --db s.db --format json
test_expect_success "the sweep's mean is of both GPUs too, none left out" '
  jq -e ".utilization.sweep_mean == 35 and (.utilization.note // \"\" | test(\"left out\") | not)" out'
