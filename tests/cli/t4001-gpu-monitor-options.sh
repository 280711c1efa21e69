#!/usr/bin/env bash
# gpu-monitor: options, exit codes, --count/--duration, the sampling schedule, the no-GPU note.
# --nvml-library names a library that does not exist, so these run the /proc fallback on any machine.
# runner: waits (gpu-monitor's intervals and durations)
. "$WS_ROOT/tests/cli/lib.sh"
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1)

test_expect_code 0 help gpu-monitor --help
test_expect_success help-text 'gpu-monitor --help >h && grep -q "^Usage: gpu-monitor" h && grep -q -- "--fallback cpu|none" h'
test_expect_code 0 version gpu-monitor --version
test_expect_success version-text 'gpu-monitor --version >v && grep -q "^gpu-monitor (wakesweep) " v'

for bad in "--interval 0" "--interval abc" "--interval 0.001" "--interval nan" "--interval 1e9" "--count 0" \
           "--count -1" "--count 2x" "--duration 0" "--duration -1" "--duration inf" "--fallback gpu" "--bogus" \
           "extra" "--interval"; do
  # shellcheck disable=SC2086
  test_expect_code 2 "bad-option $bad" gpu-monitor $bad
done
# Empty paths are refused, not taken as SQLite's temporary database or dlopen's own program.
for opt in --db --pidfile --nvml-library; do
  test_expect_success "empty $opt" 'rc=0; gpu-monitor -n 1 $opt "" >o 2>e || rc=$?; [ $rc = 2 ] && grep -q -- "$opt: empty path" e && [ ! -s o ]'
done
# sqlite:/// with no file after it is an empty path too: it was opened as "", SQLite's private
# temporary database, and the samples were stored nowhere (exit 0).
test_expect_success "empty --db after sqlite:///" 'rc=0; gpu-monitor "${NOGPU[@]}" -n 1 --db sqlite:/// >o 2>e || rc=$?
  [ $rc = 2 ] && grep -q -- "^gpu-monitor: --db: empty path after .sqlite:///. (expected sqlite:///FILE or a path)$" e && [ ! -s o ]'
# An overflow where infinity is refused says so; it said "write inf for infinity", then refused inf.
test_expect_code 2 overflowing-duration gpu-monitor -d 1e400
test_expect_success overflowing-duration-message 'grep -qx "gpu-monitor: --duration: expected a finite number, got .1e400." err'
test_expect_code 2 overflowing-interval gpu-monitor --interval 1e400
test_expect_success overflowing-interval-message 'grep -qx "gpu-monitor: --interval: expected a finite number, got .1e400." err'
test_expect_success bad-option-message 'rc=0; gpu-monitor --interval abc >o 2>e || rc=$?; [ $rc = 2 ] &&
  grep -q "^gpu-monitor: --interval: expected a number" e && grep -q -- "--help" e && [ ! -s o ]'

test_expect_code 0 count gpu-monitor "${NOGPU[@]}" --interval 0.05 --count 3
test_expect_success count-lines '[ "$(wc -l <out)" = 3 ] && jq -e -s "length == 3 and all(.[]; .source == \"proc\")" out >/dev/null'
test_expect_success no-gpu-note-once '[ "$(wc -l <err)" = 1 ] &&
  grep -q "^gpu-monitor: NVML: /nonexistent/libnvidia-ml.so.1: cannot open shared object file: .*(no NVIDIA driver?); sampling CPUs and memory from /proc instead$" err'
test_expect_code 0 quiet gpu-monitor "${NOGPU[@]}" -q -i 0.05 -n 1
test_expect_success quiet-no-note '[ ! -s err ] && [ "$(wc -l <out)" = 1 ]'

test_expect_code 1 fallback-none gpu-monitor "${NOGPU[@]}" --fallback none --count 1
test_expect_success fallback-none-note '[ ! -s out ] && grep -q "^gpu-monitor: NVML: /nonexistent/libnvidia-ml.so.1: cannot open.*; nothing to monitor with --fallback none$" err'
test_expect_code 1 fallback-none-quiet-still-says-why gpu-monitor "${NOGPU[@]}" --fallback none -q
test_expect_success fallback-none-quiet-note 'grep -q "nothing to monitor" err'

# --duration 0.25 at 0.05 s: samples at 0.05 .. 0.25, then it stops without waiting another interval.
test_expect_success duration '
  s=$(date +%s.%N); gpu-monitor "${NOGPU[@]}" -q --interval 0.05 --duration 0.25 >d; e=$(date +%s.%N)
  [ "$(wc -l <d)" = 5 ] && awk -v s="$s" -v e="$e" "BEGIN { exit !(e - s < 1.5) }"'
test_expect_success count-before-duration 'gpu-monitor "${NOGPU[@]}" -q -i 0.05 -n 2 -d 10 >d && [ "$(wc -l <d)" = 2 ]'
test_expect_success duration-before-count 'gpu-monitor "${NOGPU[@]}" -q -i 0.05 -n 50 -d 0.1 >d && [ "$(wc -l <d)" = 2 ]'
# A monitor stopped (SIGSTOP) past the end of its duration takes the one sample that fell due
# while it was stopped, and none of the later ticks it skips to, all past the duration. (The
# duration is 2 s, not 0.5 s: on a loaded machine the monitor ended before the test stopped it.)
test_expect_success duration-after-a-stall '
  gpu-monitor "${NOGPU[@]}" -q -i 0.05 -d 2 >d & pid=$!
  for _ in $(seq 200); do [ -s d ] && break; sleep 0.005; done
  kill -STOP $pid && n=$(wc -l <d) && sleep 2.5 && kill -CONT $pid && wait $pid &&
  [ "$(wc -l <d)" = $((n + 1)) ] || { echo "lines: ${n:-?} when stopped, $(wc -l <d) at the end" >&2; false; }'

# An absolute schedule: 20 samples 50 ms apart span 0.95 s however long each sample takes.
test_expect_success no-drift '
  gpu-monitor "${NOGPU[@]}" -q --interval 0.05 --count 20 >d &&
  jq -e -s "length == 20 and ((.[19].t - .[0].t) - 0.95 | fabs) < 0.1 and
            ([range(1; 20) as \$i | .[\$i].t - .[\$i - 1].t] | all(. > 0))" d >/dev/null'
# A sample that cannot be written (stdout full or closed) stops the monitor: exit 3, said once.
test_expect_code 3 stdout-full sh -c 'gpu-monitor --nvml-library /nonexistent/libnvidia-ml.so.1 -q -i 0.01 -n 3 >/dev/full'
test_expect_success stdout-full-said-once '[ "$(grep -c "^gpu-monitor:" err)" = 1 ] && grep -q "^gpu-monitor: stdout: write error: No space left on device$" err'
test_expect_code 3 stdout-closed sh -c 'gpu-monitor --nvml-library /nonexistent/libnvidia-ml.so.1 -q -i 0.01 -n 3 >&-'
test_expect_success stdout-closed-said-once '[ "$(grep -c "^gpu-monitor:" err)" = 1 ] && grep -q "^gpu-monitor: stdout: write error" err'
# A file size limit (ulimit -f) is a full disk for this process alone: the write past it raised
# SIGXFSZ, which killed the monitor (exit 153) with the part of its line that fitted left in the
# file, where a monitor appending later (a resumed sweep) began its first line. Now the write
# fails (EFBIG) and is handled as a full disk's: exit 3, said, the cut line taken out again.
rm -f lim.jsonl
test_expect_code 3 stdout-file-size-limit sh -c 'ulimit -f 1; gpu-monitor --nvml-library /nonexistent/libnvidia-ml.so.1 -q -i 0.01 -n 50 >>lim.jsonl'
test_expect_success stdout-file-size-limit-whole-lines '
  grep -q "^gpu-monitor: stdout: write error: File too large$" err && [ -s lim.jsonl ] &&
  [ "$(tail -c 1 lim.jsonl | od -An -c | tr -d " ")" = "\n" ] && jq -e . lim.jsonl >/dev/null'
