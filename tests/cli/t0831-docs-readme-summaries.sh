#!/usr/bin/env bash
# README's summaries of what every tool and the test runner do are true to them:
#  - its sentence on the tools' exit statuses names each status that a tool's --help names (it
#    stopped at 2, though every tool exits 3 on an internal error);
#  - WS_TEST_TIMES=FILE: the runner appends each file's seconds and CPU seconds to FILE (a second
#    make check adds its lines after the first's), which README said it "writes".
. "$WS_ROOT/tests/cli/lib.sh"

# README's sentence: from "exit status" after "Every tool has" to its full stop
tr '\n' ' ' <"$WS_ROOT/README.md" | grep -oE 'Every tool has [^.]*\.[^.]*\.' | head -1 >sentence
test_expect_success "README has its sentence on the tools' exit statuses" 'grep -q "exit status 0" sentence'
for t in "$WS_BIN"/*; do
  n=$(basename "$t")
  # to the end of --help: cut at its first '.', train-trial's stopped at "infeasible parameters:
  # ...", and its 1, 2 and 3 went unchecked
  "$t" --help | tr '\n' ' ' | grep -oE 'Exit status: .*' >help.exit || :
  codes=$(grep -oE '(^|[ :,;])[0-3] [a-z-]' help.exit | grep -oE '[0-3]' | sort -u | tr '\n' ' ')
  test_expect_success "$n --help's exit statuses ($codes) are each in README's sentence" '
    [ -n "$codes" ] && for c in $codes; do
      if [ "$c" = 0 ]; then grep -q "exit status 0 " sentence; else grep -qE ", $c [a-z]" sentence; fi || { echo "README lacks $c" >&2; exit 1; }
    done'
done

# The runner, copied beside one made-up test file, run twice with one WS_TEST_TIMES file
mkdir -p rt/tests/cli
cp "$WS_ROOT/tests/run.sh" "$WS_ROOT/tests/run-one.sh" rt/tests/
printf '%s\n' 'echo "ok a1"' >rt/tests/cli/t0001-one.sh
env -u TESTS WS_TEST_TIMES="$TMP/times" WS_TEST_JOBS=1 bash rt/tests/run.sh >run1.out 2>&1
env -u TESTS WS_TEST_TIMES="$TMP/times" WS_TEST_JOBS=1 bash rt/tests/run.sh >run2.out 2>&1
test_expect_success "WS_TEST_TIMES: two runs leave both runs' lines in FILE" '
  [ "$(grep -c " t0001-one.sh$" times)" = 2 ]'
test_expect_success "... each line the file's seconds, CPU seconds and name" '
  [ "$(grep -cE "^[0-9]+ [0-9]+\.[0-9] t0001-one.sh$" times)" = 2 ]'
test_expect_success "... as README says: it appends both to FILE" '
  tr "\n" " " <"$WS_ROOT/README.md" | grep -q "WS_TEST_TIMES=FILE\` appends every file.s seconds and CPU seconds to FILE"'
