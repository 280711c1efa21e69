#!/usr/bin/env bash
# gpu-monitor --db on a file that already holds a table or a view named wakesweep_gpu_samples
# that is not its own (CREATE TABLE IF NOT EXISTS keeps it): "creating the samples table: no
# such column: kind", exit 3 (internal), for what is bad input. Now exit 2, naming the file,
# the table or view and what was expected; the file keeps what it held.
. "$WS_ROOT/tests/cli/lib.sh"
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q -n 1 -i 0.01)
sqlite3 t.db "CREATE TABLE wakesweep_gpu_samples (a); INSERT INTO wakesweep_gpu_samples VALUES (7)"
test_expect_code 2 "a table of that name, not gpu-monitor's" gpu-monitor "${NOGPU[@]}" --db t.db
test_expect_success "... names the file and the table, and what was expected; the table is as it was" '
  grep -q "^gpu-monitor: t\.db: its table wakesweep_gpu_samples is not gpu-monitor.s samples table (.*); expected" err &&
  [ "$(sqlite3 t.db "SELECT group_concat(a) FROM wakesweep_gpu_samples")" = 7 ] && [ ! -s out ]'
sqlite3 v.db "CREATE VIEW wakesweep_gpu_samples AS SELECT 1 AS a"
test_expect_code 2 "a view of that name" gpu-monitor "${NOGPU[@]}" --db v.db
test_expect_success "... names the file and the view" '
  grep -q "^gpu-monitor: v\.db: its view wakesweep_gpu_samples is not gpu-monitor.s samples table (.*); expected" err'
test_expect_code 0 "a new file still works" gpu-monitor "${NOGPU[@]}" --db n.db
test_expect_success "... one sample stored" '[ "$(sqlite3 n.db "SELECT count(*) FROM wakesweep_gpu_samples")" -ge 1 ]'
