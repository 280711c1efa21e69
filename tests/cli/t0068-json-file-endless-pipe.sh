#!/usr/bin/env bash
# A JSON file read whole (suggest --config and --fixed, featurize --config) stopped only at a NUL
# byte or the end: from a pipe that never ends (--config <(yes), a FIFO a program keeps writing)
# it was read until memory ran out (exit 3, "out of memory", under a ulimit; without one, the
# machine's memory). Trial lines and --enqueue lines stop at 1 MiB; these stop at 16 MiB, far
# above any config or trial line, exit 2 naming the file.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
# a memory limit, so that a reader that does not stop fails soon (where one can be set: without
# it the timeout bounds the run)
limit=""
can_limit_address_space "a 1 GB address-space limit on the readers" suggest && limit="ulimit -v 1000000;"
endless() {   # NAME TOOL ARGS... (the endless pipe is <(yes) among ARGS as @)
  local name=$1; shift
  test_expect_code 2 "$name: exit 2" bash -c "$limit"' a=(); for x in "$@"; do [ "$x" = @ ] && x=/dev/fd/3; a+=("$x"); done
    exec timeout 60 "${a[@]}" 3< <(yes)' _ "$@"
  test_expect_success "... says it stopped at 16 MiB" "grep -q '/dev/fd/3: more than 16777216 bytes: expected a JSON file' err"
}
endless "suggest --config from an endless pipe" suggest --db s.db --config @
endless "suggest --fixed from an endless pipe" suggest --db s.db --config c.json --fixed @
endless "featurize --config from an endless pipe" featurize --out f.feat --config @ "$WS_ROOT/tests/cli/study.json"
test_expect_success "no study was made" '[ ! -e s.db ]'
# 16 MiB itself is read: spaces before a config, to exactly that size; one more byte is not
{ head -c $((16 * 1024 * 1024 - $(wc -c <c.json))) /dev/zero | tr '\0' ' '; cat c.json; } >padded.json
test_expect_code 0 "a config padded to 16 MiB is read" suggest --db p.db --config padded.json
{ echo; cat padded.json; } >over.json
test_expect_code 2 "... one byte more is not" suggest --db p.db --config over.json
test_expect_success "... and says so" "grep -q '^suggest: over.json: more than 16777216 bytes' err"
