#!/usr/bin/env bash
# report: a study file whose samples come from both of gpu-monitor's sources, GPU busy % from
# NVML and CPU busy % from /proc (a sweep resumed on another machine, or a monitor that found no
# driver once): the means are of one kind only, the source with the most device rows in the
# sweep's window, and the note says how many samples of the other were left out. A mean of GPU
# and CPU percentages together is neither, yet was shown as the GPU's.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 2 >/dev/null
tell --db s.db --study kws --trial 0 --state complete --value 0.7 >/dev/null
tell --db s.db --study kws --trial 1 --state complete --value 0.8 >/dev/null
gpu-monitor --db s.db --count 1 --quiet >/dev/null 2>&1
# trial 0 ran over [10, 20] s, trial 1 over [25, 40] s; one sample per second from 0 to 40 s:
# /proc's (CPU 90 %) up to 14 s, NVML's (GPU 30 %) from 15 s on. In the window [10, 40] s:
# 5 /proc samples, 26 NVML ones. Every NVML mean is 30 (mixed, trial 0's was (5*90+6*30)/11).
sqlite3 s.db "
  UPDATE trials SET datetime_start = '2026-03-01 00:00:10.000000', datetime_complete = '2026-03-01 00:00:20.000000' WHERE number = 0;
  UPDATE trials SET datetime_start = '2026-03-01 00:00:25.000000', datetime_complete = '2026-03-01 00:00:40.000000' WHERE number = 1;
  DELETE FROM wakesweep_gpu_samples;
  WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 40)
  INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, device, util)
    SELECT i, 1772323200 + i, strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+' || i || ' seconds') || '.000000',
           CASE WHEN i < 15 THEN 'proc' ELSE 'nvml' END, 'device', CASE WHEN i < 15 THEN NULL ELSE 0 END,
           CASE WHEN i < 15 THEN 90 ELSE 30 END FROM k;" || echo "FAIL setting up samples"
export TZ=UTC

test_expect_code 0 "json" report --db s.db --format json
test_expect_success "the means are the GPU's alone" '
  [ "$(jq -c "[.utilization.source, .utilization.what, .utilization.sweep_mean, .utilization.samples, [.trials[].util_mean]]" out)" = "[\"nvml\",\"GPU\",30,26,[30,30]]" ]'
test_expect_success "the note counts the /proc samples left out" '
  jq -r .utilization.note out | grep -q "5 samples from /proc (CPU busy %) left out"'
test_expect_code 0 "text" report --db s.db
test_expect_success "text: the same" 'grep -q "^utilization (GPU, gpu-monitor): sweep mean 30.0% over 26 samples" out &&
  grep -q "5 samples from /proc (CPU busy %) left out" out'
# The other way round: most rows /proc's, the NVML ones left out.
sqlite3 s.db "UPDATE wakesweep_gpu_samples SET source = CASE source WHEN 'proc' THEN 'nvml' ELSE 'proc' END,
  util = CASE util WHEN 90 THEN 30 ELSE 90 END"
test_expect_code 0 "json, mostly /proc" report --db s.db --format json
test_expect_success "the means are the CPUs' alone" '
  [ "$(jq -c "[.utilization.source, .utilization.sweep_mean, .utilization.samples, [.trials[].util_mean]]" out)" = "[\"proc\",90,26,[90,90]]" ] &&
  jq -r .utilization.note out | grep -q "5 samples from NVML (GPU busy %) left out"'
# One sample of the other source in the window: "1 sample", not "1 samples".
sqlite3 s.db "UPDATE wakesweep_gpu_samples SET source = 'proc', util = 90 WHERE sample BETWEEN 10 AND 13"
test_expect_code 0 "json, one NVML sample in the window" report --db s.db --format json
test_expect_success "... the note says 1 sample" 'jq -r .utilization.note out | grep -q "1 sample from NVML (GPU busy %) left out: the means are of the proc ones"'
