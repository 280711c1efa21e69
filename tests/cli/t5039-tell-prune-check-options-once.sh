#!/usr/bin/env bash
# tell and prune-check change one trial for good, so what names it (--db, --study, --trial,
# tell's --state and --reason, prune-check's --step) is taken once, as --value is (t0715):
# getopt keeps the last of an option given twice, so `tell --trial 3 ... --trial 4` finished
# trial 4 and left trial 3 RUNNING, and `prune-check --step 3 --step 4` recorded the value at
# step 4, without a word, with exit 0 (a script that adds its own --trial to common arguments
# that hold one). A second one is refused (exit 2, naming the option), nothing printed, the
# study left as it was.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 2 >/dev/null
cp s.db o.db
unchanged() {  # nothing finished, no value, no intermediate value, no reason
  [ "$(sqlite3 s.db "SELECT group_concat(state) FROM trials")" = RUNNING,RUNNING ] &&
  [ "$(sqlite3 s.db "SELECT (SELECT count(*) FROM trial_values) + (SELECT count(*) FROM trial_intermediate_values)
     + (SELECT count(*) FROM trial_system_attributes WHERE key = 'wakesweep:reason')")" = 0 ]
}
refused() {  # OPTION COMMAND...: COMMAND gives OPTION twice
  local opt=$1 tool=$2; shift
  test_expect_code 2 "$tool $opt twice${what:+ ($what)}" "$@"
  test_expect_success "... names $opt, prints nothing, changes nothing" "
    grep -q '^$tool: $opt given twice: ' err && [ ! -s out ] && unchanged"
}
T=(tell --db s.db --study kws)
refused --trial "${T[@]}" --trial 0 --state complete --value 0.5 --trial 1
refused --state "${T[@]}" --trial 0 --state pruned --state fail
refused --study "${T[@]}" --trial 0 --state complete --value 0.5 --study kws
refused --db "${T[@]}" --trial 0 --state complete --value 0.5 --db o.db
refused --reason "${T[@]}" --trial 0 --state fail --reason oom --reason diverged
what="abbreviated, the same number" refused --trial "${T[@]}" --trial 0 --state complete --value 0.5 --tri=0
P=(prune-check --db s.db --study kws)
refused --trial "${P[@]}" --trial 0 --step 1 --value 0.5 --trial 1
refused --step "${P[@]}" --trial 0 --step 3 --value 0.5 --step 4
refused --study "${P[@]}" --trial 0 --step 1 --value 0.5 --study kws
refused --db "${P[@]}" --trial 0 --step 1 --value 0.5 --db o.db
test_expect_success "o.db is as it was too" '
  [ "$(sqlite3 o.db "SELECT group_concat(state) FROM trials")" = RUNNING,RUNNING ] &&
  [ "$(sqlite3 o.db "SELECT count(*) FROM trial_intermediate_values")" = 0 ]'
# each given once, the same commands do their work
test_expect_code 1 "prune-check with each option once" "${P[@]}" --trial 0 --step 3 --value 0.5
test_expect_success "... records step 3 of trial 0" '[ "$(sqlite3 s.db "SELECT step, intermediate_value FROM trial_intermediate_values")" = "3|0.5" ]'
test_expect_code 0 "tell with each option once" "${T[@]}" --trial 1 --state fail --reason oom
test_expect_success "... fails trial 1 with that reason, trial 0 still RUNNING" '
  [ "$(sqlite3 s.db "SELECT group_concat(state) FROM (SELECT state FROM trials ORDER BY number)")" = RUNNING,FAIL ] &&
  [ "$(jq -r .reason out)" = oom ]'
