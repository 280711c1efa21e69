#!/usr/bin/env bash
# Runs every test: the C unit test binaries given as arguments, then tests/cli/t*.sh.
# Each test prints "ok NAME", "FAIL NAME: why" or "skip NAME: why" per case. This prints one line
# per failure and per skip, then "N skipped" and, last, "N passed, N failed". Exit 1 on any failure.
# TESTS="pattern ..." runs only the tests whose file name (without its folder) contains one of them.
# A test file that runs past WS_TEST_TIMEOUT seconds (default 300) is stopped, with every process it
# started, and fails: one hung test must not hold the whole run (and CI) until its time runs out.
# A file that takes more than a minute is named with its time, so a slow CI run shows where it went.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export WS_ROOT=$(cd "$here/.." && pwd)
export WS_BIN=${WS_BIN:-$WS_ROOT/bin} WS_BUILD=${WS_BUILD:-$WS_ROOT/build}
export PY=/usr/bin/python3
# Fixed datetime texts in the tests are UTC; a test about zones (t0012) sets its own TZ.
export TZ=UTC
log=$(mktemp -d "${TMPDIR:-/tmp}/ws-check.XXXXXX")
trap 'rm -rf "$log"' EXIT
pass=0 fail=0 skip=0

run_one() {  # file, command...
  local f=$1; shift
  local out="$log/out" rc=0
  local t0=$SECONDS
  # timeout runs the test in a process group of its own and signals the group.
  timeout -k 10 "${WS_TEST_TIMEOUT:-300}" "$@" >"$out" 2>"$log/err" </dev/null || rc=$?
  local took=$((SECONDS - t0))
  [ "$took" -gt 60 ] && echo "$(basename "$f"): slow, $took s"
  local p f_ s
  p=$(grep -c '^ok ' "$out"); f_=$(grep -c '^FAIL ' "$out"); s=$(grep -c '^skip ' "$out")
  grep -E '^(FAIL|skip) ' "$out" | sed "s|^|$(basename "$f"): |"
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    f_=$((f_ + 1)); echo "$(basename "$f"): FAIL timed out after ${WS_TEST_TIMEOUT:-300} s; its last output:"
    tail -n 3 "$out" | sed 's/^/    /'; tail -n 3 "$log/err" | sed 's/^/    /'
  elif [ "$rc" != 0 ] && [ "$f_" = 0 ]; then
    f_=1; echo "$(basename "$f"): FAIL exited with status $rc"; tail -n 5 "$log/err" | sed 's/^/    /'
  elif [ "$f_" != 0 ]; then
    tail -n 5 "$log/err" | sed 's/^/    /'
  fi
  if [ $((p + f_ + s)) = 0 ]; then f_=1; echo "$(basename "$f"): FAIL ran no test case"; fi
  pass=$((pass + p)); fail=$((fail + f_)); skip=$((skip + s))
}

wanted() {  # file: 0 when TESTS is unset or one of its words is in the file's name
  local w
  [ -z "${TESTS:-}" ] && return 0
  for w in $TESTS; do [[ "$(basename "$1")" == *"$w"* ]] && return 0; done
  return 1
}

for t in "$@"; do
  wanted "$t" || continue
  run_one "$t" "$t"
done
for t in "$here"/cli/t[0-9]*.sh; do
  [ -e "$t" ] || continue
  wanted "$t" || continue
  run_one "$t" bash "$t"
done
echo "$skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
