#!/usr/bin/env bash
# pipelines/monitor.sh hands the sweep's DB to gpu-monitor --db, a SQLite file named postgres-kws.db
# too: it left out a DB it took for a PostgreSQL URL (any beginning with "postgres"), whose study
# had no samples then. A PostgreSQL study is handed over too now (tests/cluster/t0206).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_sweep_config c.json tones-mon 1
samples() { sqlite3 "$1" "SELECT count(*) FROM wakesweep_gpu_samples" 2>/dev/null || echo none; }
monitored() {  # DB RUNS: the monitor started and stopped over a study file, as a sweep does
  suggest --db "$1" --config c.json -n 0 >/dev/null && mkdir -p "$2" &&
  bash "$WS_ROOT/pipelines/monitor.sh" start "$2" "$1" "$WS_BIN" 0.1 && sleep 0.5 &&
  bash "$WS_ROOT/pipelines/monitor.sh" stop "$2"
}
# A SQLite study file named postgres-kws.db (a relative path, as DB is in make's folder) was taken
# for a PostgreSQL study: gpu-monitor ran without --db, and the study got no samples.
test_expect_success "a SQLite DB named postgres-kws.db gets the sweep's samples" '
  monitored postgres-kws.db r1 && n=$(samples postgres-kws.db) && [ "$n" != none ] && [ "$n" -gt 0 ] ||
  { echo "samples: $n; monitor.err: $(cat r1/monitor.err)"; false; } >&2'
test_expect_success "... as one named kws.db does" '
  monitored kws.db r2 && n=$(samples kws.db) && [ "$n" != none ] && [ "$n" -gt 0 ]'
