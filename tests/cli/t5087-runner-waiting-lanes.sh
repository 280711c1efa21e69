#!/usr/bin/env bash
# tests/run.sh: a file whose header says "# runner: waits" spends its time waiting (a server's
# connect_timeout, a lock held for seconds), not on a CPU, and runs in a lane of its own beside
# the WS_TEST_JOBS lanes (WS_TEST_WAIT_JOBS of them; as many as WS_TEST_JOBS by default, none
# with WS_TEST_JOBS=1): before, it held one of the CPUs' lanes idle for its seconds. Its lines still
# come in file order. Made-up files show which ran beside which: t0001 (no tag) waits for t0002
# (tagged), so with one CPU lane it passes only when t0002 runs beside it.
# runner: waits (its made-up files sleep for each other's marks: 10 s of wall time, 2 s of CPU)
. "$WS_ROOT/tests/cli/lib.sh"
unset WS_TEST_TIMES   # the runs below are the runner's own cases, not make check's files
mkdir -p rt/tests/cli
cp "$WS_ROOT/tests/run.sh" "$WS_ROOT/tests/run-one.sh" rt/tests/
# t0001 waits up to 3 s for t0002's mark; t0002 makes it; t0003's tag is not in its header (a
# command comes first), so it runs in the CPU lane after t0001 (which ends half a second after
# t0002), not in the waiting lane as soon as t0002 has ended
cat >rt/tests/cli/t0001-cpu.sh <<EOT
#!/usr/bin/env bash
# no tag: a CPU lane's
touch "$TMP/cpu.started"
for _ in \$(seq 30); do [ -e "$TMP/waits.mark" ] && { echo "ok c1"; sleep 0.5; touch "$TMP/cpu.done"; exit 0; }; sleep 0.1; done
echo "FAIL c1: t0002 did not run beside it"
EOT
cat >rt/tests/cli/t0002-waits.sh <<EOT
#!/usr/bin/env bash
# runner: waits (the test's own)
# a second comment line
touch "$TMP/waits.mark"
for _ in \$(seq 30); do [ -e "$TMP/cpu.started" ] && break; sleep 0.1; done
echo "ok w1"
EOT
cat >rt/tests/cli/t0003-late-tag.sh <<EOT
#!/usr/bin/env bash
: a command
# runner: waits (past the header: not read)
if [ -e "$TMP/cpu.done" ]; then echo "ok l1"; else echo "FAIL l1: ran before t0001 ended"; fi
EOT
run() { rm -f cpu.started cpu.done waits.mark; env -u TESTS -u WS_TEST_WAIT_JOBS "$@" bash rt/tests/run.sh; }
test_expect_success "WS_TEST_JOBS=1 WS_TEST_WAIT_JOBS=1: the tagged file ran beside the other" '
  run WS_TEST_JOBS=1 WS_TEST_WAIT_JOBS=1 >out && [ "$(tail -n 1 out)" = "3 passed, 0 failed" ]'
test_expect_success "... their lines in file order (t0002 ended first)" '
  run WS_TEST_JOBS=1 WS_TEST_WAIT_JOBS=1 RUN_SHOW_OK=1 >out &&
  [ "$(grep -o "^t000[0-9]" out | tr "\n" " ")" = "t0001 t0002 t0003 " ]'
test_expect_code 1 "WS_TEST_JOBS=1 (no waiting lane by default): the files one after another, t0001 alone" \
  run WS_TEST_JOBS=1
test_expect_success "... t0001 failed: t0002 had not started" '
  grep -q "^t0001-cpu.sh: FAIL c1: t0002 did not run beside it" out && [ "$(tail -n 1 out)" = "1 passed, 2 failed" ]'
test_expect_code 1 "WS_TEST_WAIT_JOBS=0: the same" run WS_TEST_JOBS=1 WS_TEST_WAIT_JOBS=0
test_expect_success "... t0001 failed" 'grep -q "^t0001-cpu.sh: FAIL c1" out'
test_expect_code 2 "WS_TEST_WAIT_JOBS=x: refused" run WS_TEST_WAIT_JOBS=x
test_expect_success "... saying so" 'grep -qx "tests/run.sh: WS_TEST_WAIT_JOBS must be a number, got '"'x'"'" err'
# a lane count past what bash's test holds (20 digits): every file still runs, as with "more
# lanes than files" (was: no lane could be compared, none started, "0 passed, 0 failed", exit 0)
test_expect_success "WS_TEST_JOBS=99999999999999999999: every file still runs and is counted" '
  { run WS_TEST_JOBS=99999999999999999999 RUN_SHOW_OK=1 >out 2>err || true; } &&
  [ "$(grep -o "^t000[0-9]" out | uniq | tr "\n" " ")" = "t0001 t0002 t0003 " ] && grep -q "^t0001-cpu.sh: ok c1" out &&
  [[ $(tail -n 1 out) =~ ^(3\ passed,\ 0|2\ passed,\ 1)\ failed$ ]]'
test_expect_success "WS_TEST_JOBS=1 WS_TEST_WAIT_JOBS=99999999999999999999: the same" '
  run WS_TEST_JOBS=1 WS_TEST_WAIT_JOBS=99999999999999999999 >out 2>err &&
  [ "$(tail -n 1 out)" = "3 passed, 0 failed" ] && ! grep -q "integer expression" err'
# A wait -n -p that names no file (bash before 5.1 has no -p; or the runner's count of its lanes
# gone wrong): the runner went round without end, or ended passing over the files it had not
# started. Now it stops waiting and names each such file as failed.
cat >nopid.sh <<'EOT'
wait() { if [ "${1-}" = -n ] && [ "${2-}" = -p ]; then return 2; fi; builtin wait "$@"; }
EOT
test_expect_code 1 "a wait -n -p that names no file: the run fails" \
  timeout 60 env -u TESTS BASH_ENV="$TMP/nopid.sh" WS_TEST_JOBS=1 WS_TEST_WAIT_JOBS=1 bash rt/tests/run.sh
test_expect_success "... naming the file it did not run, without going round (little said on stderr)" '
  grep -q "^t0003-late-tag.sh: FAIL not run: the runner lost count of its lanes" out &&
  [ "$(tail -n 1 out)" = "2 passed, 1 failed" ] && [ "$(wc -c <err)" -lt 2000 ]'
