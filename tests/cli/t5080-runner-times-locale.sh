#!/usr/bin/env bash
# WS_TEST_TIMES's CPU seconds come from bash's `time`, which writes them with the locale's decimal
# point ("0,739" where LC_NUMERIC is de_DE), and awk (mawk) read and printed them in the same
# locale: "1 0,7 NAME" in one locale, "1 0.7 NAME" in another, a file that `sort -k2 -n` in C
# (or t0831's check) misreads. The line is "WALL CPU NAME" with a '.' whatever the locale. A comma
# locale is made for the test (localedef), or the test is skipped where it cannot be.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir loc
if ! command -v localedef >/dev/null || ! localedef -i de_DE -f UTF-8 loc/de_DE.UTF-8 >localedef.out 2>&1 ||
   [ "$(LOCPATH=$TMP/loc LC_ALL=de_DE.UTF-8 bash -c 'TIMEFORMAT=%1R; { time :; } 2>&1')" != "0,0" ]; then
  test_skip times-in-a-comma-locale "cannot make a locale whose decimal point is a comma (localedef: $(head -c 200 localedef.out))"
  exit 0
fi
mkdir -p rt/tests/cli
cp "$WS_ROOT/tests/run.sh" "$WS_ROOT/tests/run-one.sh" rt/tests/
# a file that spends a CPU second, so that its CPU seconds have a nonzero figure after the point
printf '%s\n' 'echo "ok a1"' 'e=$((SECONDS + 2)); while [ $SECONDS -lt $e ]; do :; done' >rt/tests/cli/t0001-one.sh
test_expect_code 0 "the runner in a locale whose decimal point is a comma" \
  env -u TESTS LOCPATH="$TMP/loc" LC_ALL=de_DE.UTF-8 WS_TEST_TIMES="$TMP/times" WS_TEST_JOBS=1 bash rt/tests/run.sh
test_expect_success "... WS_TEST_TIMES's line is WALL CPU NAME, the CPU seconds with a '.'" '
  cat times >&2 && grep -qE "^[0-9]+ [0-9]+\.[0-9] t0001-one.sh$" times'
test_expect_success "... the CPU seconds the file spent (at least half a second of its loop)" '
  read -r w c n <times && [ "${c%.*}${c#*.}" -ge 5 ]'
