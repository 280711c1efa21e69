#!/usr/bin/env bash
# tests/bench/report/long_sweep_study.sh DB CONFIG — a long sweep's study for report's
# utilization: 1000 COMPLETE trials of 70 s (value = number), one starting every 36 s (two at a
# time), and 10 hours of gpu-monitor device samples at its default 1 s (36001 rows from
# 2026-03-01 00:00:00 UTC, util = the second mod 100). Made with suggest, gpu-monitor (its table)
# and sqlite3, all found on PATH. Used by t0601 (the means) and tests/bench/report/run.sh (the time).
set -euo pipefail
db=$1 config=$2
suggest --db "$db" --config "$config" --n 1000 >/dev/null
gpu-monitor --db "$db" --count 1 --quiet >/dev/null 2>&1
sqlite3 "$db" "
  UPDATE trials SET state = 'COMPLETE',
    datetime_start = strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+' || (36 * number) || ' seconds') || '.000000',
    datetime_complete = strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+' || (36 * number + 70) || ' seconds') || '.000000';
  INSERT INTO trial_values (trial_id, objective, value, value_type) SELECT trial_id, 0, number, 'FINITE' FROM trials;
  DELETE FROM trial_heartbeats;
  DELETE FROM wakesweep_gpu_samples;
  WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 36000)
  INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, util)
    SELECT i, 1772323200 + i, strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+' || i || ' seconds') || '.000000', 'proc', 'device', i % 100 FROM k;"
