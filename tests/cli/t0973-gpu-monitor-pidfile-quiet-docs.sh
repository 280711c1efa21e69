#!/usr/bin/env bash
# What gpu-monitor says of its --pidfile, with and without --quiet, is what gpu-monitor(1) says.
# The man page called every pidfile message "a note once" and said --quiet drops notes, while a
# pidfile that is not a file to read (a FIFO; more than 65536 bytes) is said also with --quiet
# (t0896 holds that), and a missing one, said to come "with a note once", is said nowhere (the
# file may come later). A line that is not a pid is a note: dropped by --quiet.
. "$WS_ROOT/tests/cli/lib.sh"
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -i 0.02 -n 1)
# the man page's --pidfile and --quiet paragraphs, as words
man_par() { awk -v o="$1" '$0 ~ "^\\.B[IR] " o { on = 1; next } on && /^\.(TP|SH)/ { exit } on' \
              "$WS_ROOT/share/man/man1/gpu-monitor.1" | sed 's/\\f[BIR]//g; s/\\-/-/g' | tr '\n' ' '; }
man_par '\\\\-\\\\-pidfile' >pidfile.man
man_par '\\\\-q' >quiet.man
test_expect_success "gpu-monitor(1) has its --pidfile and --quiet paragraphs" '
  grep -q "Watch the pids" pidfile.man && grep -q "No notes on standard error" quiet.man'

mkfifo fifo.pids
head -c 70000 /dev/zero | tr '\0' '#' >big.pids
printf '%s\nnot-a-pid\n' $$ >bad.pids

test_expect_code 0 "a FIFO pidfile, --quiet" gpu-monitor "${NOGPU[@]}" -q --pidfile fifo.pids
test_expect_success "... said all the same, as gpu-monitor(1) says (also with --quiet)" '
  grep -q "fifo.pids: is not a regular file" err &&
  grep -qF "One that is not a regular file (a FIFO, a device: never waited on) lists no pid either, and is said once, also with --quiet" pidfile.man &&
  grep -qF "a --pidfile that is not a file to read (see there) still print" quiet.man'
test_expect_code 0 "a pidfile past 65536 bytes, --quiet" gpu-monitor "${NOGPU[@]}" -q --pidfile big.pids
test_expect_success "... said all the same, as gpu-monitor(1) says" '
  grep -q "big.pids: 70000 bytes" err && grep -qF "So is a file of more than 65536 bytes" pidfile.man'
test_expect_code 0 "a missing pidfile, no --quiet" gpu-monitor "${NOGPU[@]}" --pidfile missing.pids
test_expect_success "... lists no pid and says nothing of it, as gpu-monitor(1) says" '
  jq -e ".processes == []" out >/dev/null && ! grep -q missing.pids err &&
  grep -qF "a missing file lists no pid, and says nothing" pidfile.man'
test_expect_code 0 "a line that is not a pid, --quiet" gpu-monitor "${NOGPU[@]}" -q --pidfile bad.pids
test_expect_success "... a note, dropped by --quiet, as gpu-monitor(1) says" '
  [ ! -s err ] && grep -qF "a --pidfile line that is not a pid" quiet.man'
test_expect_code 0 "a line that is not a pid, no --quiet" gpu-monitor "${NOGPU[@]}" --pidfile bad.pids
test_expect_success "... the note, naming the line" 'grep -q "^gpu-monitor: bad.pids:2: not a pid; skipped$" err'

# gpu-monitor --help says the same: its --quiet entry named errors and samples not stored as what
# still prints, not the pidfile that is no file to read, and its --pidfile entry called a file
# past 65536 bytes "refused", which reads as an error (exit 2), where it is left unread, sampling
# on (exit 0, above), and a FIFO was not named.
gpu-monitor --help | awk -v o="$(printf '^ +(-q, )?--quiet ')" '$0 ~ o { on = 1; print; next } on && (/^ *-/ || /^[^ ]/ || /^$/) { exit } on' | tr -s ' \n' '  ' >quiet.help
gpu-monitor --help | awk '/^ +--pidfile / { on = 1; print; next } on && (/^ *-/ || /^[^ ]/ || /^$/) { exit } on' | tr -s ' \n' '  ' >pidfile.help
test_expect_success "gpu-monitor --help's --quiet entry: a --pidfile that is no file to read still prints" '
  grep -q "no notes on stderr" quiet.help && grep -q "pidfile that is no file to read still print" quiet.help'
test_expect_success "... its --pidfile entry: one not regular, or past 65536 bytes, not read, with a warning" '
  grep -q "watch the pids" pidfile.help && ! grep -q "refused" pidfile.help &&
  grep -q "not a regular file, or of more than 65536 bytes, is not read" pidfile.help'
