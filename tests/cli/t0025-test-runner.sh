#!/usr/bin/env bash
# tests/run.sh itself (make check's runner): files run side by side (WS_TEST_JOBS) and their
# lines still come in file order, every file's cases counted once, a file that fails without a
# FAIL line or runs past WS_TEST_TIMEOUT counted as a failure, the last line "N passed, N failed".
# It runs a copy of the runner beside made-up test files that end out of order (the outer make
# check's TESTS unset for it).
. "$WS_ROOT/tests/cli/lib.sh"
unset WS_TEST_TIMES   # the runs below are the runner's own cases, not make check's files
mkdir -p rt/tests/cli
cp "$WS_ROOT/tests/run.sh" "$WS_ROOT/tests/run-one.sh" rt/tests/
# t0001 ends last (its sleep), t0002 and t0003 before it; t0004 exits 3 with no FAIL line
printf '%s\n' 'sleep 1.5; echo "ok a1"; echo "skip a2: why not"' >rt/tests/cli/t0001-slow.sh
printf '%s\n' 'echo "ok b1"; echo "FAIL b2: wrong"; echo "ok b3"' >rt/tests/cli/t0002-fails.sh
printf '%s\n' 'echo "ok c1"' >rt/tests/cli/t0003-fast.sh
printf '%s\n' 'echo "ok d1"; exit 3' >rt/tests/cli/t0004-exit.sh
printf '%s\n' 'sleep 30; echo "ok e1"' >rt/tests/cli/t0005-hangs.sh
# The runs below go side by side (each mostly waits: the sleeps, the 4 s time limit), each with
# output of its own: started NAME COMMAND... starts one, waited NAME hands its output and exit
# status to its case.
declare -A started_pid
started() { local n=$1; shift; "$@" >"run-$n.out" 2>"run-$n.err" & started_pid[$n]=$!; }
waited() { local rc=0; wait "${started_pid[$1]}" || rc=$?; cat "run-$1.out"; cat "run-$1.err" >&2; return "$rc"; }
for jobs in 1 2 4; do started "jobs$jobs" env -u TESTS WS_TEST_JOBS=$jobs WS_TEST_TIMEOUT=4 bash rt/tests/run.sh; done
started t0003 env TESTS=t0003 bash rt/tests/run.sh
started jobs0 env -u TESTS WS_TEST_JOBS=0 bash rt/tests/run.sh
# Ctrl-C (SIGINT to the runner's process group, as a terminal sends it): the runner stops the
# running files and starts no more, exits 130, and each file's EXIT trap removes its folder.
# Before, `timeout` (which puts each file in a process group of its own) kept the signal from
# the files, and the runner went on, file after file, after make had exited. A runner of its
# own (rt2), meanwhile; its cases come last.
mkdir -p rt2/tests/cli
cp "$WS_ROOT/tests/run.sh" "$WS_ROOT/tests/run-one.sh" rt2/tests/
cat >rt2/tests/cli/t0001-waits.sh <<EOT
. "$WS_ROOT/tests/cli/lib.sh"
echo "\$TMP" >"$TMP/waits.tmp"
sleep 30
echo "ok w1"
EOT
printf '%s\n' "touch '$TMP/later.ran'; echo 'ok l1'" >rt2/tests/cli/t0002-later.sh
# (set -m: the runner in a process group of its own, with SIGINT not ignored, as make check
# started at a terminal; a plain & would start it with SIGINT ignored, which no trap undoes.)
set -m; env -u TESTS WS_TEST_JOBS=1 bash rt2/tests/run.sh >int.out 2>int.err & runner=$!; set +m
for _ in $(seq 100); do [ -s waits.tmp ] && break; sleep 0.1; done
pgid=$runner
kill -INT -- "-$pgid"
runner_rc=0; for _ in $(seq 100); do kill -0 "$runner" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$runner" 2>/dev/null; then   # still going: stopped here, whatever it left
  runner_rc=running; kill -TERM -- "-$pgid"; pkill -f "$TMP/rt2/tests/cli/"
else wait "$runner" || runner_rc=$?; fi

for jobs in 1 2 4; do
  test_expect_code 1 "WS_TEST_JOBS=$jobs: exit 1 (failures)" waited "jobs$jobs"
  test_expect_success "... each file's lines in file order, the failures and the timeout named" '
    [ "$(grep -o "^t000[0-9]" out | uniq | tr "\n" " ")" = "t0001 t0002 t0004 t0005 " ] &&
    grep -q "^t0001-slow.sh: skip a2: why not" out && grep -q "^t0002-fails.sh: FAIL b2: wrong" out &&
    grep -q "^t0004-exit.sh: FAIL exited with status 3" out && grep -q "^t0005-hangs.sh: FAIL timed out after 4 s" out'
  test_expect_success "... counted once each: 1 skipped, 5 passed, 3 failed (last line)" '
    grep -qx "1 skipped" out && [ "$(tail -n 1 out)" = "5 passed, 3 failed" ]'
  # CI keeps a run's last lines only: the failures come again just before the counts
  test_expect_success "... the three failures again, just before the counts" '
    [ "$(tail -n 6 out | head -n 1)" = "the failures again (3 lines):" ] &&
    [ "$(tail -n 5 out | head -n 3 | cut -d: -f1-2 | tr "\n" " ")" = "  t0002-fails.sh: FAIL b2   t0004-exit.sh: FAIL exited with status 3   t0005-hangs.sh: FAIL timed out after 4 s (WS_TEST_TIMEOUT); its last output " ]'
done
test_expect_code 0 "TESTS picks files: only t0003, exit 0" waited t0003
test_expect_success "... 1 passed, 0 failed, no failures to say again" '
  [ "$(tail -n 1 out)" = "1 passed, 0 failed" ] && ! grep -q "failures again" out'
test_expect_code 2 "WS_TEST_JOBS=0 is refused" waited jobs0
test_expect_success "... naming the variable" 'grep -q "WS_TEST_JOBS must be a positive number" err'
test_expect_success "Ctrl-C: the runner ends within 10 s, exit 130 (was $runner_rc)" '[ "$runner_rc" = 130 ]'
test_expect_success "... the running file stopped, its folder removed" '
  [ -s waits.tmp ] && ! pgrep -f "$TMP/rt2/tests/cli/t0001" >/dev/null && [ ! -e "$(cat waits.tmp)" ]'
test_expect_success "... the next file never started" '[ ! -e later.ran ]'

# WS_TEST_JOBS unset: one lane per CPU and one more, for the moments a file sleeps in a poll. With
# nproc saying 2 (a stand-in first on PATH), t0001 to t0003 each wait up to 5 s for all three to
# have started, so they pass only when three run at once; t0004 passes only when it started after
# one of them had ended: not four at once. (Was: two lanes, and t0001 and t0002 waited in vain.)
mkdir -p rt3/tests/cli stand-in
cp "$WS_ROOT/tests/run.sh" "$WS_ROOT/tests/run-one.sh" rt3/tests/
printf '#!/bin/sh\necho 2\n' >stand-in/nproc && chmod +x stand-in/nproc
for i in 1 2 3; do
  cat >rt3/tests/cli/t000$i-lane.sh <<EOT
touch "$TMP/lane$i.started"
for _ in \$(seq 50); do
  [ -e "$TMP/lane1.started" ] && [ -e "$TMP/lane2.started" ] && [ -e "$TMP/lane3.started" ] && { echo "ok l$i"; touch "$TMP/lane$i.done"; exit 0; }
  sleep 0.1
done
echo "FAIL l$i: the three files did not run at once"; touch "$TMP/lane$i.done"
EOT
done
printf '%s\n' "if ls '$TMP'/lane?.done >/dev/null 2>&1; then echo 'ok l4'; else echo 'FAIL l4: started beside the three'; fi" \
  >rt3/tests/cli/t0004-fourth.sh
test_expect_success "WS_TEST_JOBS unset, 2 CPUs: three files at once, not four" '
  PATH="$TMP/stand-in:$PATH" env -u TESTS -u WS_TEST_JOBS -u WS_TEST_WAIT_JOBS bash rt3/tests/run.sh >out3 &&
  [ "$(tail -n 1 out3)" = "4 passed, 0 failed" ]'
