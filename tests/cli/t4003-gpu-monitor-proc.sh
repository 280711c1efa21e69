#!/usr/bin/env bash
# gpu-monitor's /proc fallback compared with readings this test takes from /proc itself, and the
# watched processes of --pidfile (re-read every sample).
. "$WS_ROOT/tests/cli/lib.sh"
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
lines() { local p=$1; shift; jq -e -s "$@" "$p" out >/dev/null; }

sleep 30 & sleeper=$!
( end=$((SECONDS + 20)); while [ $SECONDS -lt $end ]; do :; done ) & spinner=$!   # bounded, even if orphaned
trap 'kill $sleeper $spinner 2>/dev/null; rm -rf "$TMP"' EXIT
printf '%s\n' "$sleeper" "# a comment" "" "$spinner" > pids

mem_total_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
mem_avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
n_cores=$(grep -c '^cpu[0-9]' /proc/stat)
hz=$(getconf CLK_TCK)
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }   # utime + stime
spin0=$(ticks "$spinner") t0=$(date +%s.%N)
test_expect_code 0 proc-sample gpu-monitor "${NOGPU[@]}" --interval 0.1 --count 4 --pidfile pids
spin1=$(ticks "$spinner") t1=$(date +%s.%N)
spin_pct=$(awk -v a="$spin0" -v b="$spin1" -v s="$t0" -v e="$t1" -v hz="$hz" 'BEGIN { print 100 * (b - a) / hz / (e - s) }')
sleeper_rss=$(( $(awk '/^VmRSS:/ { print $2 }' /proc/$sleeper/status) * 1024 ))

test_expect_success proc-keys 'lines "length == 4 and all(.[]; .source == \"proc\" and (keys == [\"cpu\", \"mem_total_bytes\",
  \"mem_used_bytes\", \"processes\", \"source\", \"t\"]) and (.cpu | keys == [\"per_core\", \"total\"]))"'
test_expect_success mem-total-is-MemTotal 'lines "all(.[]; .mem_total_bytes == $mem_total_kb * 1024)"'
# used = MemTotal - MemAvailable; other processes move it a little between the two readings.
test_expect_success mem-used-near-ours 'lines "all(.[]; ((.mem_used_bytes - ($mem_total_kb - $mem_avail_kb) * 1024) | fabs)
  < 0.05 * $mem_total_kb * 1024)"'
test_expect_success per-core-count 'lines "all(.[]; .cpu.per_core | length == $n_cores)"'
test_expect_success cpu-in-range 'lines "all(.[]; [.cpu.total, .cpu.per_core[]] | all(. == null or (. >= 0 and . <= 100)))"'
# The spinner keeps at least one CPU partly busy: the total is not 0.
test_expect_success cpu-total-sees-load 'lines "[.[1:][].cpu.total] | add / length > 100 / $n_cores / 4"'

test_expect_success watched-pids 'lines "all(.[]; [.processes[].pid] == [$sleeper, $spinner])"'
test_expect_success first-reading-unknown 'lines ".[0].processes | all(.cpu == null)"'
test_expect_success sleeper-idle 'lines "[.[1:][].processes[0].cpu] | all(. >= 0 and . < 5)"'
# The spinner's CPU % against the one this test measured over the whole run (a busy loop on a
# shared machine gets what the scheduler gives it, so both are compared, not a fixed figure).
test_expect_success spinner-busy 'lines "([.[1:][].processes[1].cpu] | add / length) as \$m
  | \$m > 0 and ((\$m - $spin_pct) | fabs) < 25"'
# RSS from statm against the VmRSS this test reads from /proc/PID/status.
test_expect_success sleeper-rss 'lines "all(.[]; (.processes[0].rss_bytes - $sleeper_rss | fabs) <= 0.1 * $sleeper_rss + 65536)"'

# The pidfile is read every sample: a pid added mid-run appears, a dead one and a bad line vanish.
echo "$sleeper" > pids
( sleep 0.35; printf '%s\n' "$sleeper" 999999999x 4194303 "$spinner" > pids.new; mv pids.new pids ) &
test_expect_code 0 pidfile-reread gpu-monitor --nvml-library /nonexistent/libnvidia-ml.so.1 -i 0.1 -n 8 --pidfile pids
test_expect_success pidfile-changes 'lines "[.[].processes | map(.pid)] | (.[0] == [$sleeper]) and (.[7] == [$sleeper, $spinner])"'
test_expect_success pidfile-bad-line-noted-once '[ "$(grep -c "pids:2: not a pid; skipped" err)" = 1 ]'
test_expect_code 0 pidfile-missing gpu-monitor "${NOGPU[@]}" -i 0.02 -n 1 --pidfile does-not-exist
test_expect_success pidfile-missing-empty 'lines ".[0].processes == []" && [ ! -s err ]'
# A pidfile that is a FIFO or a device lists no pid (a note once): the open of a FIFO without a
# writer once blocked every sample, and /dev/zero was read forever, deaf to SIGTERM.
mkfifo pids.fifo
test_expect_code 0 pidfile-fifo timeout -k 2 10 gpu-monitor "${NOGPU[@]}" -i 0.02 -n 2 --pidfile pids.fifo
test_expect_success pidfile-fifo-noted-once 'lines "length == 2 and .[0].processes == []" && [ "$(grep -c "pids.fifo: is not a regular file" err)" = 1 ]'
test_expect_code 0 pidfile-dev-zero timeout -k 2 10 gpu-monitor "${NOGPU[@]}" -i 0.02 -n 2 --pidfile /dev/zero
test_expect_success pidfile-dev-zero-noted-once 'lines "length == 2" && [ "$(grep -c "/dev/zero: is not a regular file" err)" = 1 ]'
