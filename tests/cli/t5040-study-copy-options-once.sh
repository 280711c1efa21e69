#!/usr/bin/env bash
# study-copy takes each option once, as tell and prune-check do (t5039): getopt keeps the last
# of an option given twice, so `study-copy --from a.db --to c.db --to d.db` made d.db, and
# `--study kws --study other` copied other, without a word, exit 0. A second one is refused
# (exit 2, naming the option), nothing printed and no destination made.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db a.db --config c.json --n 2 >/dev/null
suggest --db a.db --config c.json --study other --n 1 >/dev/null
suggest --db b.db --config c.json --n 3 >/dev/null
refused() {  # OPTION ARGS...
  local opt=$1; shift
  test_expect_code 2 "study-copy $opt twice" study-copy "$@"
  test_expect_success "... names $opt, prints nothing, makes no destination" "
    grep -q '^study-copy: $opt given twice: ' err && [ ! -s out ] && [ ! -e c.db ] && [ ! -e d.db ]"
}
refused --from --from a.db --study kws --to c.db --from b.db
refused --to --from a.db --study kws --to c.db --to d.db
refused --study --from a.db --study kws --to c.db --study other
refused --to-study --from a.db --study kws --to c.db --to-study k1 --to-study k2
test_expect_code 0 "each option once copies the study named" study-copy --from a.db --study kws --to c.db --to-study k1
test_expect_success "... kws of a.db, as k1 in c.db" '
  [ "$(jq -c "[.study,.to,.trials]" out)" = "[\"kws\",\"k1\",2]" ] && [ "$(sqlite3 c.db "SELECT study_name FROM studies")" = k1 ]'
