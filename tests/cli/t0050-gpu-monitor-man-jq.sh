#!/usr/bin/env bash
# gpu-monitor(1)'s EXAMPLES, its jq line "mean GPU utilization over the last minute of a log" run
# as written (taken from the man page) on NVML lines. A util the driver cannot give is null (the
# man page says so: a call not supported, as on a MIG instance); the mean is of the readings
# there are. With a null counted in the length, a minute of readings 90 and null read 45; a
# minute of nulls alone (a MIG GPU) stopped jq with "null (null) and number cannot be divided".
. "$WS_ROOT/tests/cli/lib.sh"
sed -n '/^\.SH EXAMPLES/,/^\.SH SEE/{s/\\-/-/g;p}' "$WS_ROOT/share/man/man1/gpu-monitor.1" |
  sed -n '/^jq -s /,/gpu\.jsonl$/p' >example
test_expect_success "gpu-monitor(1) holds the jq example" 'grep -q "^jq -s " example && grep -q "gpu\.jsonl$" example'
# nvml LINE T UTIL...: a sample line as gpu-monitor writes it on NVML, one device per UTIL
nvml() {
  local t=$1 u d=0 devs=; shift
  for u in "$@"; do
    devs+="${devs:+,}{\"index\":$d,\"name\":\"NVIDIA H100\",\"util\":$u,\"mem_util\":null,\"mem_used_bytes\":1,\"mem_total_bytes\":2,\"power_w\":null,\"temp_c\":null,\"sm_clock_mhz\":null,\"processes\":[]}"
    d=$((d + 1))
  done
  printf '{"t":%s,"source":"nvml","devices":[%s]}\n' "$t" "$devs"
}
# from t = 1070 the last minute is t > 1010: the readings 80, 100 and 90 there (20 at t = 1000 is
# older), a null beside them left out: mean 90
{ nvml 1000 20; nvml 1030 80 null; nvml 1050 null 100; nvml 1070 90; } >gpu.jsonl
test_expect_success "the mean of the last minute's readings, a null util left out: 90" '
  bash -c "$(cat example)" >got && [ "$(jq . got)" = 90 ]'
{ nvml 1000 null; nvml 1030 null; } >gpu.jsonl
test_expect_success "a minute of null utils (no reading at all): null, not a jq error" '
  bash -c "$(cat example)" >got && [ "$(jq . got)" = null ]'

# The /proc fallback's lines (a machine without a GPU, as the project's own): the example fails on
# them, and the man page says so and what to put instead. It said "jq stops at the first", untrue
# of the second example (gpu-monitor -n 10 | jq ...), which fails at every line.
sed -n '/^\.SH EXAMPLES/,/^\.SH SEE/p' "$WS_ROOT/share/man/man1/gpu-monitor.1" | tr '\n' ' ' >examples.man
gpu-monitor --nvml-library /nonexistent/libnvidia-ml.so.1 -n 3 -i 0.02 -q >gpu.jsonl
test_expect_success "three /proc lines to read" '[ "$(jq -r .source gpu.jsonl | sort -u)" = proc ]'
test_expect_success "on /proc lines the example fails, exit 5, as the man page says" '
  rc=0; bash -c "$(cat example)" >got 2>jq.err || rc=$?
  [ "$rc" = 5 ] && grep -q "Cannot iterate over null" jq.err &&
  grep -qF "\"Cannot iterate over null\", exit status 5" examples.man'
test_expect_success "... and the second example fails at every line, as it says (not at the first)" '
  rc=0; jq -c "[.devices[] | {index, util, mem_used_bytes}]" gpu.jsonl >got 2>jq.err || rc=$?
  [ "$rc" = 5 ] && [ "$(grep -c "Cannot iterate over null" jq.err)" = 3 ] &&
  ! grep -q "jq stops at the first" examples.man && grep -qF "the second at every line" examples.man'
test_expect_success "with .cpu.total for .devices[].util, as it says, the mean CPU busy % of a /proc log" '
  grep -qF "\\fB.cpu.total\\fR for \\fB.devices[].util\\fR" examples.man &&
  bash -c "$(sed "s/\.devices\[\]\.util/.cpu.total/" example)" >got &&
  jq -e "type == \"number\" and . >= 0 and . <= 100" got >/dev/null'
