#!/usr/bin/env bash
# gpu-monitor --db while another connection holds the study's write lock (shorter than the busy
# timeout, 30 s by default): sampling and the lines on stdout go on at the interval (a
# `gpu-monitor | jq` pipeline does not stall), the samples wait in memory, and once the lock is
# gone they are all stored, in order, each once. Before, the monitor waited for the lock after
# the first sample's line: no line for as long as the lock was held, and the ticks of that time
# were skipped (neither printed nor stored).
# runner: waits (gpu-monitor's intervals and durations)
. "$WS_ROOT/tests/cli/lib.sh"
FAKE=$WS_BUILD/fake_nvml
unset FAKE_NVML_DEVICES FAKE_NVML_FAIL FAKE_NVML_LOST FAKE_NVML_PROCS FAKE_NVML_NPROCS FAKE_NVML_STATS WS_MONITOR_BUSY_S
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)

# hold DB SECONDS: another connection takes DB's write lock and keeps it SECONDS; returns once it
# is taken (holder, writer: the processes).
hold() {
  rm -f hold.fifo && mkfifo hold.fifo || return 1
  sqlite3 "$1" <hold.fifo & holder=$!
  { echo "BEGIN IMMEDIATE;"; sleep "$2"; echo "ROLLBACK;"; } >hold.fifo & writer=$!
  for _ in $(seq 100); do command sqlite3 "$1" "BEGIN IMMEDIATE; ROLLBACK;" 2>/dev/null || return 0; sleep 0.05; done
  return 1
}
# stored DB: the t of every sample after the first (made before the lock), in sample order
stored() { sqlite3 "$1" "SELECT printf('%.6f', t) FROM wakesweep_gpu_samples WHERE sample > 1 GROUP BY sample ORDER BY sample"; }
lines_t() { jq .t "$1" | awk '{ printf "%.6f\n", $1 }'; }

test_expect_success lines-go-on-while-locked '
  gpu-monitor "${NOGPU[@]}" -i 0.02 -n 1 --db l.db >/dev/null && hold l.db 3 || exit 1
  gpu-monitor "${NOGPU[@]}" -i 0.1 -d 4.5 --db l.db >o 2>e & pid=$!
  sleep 2; during=$(wc -l <o); locked=$(command sqlite3 l.db "BEGIN IMMEDIATE; ROLLBACK;" 2>&1 >/dev/null | grep -c locked)
  rc=0; wait $pid || rc=$?; wait $writer $holder
  n=$(wc -l <o)
  echo "exit $rc; $during lines after 2 s (lock still held: $locked), $n in all; stderr: $(cat e)" >&2
  [ "$rc" = 0 ] && [ "$locked" = 1 ] && [ "$during" -ge 8 ] && [ "$n" -ge 30 ] && [ ! -s e ] &&
  # every line stored once, in the order of the lines, numbered without a gap
  [ "$(stored l.db)" = "$(lines_t o)" ] &&
  [ "$(sqlite3 l.db "SELECT max(sample) - min(sample) + 1 = count(DISTINCT sample) AND count(*) = count(DISTINCT sample)
                     FROM wakesweep_gpu_samples")" = 1 ] &&
  # no tick skipped while the lock was held: consecutive lines 0.1 s apart (at most 0.3 here)
  lines_t o | awk "NR > 1 && \$1 - prev > 0.3 { print \"gap\", prev, \$1; bad = 1 } { prev = \$1 } END { exit bad }" >&2'

# The count is reached while the lock is still held: the lines are out at once; the monitor then
# waits for the lock (up to the busy timeout) and stores them all before it exits.
test_expect_success count-reached-while-locked '
  rm -f c.db*; gpu-monitor "${NOGPU[@]}" -i 0.02 -n 1 --db c.db >/dev/null && hold c.db 2 || exit 1
  gpu-monitor "${NOGPU[@]}" -i 0.1 -n 5 --db c.db >o 2>e & pid=$!
  sleep 1.2; during=$(wc -l <o)
  rc=0; wait $pid || rc=$?; wait $writer $holder
  echo "exit $rc; $during lines after 1.2 s; stderr: $(cat e)" >&2
  [ "$rc" = 0 ] && [ "$during" = 5 ] && [ ! -s e ] && [ "$(stored c.db)" = "$(lines_t o)" ]'

# On a (fake) GPU with processes: the rows stored after the lock are each sample's own (devices
# and processes, as its line says).
if [ -e "$FAKE/libnvidia-ml.so.1" ]; then
  test_expect_success nvml-rows-after-the-lock '
    rm -f g.db*; env LD_LIBRARY_PATH="$FAKE" FAKE_NVML_DEVICES=2 gpu-monitor -q -i 0.02 -n 1 --db g.db >/dev/null &&
    hold g.db 1.5 || exit 1
    rc=0; env LD_LIBRARY_PATH="$FAKE" FAKE_NVML_DEVICES=2 FAKE_NVML_PROCS="1:4242:1048576,0:77:5" \
      gpu-monitor -q -i 0.1 -n 8 --db g.db >o 2>e || rc=$?
    wait $writer $holder
    [ "$rc" = 0 ] && [ ! -s e ] && [ "$(stored g.db)" = "$(lines_t o)" ] &&
    [ "$(jq -r "[.devices[] | (.util, (.processes[] | .pid))] | map(tostring) | join(\",\")" o)" = \
      "$(sqlite3 g.db "SELECT group_concat(v, \",\") FROM (SELECT sample,
                       CASE kind WHEN '\''device'\'' THEN printf(\"%g\", util) ELSE pid END AS v FROM wakesweep_gpu_samples
                       WHERE sample > 1 ORDER BY row_id) GROUP BY sample ORDER BY sample")" ]'
else
  test_skip nvml-rows-after-the-lock "no fake NVML in $FAKE"
fi
