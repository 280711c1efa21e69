#!/usr/bin/env bash
# report on a samples table (gpu-monitor's) edited by hand: text or a blob where util, cpu,
# rss_bytes or t holds a number. Before, such a util was read as 0 and moved the trial's and the
# sweep's means in silence (trial 0's 15% read 13.9%, the sweep's 35% 34.8%), and a t that is
# text left its sample out without a word. Now the samples cannot be read, as any unreadable
# samples table: a warning on stderr naming the row and column, the same in the note, no
# utilization numbers, exit 0 (the trials are reported as ever). A util that is NULL stays
# "no reading" (t0601).
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 2 >/dev/null
tell --db s.db --study kws --trial 0 --state complete --value 0.7 >/dev/null
tell --db s.db --study kws --trial 1 --state complete --value 0.8 >/dev/null
gpu-monitor --nvml-library /nonexistent/libnvidia-ml.so.1 --db s.db --count 1 --quiet >/dev/null 2>&1
# trial 0 over [10, 20] s, trial 1 over [15, 30] s; a device sample per second whose util is the
# second; trial 0's process at 11 s.
sqlite3 s.db "
  UPDATE trials SET datetime_start = CASE number WHEN 0 THEN '2026-03-01 00:00:10.000000' ELSE '2026-03-01 00:00:15.000000' END,
                    datetime_complete = CASE number WHEN 0 THEN '2026-03-01 00:00:20.000000' ELSE '2026-03-01 00:00:30.000000' END;
  DELETE FROM wakesweep_gpu_samples;
  WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 60)
  INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, util)
    SELECT i, 1772323200 + i, strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+' || i || ' seconds') || '.000000', 'proc', 'device', i FROM k;
  INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, pid, trial_id, cpu, rss_bytes)
    SELECT 11, 1772323211, '2026-03-01 00:00:11.000000', 'proc', 'process', 4242, trial_id, 50, 100 FROM trials WHERE number = 0;" ||
  echo "FAIL setting up samples"
test_expect_code 0 "(the samples as gpu-monitor writes them)" report --db s.db --format json
test_expect_success "(... read)" '[ "$(jq -c "[.utilization.sweep_mean, .utilization.note]" out)" = "[20,null]" ]'

# case NAME SQL COLUMN: the edit SQL makes COLUMN of the row edited not a number.
case_() {
  col=$3 what=$4
  cp s.db "$1.db" && sqlite3 "$1.db" "$2" || { echo "FAIL editing $1"; return; }
  row=$(sqlite3 "$1.db" "SELECT row_id FROM wakesweep_gpu_samples WHERE typeof($col) IN ('text', 'blob') LIMIT 1")
  test_expect_code 0 "$1: json" report --db "$1.db" --format json
  test_expect_success "$1: no utilization numbers, the note names the row and column" '
    [ "$(jq -c "[.utilization.sweep_mean, ([.trials[].util_mean] | unique)]" out)" = "[null,[null]]" ] &&
    jq -r .utilization.note out | grep -q "^cannot read gpu-monitor.s samples: .*wakesweep_gpu_samples row $row (sample [0-9]*): $col is $what, not a number"'
  test_expect_success "$1: the warning on stderr" 'grep -q "^report: cannot read gpu-monitor.s samples: .*row $row .*: $col is $what, not a number" err'
  test_expect_code 0 "$1: html" report --db "$1.db" --format html
}
case_ util-text "UPDATE wakesweep_gpu_samples SET util = 'abc' WHERE sample = 12 AND kind = 'device'" util "text 'abc'"
case_ util-blob "UPDATE wakesweep_gpu_samples SET util = x'00ff' WHERE sample = 12 AND kind = 'device'" util "a blob"
case_ t-text "UPDATE wakesweep_gpu_samples SET t = 'soon' WHERE sample = 12 AND kind = 'device'" t "text 'soon'"
case_ cpu-text "UPDATE wakesweep_gpu_samples SET cpu = 'busy' WHERE kind = 'process'" cpu "text 'busy'"
case_ rss-text "UPDATE wakesweep_gpu_samples SET rss_bytes = 'lots' WHERE kind = 'process'" rss_bytes "text 'lots'"

# Numbers written as text by hand ('12') are numbers: REAL and INTEGER columns convert them.
cp s.db numtext.db && sqlite3 numtext.db "UPDATE wakesweep_gpu_samples SET util = '12' WHERE sample = 12 AND kind = 'device'"
test_expect_code 0 "a number as text is a number" report --db numtext.db --format json
test_expect_success "... read as one" '[ "$(jq -c "[.utilization.sweep_mean, .utilization.note]" out)" = "[20,null]" ]'

# Samples that cannot be read leave the heartbeats (the store's) in the time layout: a RUNNING
# trial still runs to its last beat. It took 0 s (wall 10 s, busy 10 s) as the heartbeats went
# with the samples. By hand, in UTC: trial 0 [10, 20] s, trial 1 RUNNING from 15 s, last beat at
# 40 s: 2 slots, wall 30 s, busy 10 + 25 s.
cp s.db beat.db && sqlite3 beat.db "
  UPDATE trials SET state = 'RUNNING', datetime_complete = NULL WHERE number = 1;
  DELETE FROM trial_values WHERE trial_id = (SELECT trial_id FROM trials WHERE number = 1);
  UPDATE trial_heartbeats SET heartbeat = CASE (SELECT number FROM trials t WHERE t.trial_id = trial_heartbeats.trial_id)
    WHEN 0 THEN '2026-03-01 00:00:19' ELSE '2026-03-01 00:00:40' END;
  UPDATE wakesweep_gpu_samples SET util = 'abc' WHERE sample = 12 AND kind = 'device'" || echo "FAIL editing beat.db"
test_expect_code 0 "unreadable samples, a RUNNING trial: json" env TZ=UTC report --db beat.db --format json
test_expect_success "... the running trial still ends at its last heartbeat" '
  jq -e ".utilization.note | startswith(\"cannot read\")" out >/dev/null &&
  [ "$(jq -c "[.time.slots, .time.wall_s, .time.busy_s] | map(. * 1000 | round / 1000)" out)" = "[2,30,35]" ]'
