#!/usr/bin/env bash
# Runs every test: the C unit test binaries given as arguments, then tests/cli/t*.sh.
# Each test prints "ok NAME", "FAIL NAME: why" or "skip NAME: why" per case. This prints one line
# per failure and per skip, then "N skipped" and, last, "N passed, N failed". Exit 1 on any failure.
# TESTS="pattern ..." runs only the tests whose file name (without its folder) contains one of them.
# A file past WS_TEST_TIMEOUT seconds (default 300) is stopped and fails, and one over a minute
# gets a "NAME: slow, N s" line (tests/run-one.sh).
# WS_TEST_JOBS files run side by side (default: one per CPU, and one more); their lines are
# printed in file order all the same. Each file works in a folder of its own. Two at once on two
# cores took make check from about 595 s to about 375 s (the files keep a CPU busy most of their
# time: Python start-ups, trainings, sweeps). The one more fills the moments a file sleeps in a
# poll (a trial's state, a lock, a server's socket): on the slow 2-core VM the CPUs were about
# 7 % idle with two lanes and 0.8 % with three, and one built clone's make check took 643 s with
# two, then 608 s with three. A file whose header says "# runner: waits (WHY)" spends
# its seconds waiting, not computing (a server that does not answer, a study held locked): those
# run in WS_TEST_WAIT_JOBS lanes of their own beside the others (default: as many as WS_TEST_JOBS,
# none when that is 1). WS_TEST_JOBS=1 runs them all one after another.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export WS_ROOT=$(cd "$here/.." && pwd)
export WS_BIN=${WS_BIN:-$WS_ROOT/bin} WS_BUILD=${WS_BUILD:-$WS_ROOT/build}
export PY=/usr/bin/python3
# A sanitizer build's leak check skips leaks inside third-party libraries only (tests/lsan.supp
# says which); a leak of wakesweep's own still fails the tool.
export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# Fixed datetime texts in the tests are UTC; a test about zones (t0012) sets its own TZ.
export TZ=UTC
log=$(mktemp -d "${TMPDIR:-/tmp}/ws-check.XXXXXX")
trap 'rm -rf "$log"' EXIT
# what the files of this run make once and share (tests/cli/fixtures.sh: the tone clips)
export WS_FIXTURES=$log/fixtures
# the run's Python servers (py_warm in tests/cli/lib.sh) end with it: when its folder or it is gone
export WS_RUN_PID=$$
pass=0 fail=0 skip=0

. "$here/run-one.sh"

wanted() {  # file: 0 when TESTS is unset or one of its words is in the file's name
  local w
  [ -z "${TESTS:-}" ] && return 0
  for w in $TESTS; do [[ ${1##*/} == *"$w"* ]] && return 0; done   # no basename: a fork per file and word
  return 1
}

jobs=${WS_TEST_JOBS:-$(( $(nproc 2>/dev/null || echo 1) + 1 ))}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "tests/run.sh: WS_TEST_JOBS must be a positive number, got '$jobs'" >&2; exit 2; }
waits=${WS_TEST_WAIT_JOBS:-$([ "$jobs" = 1 ] && echo 0 || echo "$jobs")}
[[ $waits =~ ^[0-9]+$ ]] || { echo "tests/run.sh: WS_TEST_WAIT_JOBS must be a number, got '$waits'" >&2; exit 2; }
# more lanes than files are as many as files: a count past what `[` holds (20 digits) is 999999
[ "$jobs" -le 999999 ] 2>/dev/null || jobs=999999
[ "$waits" -le 999999 ] 2>/dev/null || waits=999999
run_labels=() run_paths=() run_waits=()
for t in "$@"; do wanted "$t" && run_labels+=("${t##*/}") run_paths+=("$t"); done
for t in "$here"/cli/t[0-9]*.sh; do
  [ -e "$t" ] && wanted "$t" || continue
  run_file_waits "$t" && run_waits[${#run_paths[@]}]=1
  run_labels+=("${t##*/}") run_paths+=("$t")
done
run_files "$jobs" "$waits"
run_failed_recap
echo "$skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
