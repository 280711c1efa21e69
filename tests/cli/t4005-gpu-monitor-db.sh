#!/usr/bin/env bash
# gpu-monitor --db: creates the study file when missing without any Optuna table, Optuna then
# creates its study in the same file, the RUNNING trials' pids (trial system attribute
# "wakesweep:pid") are watched and tagged with their trial, and Optuna still loads the study.
# runner: waits (gpu-monitor's intervals and durations)
. "$WS_ROOT/tests/cli/lib.sh"
FAKE=$WS_BUILD/fake_nvml
unset FAKE_NVML_DEVICES FAKE_NVML_FAIL FAKE_NVML_LOST FAKE_NVML_PROCS FAKE_NVML_NPROCS FAKE_NVML_STATS
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
q() { sqlite3 study.db "$1"; }

sleep 30 & running=$!
sleep 30 & finished=$!
trap 'kill $running $finished 2>/dev/null; rm -rf "$TMP"' EXIT

test_expect_code 0 db-fresh-file gpu-monitor "${NOGPU[@]}" -i 0.02 -n 2 --db study.db
test_expect_success db-created-own-table-only '[ -f study.db ] &&
  [ "$(q "SELECT group_concat(name) FROM sqlite_master WHERE type = '\''table'\''")" = wakesweep_gpu_samples ] &&
  [ "$(q "PRAGMA journal_mode")" = wal ]'
test_expect_success db-proc-rows '[ "$(q "SELECT count(*), count(DISTINCT sample), min(sample), max(sample)
  FROM wakesweep_gpu_samples WHERE kind = '\''device'\'' AND source = '\''proc'\'' AND device IS NULL
  AND util BETWEEN 0 AND 100 AND mem_total_bytes > 0")" = "2|2|1|2" ]'
test_expect_success db-rows-match-lines '[ "$(q "SELECT printf('\''%.6f'\'', t) FROM wakesweep_gpu_samples ORDER BY sample")" = \
  "$(jq .t out | awk "{ printf \"%.6f\\n\", \$1 }")" ]'

# Optuna creates its study in the file the monitor made, and two trials record their pids.
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
test_expect_success optuna-study "$PY - $running $finished <<'PY'
import sys, optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
study = optuna.create_study(study_name='kws', storage='sqlite:///study.db')
run, done = study.ask(), study.ask()
study._storage.set_trial_system_attr(run._trial_id, 'wakesweep:pid', int(sys.argv[1]))
study._storage.set_trial_system_attr(done._trial_id, 'wakesweep:pid', int(sys.argv[2]))
study.tell(done, 0.5)
PY"
running_id=$(q "SELECT trial_id FROM trials WHERE number = 0")

test_expect_code 0 db-watch-running gpu-monitor "${NOGPU[@]}" -i 0.05 -n 2 --db study.db
test_expect_success db-watch-running-lines 'jq -e -s "all(.[]; .processes | length == 1 and .[0].pid == $running
  and .[0].trial == 0 and .[0].rss_bytes > 0)" out >/dev/null'
test_expect_success db-watch-running-rows '[ "$(q "SELECT count(*), min(pid), min(trial_id) FROM wakesweep_gpu_samples
  WHERE kind = '\''process'\'' AND sample > 2")" = "2|$running|$running_id" ]'

# On a (fake) GPU: the trial's GPU process row and JSON carry the trial too.
if [ -e "$FAKE/libnvidia-ml.so.1" ]; then
  test_expect_code 0 db-nvml env LD_LIBRARY_PATH="$FAKE" FAKE_NVML_DEVICES=2 FAKE_NVML_PROCS="1:$running:1048576,0:77:5" \
    gpu-monitor -i 0.02 -n 1 --db study.db
  test_expect_success db-nvml-lines 'jq -e ".devices[1].processes == [{pid: $running, trial: 0, mem_used_bytes: 1048576}]
    and .devices[0].processes == [{pid: 77, mem_used_bytes: 5}] and (.processes | map(.pid)) == [$running]" out >/dev/null'
  test_expect_success db-nvml-rows '[ "$(q "SELECT kind, device, name, util, mem_used_bytes, pid, trial_id FROM wakesweep_gpu_samples
    WHERE sample = (SELECT max(sample) FROM wakesweep_gpu_samples) ORDER BY row_id" | tr "\n" " ")" = \
    "device|0|Fake GPU 0|40.0|1073745920|| process|0|||5|77| device|1|Fake GPU 1|50.0|2147487744|| process|1|||1048576|$running|$running_id process|||||$running|$running_id " ]'
else
  test_skip db-nvml "no fake NVML in $FAKE"
fi

test_expect_success optuna-still-loads "$PY - <<'PY'
import optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
study = optuna.load_study(study_name='kws', storage='sqlite:///study.db')
assert len(study.trials) == 2 and study.best_value == 0.5, study.trials
PY"

test_expect_code 2 db-not-a-database bash -c 'echo "not a database at all, just some text to fill a header" >bad.db;
  gpu-monitor --nvml-library /nonexistent -q -n 1 --db bad.db'
test_expect_success db-error-message 'grep -q "^gpu-monitor: bad.db: .*not a database" err'

# A study file the monitor may not write: exit 2 (input), worded as the study tools word it
# ("setting WAL mode: ...": opened by the store, as they open it).
# Root writes everything, so as root the monitor runs as nobody, from a folder nobody may enter.
ro=$(mktemp -d "${TMPDIR:-/tmp}/ws-ro.XXXXXX") && cp study.db "$WS_BIN/gpu-monitor" "$ro/" && chmod 755 "$ro" && chmod 444 "$ro/study.db"
as_monitor() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
test_expect_success db-read-only 'rc=0; as_monitor "$ro/gpu-monitor" "${NOGPU[@]}" -n 1 --db "$ro/study.db" >o 2>e || rc=$?
  [ $rc = 2 ] && grep -q "study.db: setting WAL mode: the database is read-only" e'
rm -rf "$ro"

# Another connection holds the study's write lock (BEGIN IMMEDIATE) longer than the busy timeout
# (WS_MONITOR_BUSY_S=0.3 here; 30 s by default): the samples taken meanwhile are not stored, a
# warning names the file and each one's time, their lines still print, sampling goes on (the
# samples after the lock are stored), a summary counts them, and the exit status is 0. The
# warnings print under --quiet too. Before, the first such sample ended the monitor with exit 3.
test_expect_success db-locked-samples-not-stored '
  rm -f l.db* hold.fifo && gpu-monitor "${NOGPU[@]}" -i 0.02 -n 1 --db l.db >/dev/null && mkfifo hold.fifo || exit 1
  sqlite3 l.db <hold.fifo & holder=$!
  { echo "BEGIN IMMEDIATE;"; sleep 2; echo "ROLLBACK;"; } >hold.fifo & writer=$!
  for _ in $(seq 100); do command sqlite3 l.db "BEGIN IMMEDIATE; ROLLBACK;" 2>/dev/null || break; sleep 0.05; done   # lock taken
  rc=0; WS_MONITOR_BUSY_S=0.3 timeout 20 gpu-monitor "${NOGPU[@]}" -i 0.1 -d 4 --db l.db >o 2>e || rc=$?
  wait $writer $holder
  cat e >&2
  n=$(wc -l <o) stored=$(sqlite3 l.db "SELECT count(DISTINCT sample) - 1 FROM wakesweep_gpu_samples")
  missed=$(grep -c "^gpu-monitor: l.db: sample of .* (t=[0-9.]*) not stored: database is locked" e)
  echo "exit $rc, $n lines, $stored stored, $missed warned" >&2
  [ "$rc" = 0 ] && [ "$missed" -ge 1 ] && [ "$stored" -ge 1 ] && [ $((missed + stored)) = "$n" ] &&
  grep -q "^gpu-monitor: l.db: $missed of $n samples not stored" e &&
  [ "$(grep -v -e "not stored: database is locked" -e "samples not stored" e)" = "" ] &&
  # each line is either warned or stored, once; the last sample stored comes after the last warned
  sed -n "s/^gpu-monitor: l.db: sample of .* (t=\([0-9.]*\)) not stored: database is locked.*/\1/p" e >warned &&
  sqlite3 l.db "SELECT printf('\''%.6f'\'', t) FROM wakesweep_gpu_samples WHERE sample > 1" >stored &&
  [ "$(sort warned stored)" = "$(jq .t o | awk "{ printf \"%.6f\\n\", \$1 }" | sort)" ] &&
  awk "BEGIN { exit !($(sort -n warned | tail -1) < $(sort -n stored | tail -1)) }"'
test_expect_code 2 db-busy-env-bad env WS_MONITOR_BUSY_S=-1 gpu-monitor "${NOGPU[@]}" -n 1 --db l.db
test_expect_success db-busy-env-bad-message 'grep -q "^gpu-monitor: WS_MONITOR_BUSY_S: expected seconds in \[0, 86400\], got .-1.$" err && [ ! -s out ]'
