#!/usr/bin/env bash
# report on a machine with several GPUs, the trials on one of them (train-trial takes the first
# that CUDA_VISIBLE_DEVICES leaves visible): the means are of the GPUs the study's trials ran on
# (gpu-monitor's process rows on a device tied to one of its trials), not of every GPU, whose
# idle ones cut an 80 % busy GPU to 40 % on two GPUs (10 % on eight), and the note names the
# GPUs left out. Without such rows (no --db, pids NVML does not report), every GPU, as before.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
samples_study
# trial 0 ran over [0, 10] s on GPU 0 (80 % busy, its process there in every sample); GPU 1
# idle (0 %) but for 1 s of 60 % at 5 s, another user's job. Samples at 0..10 s.
sqlite3 s.db "
  CREATE TEMP TABLE k(i INTEGER); WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i < 10) INSERT INTO k SELECT i FROM r;
  CREATE TEMP VIEW at(i, t, dt) AS SELECT i, 1772323200 + i, strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+' || i || ' seconds') || '.000000' FROM k;
  INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, device, util)
    SELECT i, t, dt, 'nvml', 'device', 0, 80 FROM at UNION ALL
    SELECT i, t, dt, 'nvml', 'device', 1, CASE i WHEN 5 THEN 60 ELSE 0 END FROM at;
  INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, device, pid, trial_id, mem_used_bytes)
    SELECT i, t, dt, 'nvml', 'process', 0, 4242, (SELECT trial_id FROM trials), 1000 FROM at;
  INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, device, pid, mem_used_bytes)
    SELECT i, t, dt, 'nvml', 'process', 1, 777, 1000 FROM at WHERE i = 5;" || echo "FAIL setting up samples"

test_expect_code 0 "json" report --db s.db --format json
test_expect_success "the means are of GPU 0, the one the trial ran on" '
  [ "$(jq -c "[.utilization.sweep_mean, .utilization.samples, .trials[0].util_mean]" out)" = "[80,11,80]" ]'
test_expect_success "the note names the GPU left out" '
  jq -r .utilization.note out | grep -q "GPU 1 left out: no trial of the study ran on it"'
# No process row tied to a trial (gpu-monitor without --db, or pids that NVML reports otherwise):
# every GPU, no note. (11 * 80 + 10 * 0 + 60) / 22
sqlite3 s.db "UPDATE wakesweep_gpu_samples SET trial_id = NULL"
test_expect_code 0 "json, no process tied to a trial" report --db s.db --format json
test_expect_success "... every GPU" '
  [ "$(jq -c "[.utilization.sweep_mean, .utilization.samples, .trials[0].util_mean, .utilization.note]" out)" = "[42.72727272727273,11,42.72727272727273,null]" ]'
