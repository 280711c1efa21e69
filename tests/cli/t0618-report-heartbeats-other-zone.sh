#!/usr/bin/env bash
# report's time layout takes a RUNNING trial up to its last heartbeat (and a trial failed once it
# had died, as suggest --reap fails it, to its last one). Heartbeats are UTC (the database's
# CURRENT_TIMESTAMP), a trial's datetimes the trainer's naive local time: report put the two
# together in its own zone, so that a study file copied from a sweep in New York and read under
# TZ=UTC had its RUNNING trial, 30 min in, last 5.5 h (6.5 h under TZ=Europe/Berlin; ahead of the
# sweep's zone, one that had run under 1 h or so, none). The heartbeats are now put into the
# trials' wall time by the sweep's offset from UTC, found as gpu-monitor's samples give it or,
# without samples, as the heartbeats bound it: each after its trial's start and before its
# completion (a trainer beats up to its end).
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 3 >/dev/null
tell --db s.db --study kws --trial 0 --state complete --value 0.7 >/dev/null
tell --db s.db --study kws --trial 2 --state fail >/dev/null
# A sweep in New York (UTC-5 on 2026-03-01): trial 0 ran 10:00 to 10:20 local, its last beat 20 s
# before its end; trial 1 started 10:10 and beats still, last at 10:40 (15:40 UTC); trial 2 began
# 10:05 and died after its beat at 10:25 (15:25 UTC), failed at 10:45 as dead.
sqlite3 s.db "
  UPDATE trials SET datetime_start = '2026-03-01 10:00:00.000000', datetime_complete = '2026-03-01 10:20:00.000000' WHERE number = 0;
  UPDATE trials SET datetime_start = '2026-03-01 10:10:00.000000' WHERE number = 1;
  UPDATE trials SET datetime_start = '2026-03-01 10:05:00.000000', datetime_complete = '2026-03-01 10:45:00.000000' WHERE number = 2;
  INSERT INTO trial_system_attributes (trial_id, key, value_json) SELECT trial_id, 'wakesweep:died', 'true' FROM trials WHERE number = 2;
  UPDATE trial_heartbeats SET heartbeat = CASE (SELECT number FROM trials t WHERE t.trial_id = trial_heartbeats.trial_id)
    WHEN 0 THEN '2026-03-01 15:19:40' WHEN 1 THEN '2026-03-01 15:40:00' ELSE '2026-03-01 15:25:00' END" ||
  echo "FAIL setting up the study"
# By hand, in the sweep's wall time: trial 0 [10:00, 10:20], trial 2 [10:05, 10:25], trial 1
# [10:10, 10:40]: 3 slots, wall 10:00 to 10:40, busy 1200 + 1200 + 1800 s.
for tz in America/New_York UTC Europe/Berlin Asia/Kolkata; do
  test_expect_code 0 "report --format json under TZ=$tz" env TZ=$tz report --db s.db --format json
  test_expect_success "... the trials' times as in the sweep's zone" '
    [ "$(jq -c "[.time.slots, .time.wall_s, .time.busy_s] | map(. * 1000 | round / 1000)" out)" = "[3,2400,4200]" ]'
done
# Trials told by hand hours after suggest's one beat (no trainer beating), read in the sweep's own
# zone (UTC): their beats stay where they are: the RUNNING trial, beaten once at its start, has
# taken 0 s so far (wall 0:00 to 3:00, busy the COMPLETE trial's 3 h).
suggest --db m.db --config c.json --n 2 >/dev/null
tell --db m.db --study kws --trial 0 --state complete --value 0.5 >/dev/null
sqlite3 m.db "
  UPDATE trials SET datetime_start = '2026-03-01 00:00:00.000000', datetime_complete = '2026-03-01 03:00:00.000000' WHERE number = 0;
  UPDATE trials SET datetime_start = '2026-03-01 02:00:00.000000' WHERE number = 1;
  UPDATE trial_heartbeats SET heartbeat = CASE (SELECT number FROM trials t WHERE t.trial_id = trial_heartbeats.trial_id)
    WHEN 0 THEN '2026-03-01 00:00:00' ELSE '2026-03-01 02:00:00' END" || echo "FAIL setting up the study"
test_expect_code 0 "report, trials told by hand, in the sweep's zone" env TZ=UTC report --db m.db --format json
test_expect_success "... the running trial's beat where it was" '
  [ "$(jq -c "[.time.slots, .time.wall_s, .time.busy_s] | map(. * 1000 | round / 1000)" out)" = "[2,10800,10800]" ]'
