#!/usr/bin/env bash
# report's time layout takes a RUNNING trial up to its last heartbeat, and a trial failed once it
# had died (wakesweep:died) to its last one (report.1), on PostgreSQL as on SQLite (t0618). report
# read the heartbeats beside gpu-monitor's samples, through a SQLite connection, which a
# PostgreSQL study has not: there the RUNNING trial had taken 0 s and the dead one ran to the
# time it was found dead. The heartbeats are now read through the store. PostgreSQL's are
# LOCALTIMESTAMP (the session's zone, here a database set to Asia/Kolkata), SQLite's UTC.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
if [ -z "${WS_PG_HOST:-}" ]; then
  test_skip "report heartbeats on PostgreSQL" "no PostgreSQL server (make check-cluster starts one)"; exit 0
fi
PG=$(db_new beats) || exit 1
dbq "$PG" "ALTER DATABASE $(dbq "$PG" 'SELECT current_database()') SET timezone = 'Asia/Kolkata'" ||
  echo "FAIL setting the database's zone"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db "$PG" --config c.json --n 3 >/dev/null
tell --db "$PG" --study kws --trial 0 --state complete --value 0.7 >/dev/null
tell --db "$PG" --study kws --trial 2 --state fail >/dev/null
# As in t0618, a sweep in New York (UTC-5 on 2026-03-01): trial 0 ran 10:00 to 10:20 local, its
# last beat 20 s before its end; trial 1 started 10:10 and beats still, last at 10:40 (15:40 UTC);
# trial 2 began 10:05 and died after its beat at 10:25 (15:25 UTC), failed at 10:45 as dead. The
# beats are written as LOCALTIMESTAMP writes them: the instant in the session's zone.
dbq "$PG" "
  UPDATE trials SET datetime_start = '2026-03-01 10:00:00', datetime_complete = '2026-03-01 10:20:00' WHERE number = 0;
  UPDATE trials SET datetime_start = '2026-03-01 10:10:00' WHERE number = 1;
  UPDATE trials SET datetime_start = '2026-03-01 10:05:00', datetime_complete = '2026-03-01 10:45:00' WHERE number = 2;
  INSERT INTO trial_system_attributes (trial_id, key, value_json) SELECT trial_id, 'wakesweep:died', 'true' FROM trials WHERE number = 2;
  UPDATE trial_heartbeats h SET heartbeat = (CASE t.number WHEN 0 THEN timestamptz '2026-03-01 15:19:40+00'
    WHEN 1 THEN timestamptz '2026-03-01 15:40:00+00' ELSE timestamptz '2026-03-01 15:25:00+00' END)
    AT TIME ZONE current_setting('TimeZone') FROM trials t WHERE t.trial_id = h.trial_id" >/dev/null ||
  echo "FAIL setting up the study"
# By hand, in the sweep's wall time: trial 0 [10:00, 10:20], trial 2 [10:05, 10:25], trial 1
# [10:10, 10:40]: 3 slots, wall 10:00 to 10:40, busy 1200 + 1200 + 1800 s.
for tz in America/New_York UTC; do
  test_expect_code 0 "report --format json of a PostgreSQL study under TZ=$tz" env TZ=$tz report --db "$PG" --format json
  test_expect_success "... the running and the dead trial end at their last heartbeats" '
    [ "$(jq -c "[.time.slots, .time.wall_s, .time.busy_s] | map(. * 1000 | round / 1000)" out)" = "[3,2400,4200]" ]'
done
