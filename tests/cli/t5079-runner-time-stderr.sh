#!/usr/bin/env bash
# tests/run-one.sh times each file with bash's `time` keyword, its report taken from the group's
# standard error into DIR/cpu. That standard error is also where bash says a file's runner died
# of a signal ("Segmentation fault", "Killed" past WS_TEST_TIMEOUT's grace): the notice went
# into DIR/cpu, lost to the run's standard error, and WS_TEST_TIMES read the notice's line as the
# CPU seconds (0.0, whatever the file spent). The notice goes to standard error as before, and
# the CPU seconds are the last line's, time's own.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir -p rt/tests/cli
cp "$WS_ROOT/tests/run.sh" "$WS_ROOT/tests/run-one.sh" rt/tests/
# a file that spends half a second of CPU (bash's own loop, not a child's) and then dies of SEGV
printf '%s\n' 'echo "ok a1"' 'e=$((SECONDS + 1)); while [ $SECONDS -lt $e ]; do :; done' 'kill -SEGV $$' \
  >rt/tests/cli/t0001-segv.sh
test_expect_code 1 "a file that dies of a signal fails the run" \
  env -u TESTS WS_TEST_TIMES="$TMP/times" WS_TEST_JOBS=1 bash rt/tests/run.sh
test_expect_success "... named as such" 'grep -q "^t0001-segv.sh: FAIL exited with status 139$" out'
test_expect_success "... bash's notice of the signal on the run's standard error, as before the CPU seconds" '
  grep -q "Segmentation fault" err'
test_expect_success "... WS_TEST_TIMES has the CPU seconds it spent, not the notice's 0.0" '
  cat times >&2 && grep -qE "^[0-9]+ [0-9]+\.[0-9] t0001-segv.sh$" times && ! grep -q " 0\.0 " times'
