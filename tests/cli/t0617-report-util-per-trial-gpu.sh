#!/usr/bin/env bash
# report on a machine with several GPUs, two trials at once, each on its own GPU (a sweep that
# gives each slot its CUDA_VISIBLE_DEVICES): a trial's util_mean was the mean of every GPU the
# study's trials ran on over its window, so trial 0, alone on an 80 % busy GPU 0, and trial 1,
# alone on a 20 % busy GPU 1, both read 50 %. A trial's mean is now of the GPUs its own processes
# ran on (gpu-monitor's process rows tied to it); one without such rows keeps the mean of the
# study's GPUs. The sweep's mean stays of both GPUs.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
samples_study
suggest --db s.db --config c.json --n 2 >/dev/null
tell --db s.db --study kws --trial 1 --state complete --value 0.5 >/dev/null
tell --db s.db --study kws --trial 2 --state complete --value 0.4 >/dev/null
# trials 0, 1 and 2 over [0, 10] s; trial 0's process on GPU 0 (80 %), trial 1's on GPU 1
# (20 %), trial 2's not seen by the monitor. Samples at 0..10 s.
sqlite3 s.db "
  UPDATE trials SET datetime_start = '2026-03-01 00:00:00.000000', datetime_complete = '2026-03-01 00:00:10.000000';
  CREATE TEMP TABLE k(i INTEGER); WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i < 10) INSERT INTO k SELECT i FROM r;
  CREATE TEMP VIEW at(i, t, dt) AS SELECT i, 1772323200 + i, strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+' || i || ' seconds') || '.000000' FROM k;
  INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, device, util)
    SELECT i, t, dt, 'nvml', 'device', 0, 80 FROM at UNION ALL
    SELECT i, t, dt, 'nvml', 'device', 1, 20 FROM at;
  INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, device, pid, trial_id, mem_used_bytes)
    SELECT i, t, dt, 'nvml', 'process', 0, 4242, (SELECT trial_id FROM trials WHERE number = 0), 1000 FROM at UNION ALL
    SELECT i, t, dt, 'nvml', 'process', 1, 4343, (SELECT trial_id FROM trials WHERE number = 1), 1000 FROM at;" ||
  echo "FAIL setting up samples"

test_expect_code 0 "jsonl" report --db s.db --format jsonl
test_expect_success "each trial's mean is of its own GPU; one not seen, of both" '
  [ "$(jq -sc "sort_by(.trial) | map(.util_mean)" out)" = "[80,20,50]" ]'
test_expect_code 0 "json" report --db s.db --format json
test_expect_success "... the sweep's mean of both GPUs, no GPU left out" '
  [ "$(jq -c "[.utilization.sweep_mean, .utilization.samples, .utilization.note]" out)" = "[50,11,null]" ]'
