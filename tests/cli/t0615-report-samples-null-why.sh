#!/usr/bin/env bash
# report: the note on device rows whose util is null says why as the source has it: NVML's, a
# GPU that reports no utilization; /proc's (gpu-monitor without a GPU), an interval in which no
# CPU clock tick passed (at --interval 0.01 s, a sample in seven here). Every note said "as from
# a GPU that reports no utilization", also under "utilization (CPU, gpu-monitor)".
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
samples_study
# the trial over [0, 10] s; samples at 0..10 s, util 20 but null at odd seconds
sqlite3 s.db "
  WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 10)
  INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, util)
    SELECT i, 1772323200 + i, strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+' || i || ' seconds') || '.000000',
           'proc', 'device', CASE WHEN i % 2 THEN NULL ELSE 20 END FROM k;" || echo "FAIL setting up samples"
cp s.db gpu.db && sqlite3 gpu.db "UPDATE wakesweep_gpu_samples SET source = 'nvml', device = 0"

test_expect_code 0 "/proc's samples" report --db s.db --format json
test_expect_success "... the note says why as /proc has it" '
  [ "$(jq -r .utilization.note out)" = "util is null in 5 of 11 device rows, as from /proc when no CPU clock tick passed in the interval: the means are of the other 6" ] &&
  [ "$(jq -c "[.utilization.what, .utilization.sweep_mean]" out)" = "[\"CPU\",20]" ]'
test_expect_code 0 "NVML's samples" report --db gpu.db --format json
test_expect_success "... the note says why as NVML has it" '
  [ "$(jq -r .utilization.note out)" = "util is null in 5 of 11 device rows, as from a GPU that reports no utilization: the means are of the other 6" ] &&
  [ "$(jq -c "[.utilization.what, .utilization.sweep_mean]" out)" = "[\"GPU\",20]" ]'
sqlite3 s.db "UPDATE wakesweep_gpu_samples SET util = NULL"
test_expect_code 0 "/proc's samples, all null" report --db s.db
test_expect_success "... the text says why as /proc has it" '
  grep -qxF "utilization: no utilization readings: util is null in all 11 device rows of the 11 samples, as from /proc when no CPU clock tick passed in the interval" out'
