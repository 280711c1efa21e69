#!/usr/bin/env bash
# report: each trial's mean utilization while it ran and the sweep's, from samples the test
# inserts into gpu-monitor's table (created by gpu-monitor itself) with known values inside
# and outside the trials' windows; the same numbers in JSON, JSON lines, text, CSV and HTML.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 3 >/dev/null
tell --db s.db --study kws --trial 0 --state complete --value 0.7 >/dev/null
tell --db s.db --study kws --trial 1 --state complete --value 0.8 >/dev/null
cp s.db bare.db   # no samples table
gpu-monitor --db s.db --count 1 --quiet >/dev/null 2>&1
# trial 0 ran over [10, 20] s, trial 1 over [15, 30] s, trial 2 runs since 40 s (heartbeat 50 s);
# one device sample per second from 0 to 60 s whose util is the second; trial 0's process at
# 11 and 13 s (cpu 50 and 70 %, rss 100 and 300 bytes); a process of no trial.
sqlite3 s.db "
  CREATE TEMP VIEW at(n, s) AS SELECT 0, 10 UNION ALL SELECT 1, 15 UNION ALL SELECT 2, 40;
  UPDATE trials SET datetime_start = strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+' || (SELECT s FROM at WHERE n = number) || ' seconds') || '.000000';
  UPDATE trials SET datetime_complete = '2026-03-01 00:00:20.000000' WHERE number = 0;
  UPDATE trials SET datetime_complete = '2026-03-01 00:00:30.000000' WHERE number = 1;
  UPDATE trial_heartbeats SET heartbeat = '2026-03-01 00:00:50.000000' WHERE trial_id = (SELECT trial_id FROM trials WHERE number = 2);
  DELETE FROM wakesweep_gpu_samples;
  WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 60)
  INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, util)
    SELECT i, 1772323200 + i, strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+' || i || ' seconds') || '.000000', 'proc', 'device', i FROM k;
  INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, pid, trial_id, cpu, rss_bytes)
    SELECT 11, 1772323211, '2026-03-01 00:00:11.000000', 'proc', 'process', 4242, trial_id, 50, 100 FROM trials WHERE number = 0
    UNION ALL
    SELECT 13, 1772323213, '2026-03-01 00:00:13.000000', 'proc', 'process', 4242, trial_id, 70, 300 FROM trials WHERE number = 0
    UNION ALL
    SELECT 13, 1772323213, '2026-03-01 00:00:13.000000', 'proc', 'process', 999, NULL, 99, 999;" || echo "FAIL setting up samples"

test_expect_code 0 "json" report --db s.db --format json
cp out r.json
t() { jq -c "[.trials[] | select(.trial == $1) | $2][0]" r.json; }
test_expect_success "per trial: mean of the samples in its window" '
  [ "$(t 0 .util_mean)" = 15 ] && [ "$(t 1 .util_mean)" = 22.5 ] && [ "$(t 2 .util_mean)" = 50 ]'
test_expect_success "per trial: its own processes" '[ "$(t 0 .cpu_mean)" = 60 ] && [ "$(t 0 .rss_max_bytes)" = 300 ] && [ "$(t 1 .cpu_mean)" = null ]'
test_expect_success "the sweep: from the first start, open while a trial runs" '
  [ "$(jq -c .utilization r.json)" = "{\"source\":\"proc\",\"what\":\"CPU\",\"sweep_mean\":35,\"samples\":51,\"note\":null}" ]'
test_expect_success "time: two slots, the running trial up to its last heartbeat" '
  [ "$(jq -c "[.time.slots, .time.wall_s, .time.busy_s, .time.idle_s]" r.json)" = "[2,40,35,45]" ] && [ "$(t 2 .slot)" = 0 ]'
test_expect_code 0 "jsonl" report --db s.db --format jsonl
test_expect_success "jsonl lines equal the json trials, with the study" 'jq -c ".study as \$s | .trials[] | {study: \$s} + ." r.json >a; jq -c . out >b; cmp a b'
test_expect_code 0 "text" report --db s.db
test_expect_success "text: a util% column and the sweep line" '
  grep -qE "^ +0 +COMPLETE +0\.7 +10\.00 +15\.0 " out && grep -qE "^ +2 +RUNNING +- +- +50\.0 " out &&
  grep -q "^utilization (CPU, gpu-monitor): sweep mean 35.0% over 51 samples$" out'
test_expect_code 0 "csv" report --db s.db --format csv
test_expect_success "csv: slot and util_mean columns" '
  head -1 out | grep -q ",reason,value_step,slot,util_mean,setup_s,train_s,eval_s$" && grep -q "^1,COMPLETE,0.8,15.0,.*,1,22.5,,,$" out'
test_expect_code 0 "html" report --db s.db --format html
test_expect_success "html: the same numbers (slot 1, as in the csv)" '
  grep -q "id=\"sweep-util\">35.0% mean over 51 samples" out && grep -q "<td>1</td><td>22.5</td>" out &&
  grep -q "sweep mean 35.0%" out'
# A busy sweep's samples lie near their mean: its dashed line drawn over them hid the data line.
test_expect_success "html: the sweep mean's dashed line is drawn under the samples' line" '
  sed -n "/<svg id=\"utilization\"/,/<\/svg>/p" out >util.svg &&
  mean=$(grep -n "stroke-dasharray=\"6 4\"><title>sweep mean 35.0%" util.svg | cut -d: -f1) &&
  data=$(grep -n "<polyline fill=\"none\"" util.svg | head -1 | cut -d: -f1) &&
  [ -n "$mean" ] && [ -n "$data" ] && [ "$mean" -lt "$data" ]'
test_expect_code 0 "a study file without samples" report --db bare.db --format json
test_expect_success "... says so" '
  [ "$(jq -c "[.utilization.sweep_mean, .utilization.samples, .trials[0].util_mean]" out)" = "[null,0,null]" ] &&
  jq -r .utilization.note out | grep -q "^no samples"'
sqlite3 bare.db "CREATE TABLE wakesweep_gpu_samples (x INTEGER)"
test_expect_code 0 "an unreadable samples table is a warning, not an error" report --db bare.db --format json
test_expect_success "... on stderr and in the note" 'grep -q "^report: cannot read gpu-monitor.s samples" err && jq -r .utilization.note out | grep -q "^cannot read"'

# Trial 2 failed at 600 s by another process (a make sweep resumed long after a kill found its
# process gone): it ran until its last heartbeat (50 s), not until then: the time and the
# windows are the running trial's above. Without the mark (failed by its own process, or by a
# wakesweep before the mark) it ran until its datetime_complete.
died() {  # FILE [died]: trial 2 FAIL at 600 s, marked died when asked
  cp s.db "$1"
  sqlite3 "$1" "UPDATE trials SET state = 'FAIL', datetime_complete = '2026-03-01 00:10:00.000000' WHERE number = 2;
    ${2:+INSERT INTO trial_system_attributes (trial_id, key, value_json) SELECT trial_id, 'wakesweep:died', 'true' FROM trials WHERE number = 2;}"
}
died dead.db died && died failed.db
test_expect_code 0 "a trial found dead" report --db dead.db --format json
test_expect_success "... ran until its last heartbeat: the same time and windows as while it ran" '
  [ "$(jq -c "[.time.slots, .time.wall_s, .time.busy_s, .time.idle_s]" out)" = "[2,40,35,45]" ] &&
  [ "$(jq -c "[.trials[] | select(.trial == 2) | .util_mean][0]" out)" = 45 ] &&
  [ "$(jq -c "[.utilization.sweep_mean, .utilization.samples]" out)" = "[30,41]" ]'
test_expect_code 0 "a trial failed without the mark" report --db failed.db --format json
test_expect_success "... ran until its datetime_complete" '
  [ "$(jq -c "[.time.slots, .time.wall_s, .time.busy_s, .time.idle_s]" out)" = "[2,590,585,595]" ] &&
  [ "$(jq -c "[.trials[] | select(.trial == 2) | .util_mean][0]" out)" = 50 ] &&
  [ "$(jq -c "[.utilization.sweep_mean, .utilization.samples]" out)" = "[35,51]" ]'

# Trials that grew (train-trial --grow-threads) trained on the cores of idle slots: "grown"
# seconds on grow_threads instead of threads count grown × (grow_threads / threads - 1)
# slot-seconds, taken from the sweep's idle time. Trial 0: 3 s on 4 threads instead of 2 (3);
# trial 1: 5 s on 2 instead of 1 (5): 8 of the 45 idle slot-seconds above.
grown() {  # FILE GROWN1: trial 0 and 1 measured, trial 1 grown GROWN1 s
  cp s.db "$1"
  sqlite3 "$1" "INSERT INTO trial_user_attributes (trial_id, key, value_json)
    SELECT trial_id, 'seconds', CASE number
      WHEN 0 THEN '{\"setup\": 1, \"train\": 7, \"eval\": 1, \"total\": 10, \"threads\": 2, \"grow_threads\": 4, \"grown\": 3}'
      ELSE '{\"setup\": 1, \"train\": 12, \"eval\": 1, \"total\": 15, \"threads\": 1, \"grow_threads\": 2, \"grown\": $2}' END
    FROM trials WHERE number IN (0, 1)"
}
grown grown.db 5
test_expect_code 0 "trials that grew" report --db grown.db --format json
test_expect_success "... took their grown slot-seconds from the idle time" '
  [ "$(jq -c "[.time.capacity_s, .time.busy_s, .time.grown_s, .time.idle_s]" out)" = "[80,35,8,37]" ]'
test_expect_code 0 "... text" report --db grown.db
test_expect_success "... the same shares" 'grep -q ", grown 10.0%, idle 46.2%$" out'
test_expect_code 0 "... html" report --db grown.db --format html
test_expect_success "... the same shares, and a part of the breakdown" '
  grep -q "<dt>grown into idle slots</dt><dd>10.0%</dd><dt>idle</dt><dd>46.2%</dd>" out &&
  grep -q "<title>all 2 slots, grown: 8.0 s (10.0%)</title>" out'
test_expect_success "without growth: no grown part" '
  report --db s.db >t.out && ! grep -q grown t.out && jq -e ".time.grown_s == 0" r.json >/dev/null'
grown over.db 100
test_expect_code 0 "more grown time than was idle" report --db over.db --format json
test_expect_success "... lends only what was idle" '[ "$(jq -c "[.time.grown_s, .time.idle_s]" out)" = "[45,0]" ]'

# A GPU that gives no utilization reading (NVML: not supported) has util null in its rows. All
# null: the report said "utilization: no samples" in the text and HTML, and nothing in the JSON
# (note null beside samples 51); now each says so in the note. Some null: the means are of the
# rest (as before), and the note says how many were left out (and why, as /proc has it: these
# samples are /proc's; t0615 has NVML's).
cp s.db null.db && sqlite3 null.db "UPDATE wakesweep_gpu_samples SET util = NULL WHERE kind = 'device'"
cp s.db half.db && sqlite3 half.db "UPDATE wakesweep_gpu_samples SET util = NULL WHERE kind = 'device' AND sample % 2 = 1"
NULL_NOTE="no utilization readings: util is null in all 51 device rows of the 51 samples, as from /proc when no CPU clock tick passed in the interval"
HALF_NOTE="util is null in 25 of 51 device rows, as from /proc when no CPU clock tick passed in the interval: the means are of the other 26"
test_expect_code 0 "util null in every sample: json" report --db null.db --format json
test_expect_success "... the note says so, no mean" '
  [ "$(jq -c "[.utilization.sweep_mean, .utilization.samples, (.trials | map(.util_mean) | unique)]" out)" = "[null,51,[null]]" ] &&
  [ "$(jq -r .utilization.note out)" = "$NULL_NOTE" ]'
test_expect_code 0 "... text" report --db null.db
test_expect_success "... the same note, not \"no samples\"" 'grep -qxF "utilization: $NULL_NOTE" out && ! grep -q "no samples" out'
test_expect_code 0 "... html" report --db null.db --format html
test_expect_success "... the same note" 'grep -qF "<dt>utilization</dt><dd>$NULL_NOTE</dd>" out && ! grep -q "no samples" out'
test_expect_code 0 "util null in some samples: json" report --db half.db --format json
test_expect_success "... the means of the rest, and a note" '
  [ "$(jq -c "[.utilization.sweep_mean, .utilization.samples, [.trials[] | .util_mean]]" out)" = "[35,51,[23,15,50]]" ] &&
  [ "$(jq -r .utilization.note out)" = "$HALF_NOTE" ]'
test_expect_code 0 "... text" report --db half.db
test_expect_success "... the same mean and note" 'grep -qxF "utilization (CPU, gpu-monitor): sweep mean 35.0% over 51 samples ($HALF_NOTE)" out'
test_expect_code 0 "... html" report --db half.db --format html
test_expect_success "... the same mean and note" 'grep -qF "id=\"sweep-util\">35.0% mean over 51 samples ($HALF_NOTE)</dd>" out'

# A long sweep (tests/bench/report/long_sweep_study.sh): 1000 trials of 70 s, one every 36 s,
# over 10 hours of device samples at 1 s. The mean per trial was a join of trials and samples on
# t, which no index covers: every trial compared with every sample, 14-21 s for this study on the
# project's machine (tests/bench/report/run.sh times it). The means are the definition's,
# computed here in Python.
bash "$WS_ROOT/tests/bench/report/long_sweep_study.sh" long.db c.json || echo "FAIL setting up the long sweep"
"$PY" -c 'print(" ".join((lambda w: repr(sum(i % 100 for i in w) / len(w)))(range(36 * n, min(36 * n + 70, 36000) + 1)) for n in range(1000)))' >long.want
test_expect_code 0 "json of a 1000-trial sweep with 36001 samples" report --db long.db --format json
cp out long.json
test_expect_success "... with the mean of the samples in the window of each trial" '
  jq -r "[.trials | sort_by(.trial)[] | .util_mean] | map(tostring) | join(\" \")" long.json >long.got &&
  "$PY" -c "import sys; a, b = (open(f).read().split() for f in sys.argv[1:]); sys.exit(not (len(a) == len(b) == 1000 and all(float(x) == float(y) for x, y in zip(a, b))))" long.want long.got &&
  [ "$(jq -c "[.utilization.samples, .time.slots]" long.json)" = "[36001,2]" ]'
