#!/usr/bin/env bash
# gpu-monitor --duration shorter than --interval: the first sample falls one interval after the
# start, past the duration, so none was taken. `gpu-monitor --duration 0.5` (the interval left at
# its 1 s) printed nothing and exited 0 at once, with --db making the samples table all the same:
# a monitor that watched nothing, said as success. Now it is a usage error (exit 2) naming both
# values, before anything is sampled or made; a duration of one interval or more samples as before
# (the last sample the last one due at or before it: t4001).
. "$WS_ROOT/tests/cli/lib.sh"
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
below() {  # NAME WANT_MESSAGE ARGS...: exit 2, the message, no line, no study file
  local name=$1 msg=$2; shift 2
  test_expect_code 2 "$name" gpu-monitor "${NOGPU[@]}" "$@"
  test_expect_success "... says why, prints no sample, makes no study file" \
    "grep -qxF \"gpu-monitor: $msg\" err && [ ! -s out ] && [ ! -e s.db ]"
}
below "--duration 0.5 at the default interval (1 s)" \
  "--duration: 0.5 s is shorter than --interval, 1 s: no sample falls within it (the first is taken one interval after the start)" \
  --duration 0.5 --db s.db
below "--interval given after --duration" \
  "--duration: 1.5 s is shorter than --interval, 2 s: no sample falls within it (the first is taken one interval after the start)" \
  -d 1.5 -i 2
below "--duration 0.049 at 0.05 s" \
  "--duration: 0.049 s is shorter than --interval, 0.05 s: no sample falls within it (the first is taken one interval after the start)" \
  --interval 0.05 --duration 0.049
# one interval is one sample; three intervals, as written in decimals (0.1 + 0.1 + 0.1 > 0.3 in
# binary), three
test_expect_code 0 "--duration equal to --interval: one sample" gpu-monitor "${NOGPU[@]}" --interval 0.05 --duration 0.05
test_expect_success "... one line" '[ "$(wc -l <out)" = 1 ]'
test_expect_code 0 "--duration 0.3 at 0.1 s: three samples" gpu-monitor "${NOGPU[@]}" --interval 0.1 --duration 0.3
test_expect_success "... three lines" '[ "$(wc -l <out)" = 3 ]'
