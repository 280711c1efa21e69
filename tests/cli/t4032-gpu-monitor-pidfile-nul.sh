#!/usr/bin/env bash
# gpu-monitor --pidfile reads its lines in place, each a C string: a line "PID<NUL>junk" ended at
# the NUL and was taken as the pid PID, and a line of NUL bytes as a blank line, in silence, where
# "PIDjunk" or any other byte there is "not a pid". A NUL is no part of a pid or of a blank: the
# line is not a pid (noted once, as any other), the rest of the file read as before.
. "$WS_ROOT/tests/cli/lib.sh"
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1)
lines() { local p=$1; shift; jq -e -s "$@" "$p" out >/dev/null; }
sleep 60 & sleeper=$!
sleep 60 & other=$!
trap 'kill $sleeper $other 2>/dev/null; [ -n "${WS_KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT

printf '%s\0junk\n%s\n' "$other" "$sleeper" >nul.pids
test_expect_code 0 "a pidfile whose line 1 is a pid, a NUL, then junk" gpu-monitor "${NOGPU[@]}" -i 0.02 -n 1 --pidfile nul.pids
test_expect_success "... line 1 not a pid: noted, not watched; line 2's pid watched" '
  lines ".[0].processes | map(.pid) == [$sleeper]" && grep -q "^gpu-monitor: nul.pids:1: not a pid; skipped$" err'

printf '%s\n\0\0\n%s' "$sleeper" "$other" >blank.pids
test_expect_code 0 "a pidfile whose line 2 is two NUL bytes" gpu-monitor "${NOGPU[@]}" -i 0.02 -n 1 --pidfile blank.pids
test_expect_success "... line 2 not a pid (not a blank line): noted; the others watched" '
  lines ".[0].processes | map(.pid) | sort == ([$sleeper, $other] | sort)" && grep -q "^gpu-monitor: blank.pids:2: not a pid; skipped$" err'

# the last line, without a newline, ends at the file's end: a NUL there too
printf '%s\n%s\0' "$sleeper" "$other" >last.pids
test_expect_code 0 "a pidfile whose last line (no newline) ends in a NUL" gpu-monitor "${NOGPU[@]}" -i 0.02 -n 1 --pidfile last.pids
test_expect_success "... that line not a pid: noted, not watched" '
  lines ".[0].processes | map(.pid) == [$sleeper]" && grep -q "^gpu-monitor: last.pids:2: not a pid; skipped$" err'

# a file without NUL bytes, as before: both watched, no note
printf '%s\n\n# c\n%s\n' "$sleeper" "$other" >plain.pids
test_expect_code 0 "a plain pidfile" gpu-monitor "${NOGPU[@]}" -q -i 0.02 -n 1 --pidfile plain.pids
test_expect_success "... both pids watched, no note" 'lines ".[0].processes | map(.pid) | sort == ([$sleeper, $other] | sort)" && [ ! -s err ]'
