#!/usr/bin/env bash
# A usage error is two lines on stderr: "TOOL: WHAT" and "Try 'TOOL --help' for more
# information.", the second without the "TOOL: " prefix, as GNU tools print it (README says so).
# suggest's --grace and --study were checked only after the config was read and said as an input
# error: one line, no hint, unlike every other mistake on its command line.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
# usage_only NAME WANT ARGS...: exit 2, stderr WANT and the --help hint, nothing else
usage_only() {
  local name=$1 want=$2; shift 2
  printf 'suggest: %s\n%s\n' "$want" "Try 'suggest --help' for more information." >want
  test_expect_code 2 "$name" suggest "$@"
  test_expect_success "... says only: $want" 'cmp want err'
}
usage_only "--grace 0" "--grace: must be > 0" --db s.db --config c.json --grace 0
usage_only "--grace -5" "--grace: must be > 0" --db s.db --config c.json --grace -5
usage_only "--grace abc" "--grace: expected a number, got 'abc'" --db s.db --config c.json --grace abc
usage_only "--grace nan" "--grace: expected a number, got 'nan'" --db s.db --config c.json --grace nan
usage_only "--study ''" "--study: expected a name of 1 to 512 characters of UTF-8" --db s.db --config c.json --study ''
# and before anything else: a config that is not there is not what is said of a bad --grace
usage_only "--grace 0, no config file" "--grace: must be > 0" --db s.db --config nothere.json --grace 0
usage_only "an unknown option" "unknown option '--bogus'" --db s.db --config c.json --bogus
test_expect_success "nothing was made" '[ ! -e s.db ]'
# the README's rule on messages names the hint line, as it is printed
test_expect_success "README says the usage hint has no prefix" \
  'grep -qF "Try '"'"'TOOL --help'"'"' for more information." "$WS_ROOT/README.md"'
