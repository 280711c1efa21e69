#!/usr/bin/env bash
# gpu-monitor(1)'s EXAMPLES: a monitor started beside a trial shorter than --interval records no
# sample (the first falls one interval after the start), and the jq line after it, "mean GPU
# utilization over the last minute of a log", then stopped on the empty log with "null (null)
# and number (60) cannot be subtracted" (exit 5). Now it gives null there, and the man page says
# why a log can be empty. Its mean on a log the monitor wrote from the fake NVML (device 0's util
# is 40: tests/fake_nvml/fake_nvml.c) is 40.
. "$WS_ROOT/tests/cli/lib.sh"
man1=$WS_ROOT/share/man/man1/gpu-monitor.1
sed -n '/^\.SH EXAMPLES/,/^\.SH SEE/{s/\\-/-/g;p}' "$man1" | sed -n '/^jq -s /,/gpu\.jsonl$/p' >example
test_expect_success "gpu-monitor(1) holds the jq example" 'grep -q "^jq -s " example && grep -q "gpu\.jsonl$" example'
FAKE=$WS_BUILD/fake_nvml
if [ ! -e "$FAKE/libnvidia-ml.so.1" ]; then
  test_skip fake-nvml "no $FAKE/libnvidia-ml.so.1 (make check builds it)"; exit 0
fi
unset FAKE_NVML_DEVICES FAKE_NVML_FAIL FAKE_NVML_LOST FAKE_NVML_PROCS FAKE_NVML_NPROCS FAKE_NVML_STATS
export LD_LIBRARY_PATH=$FAKE
# the first example, with a trial of a tenth of a second beside the monitor's 1 s interval
test_expect_success "a monitor beside a trial shorter than its interval records nothing" '
  gpu-monitor --interval 1 >gpu.jsonl 2>mon.err & mon=$!
  sleep 0.1; kill $mon; wait $mon; [ ! -s gpu.jsonl ]'
test_expect_success "... and the jq example on that empty log gives null, exit 0" '
  bash -c "$(cat example)" >got && [ "$(jq . got)" = null ]'
flat=$(sed 's/\\-/-/g; s/\\f.//g' "$man1" | sed -E 's/^\.[A-Z]+ ?//' | tr '\n' ' ' | tr -s ' ')
test_expect_success "gpu-monitor(1) says an empty log gives null, and why a log can be empty" '
  [[ $flat == *"gives null, and so does an empty log (a run shorter than one interval, whose first sample would fall after it)"* ]]'
test_expect_code 0 "a log of three samples from the fake NVML" env FAKE_NVML_DEVICES=1 gpu-monitor -i 0.02 -n 3
cp out gpu.jsonl
test_expect_success "... the jq example gives device 0's util, 40" '
  [ "$(wc -l <gpu.jsonl)" = 3 ] && bash -c "$(cat example)" >got && [ "$(jq . got)" = 40 ]'
