#!/usr/bin/env bash
# tests/run.sh itself (make check's runner): files run side by side (WS_TEST_JOBS) and their
# lines still come in file order, every file's cases counted once, a file that fails without a
# FAIL line or runs past WS_TEST_TIMEOUT counted as a failure, the last line "N passed, N failed".
# (The outer make check's TESTS is unset for the inner runs.) It runs on a copy of the runner beside made-up test files that end out of order.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir -p rt/tests/cli
cp "$WS_ROOT/tests/run.sh" "$WS_ROOT/tests/run-one.sh" rt/tests/
# t0001 ends last (its sleep), t0002 and t0003 before it; t0004 exits 3 with no FAIL line
printf '%s\n' 'sleep 1.5; echo "ok a1"; echo "skip a2: why not"' >rt/tests/cli/t0001-slow.sh
printf '%s\n' 'echo "ok b1"; echo "FAIL b2: wrong"; echo "ok b3"' >rt/tests/cli/t0002-fails.sh
printf '%s\n' 'echo "ok c1"' >rt/tests/cli/t0003-fast.sh
printf '%s\n' 'echo "ok d1"; exit 3' >rt/tests/cli/t0004-exit.sh
printf '%s\n' 'sleep 30; echo "ok e1"' >rt/tests/cli/t0005-hangs.sh
for jobs in 1 2 4; do
  test_expect_code 1 "WS_TEST_JOBS=$jobs: exit 1 (failures)" env -u TESTS WS_TEST_JOBS=$jobs WS_TEST_TIMEOUT=4 bash rt/tests/run.sh
  test_expect_success "... each file's lines in file order, the failures and the timeout named" '
    [ "$(grep -o "^t000[0-9]" out | uniq | tr "\n" " ")" = "t0001 t0002 t0004 t0005 " ] &&
    grep -q "^t0001-slow.sh: skip a2: why not" out && grep -q "^t0002-fails.sh: FAIL b2: wrong" out &&
    grep -q "^t0004-exit.sh: FAIL exited with status 3" out && grep -q "^t0005-hangs.sh: FAIL timed out after 4 s" out'
  test_expect_success "... counted once each: 1 skipped, 5 passed, 3 failed (last line)" '
    grep -qx "1 skipped" out && [ "$(tail -n 1 out)" = "5 passed, 3 failed" ]'
done
test_expect_code 0 "TESTS picks files: only t0003, exit 0" env TESTS=t0003 bash rt/tests/run.sh
test_expect_success "... 1 passed, 0 failed" '[ "$(tail -n 1 out)" = "1 passed, 0 failed" ]'
test_expect_code 2 "WS_TEST_JOBS=0 is refused" env -u TESTS WS_TEST_JOBS=0 bash rt/tests/run.sh
test_expect_success "... naming the variable" 'grep -q "WS_TEST_JOBS must be a positive number" err'
