#!/usr/bin/env bash
# An attribute row whose key is NULL (the columns allow it; Optuna's set_user_attr and
# set_system_attr take a str) was dropped in silence when the study was read: study-copy made a
# copy without it (exit 0), report showed the trial without it (report reads no study
# attributes). JSON cannot hold a NULL name, so such a row is an input error, as t5033's NULL
# param_name is: exit 2 naming the table, trial (or study) and column; nothing printed or
# copied, the study untouched.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db base.db --config c.json --n 2 >/dev/null
tell --db base.db --study kws --trial 0 --state complete --value 0.5 >/dev/null
check() {   # NAME SQL MESSAGE [report]: study-copy (and report, which reads trials' attributes) refuse it
  cp base.db "$1.db" && command sqlite3 "$1.db" "$2" || { echo "FAIL $1: could not edit"; return; }
  command sqlite3 "$1.db" .dump >"$1.before"
  test_expect_code 2 "$1: study-copy, exit 2" study-copy --from "$1.db" --to "$1-copy.db"
  test_expect_success "... names the row, makes no copy" "[ \"\$(cat err)\" = \"study-copy: --from $1.db: $3\" ] && [ ! -e $1-copy.db ]"
  [ -n "${4:-}" ] || return 0
  test_expect_code 2 "$1: report, exit 2" report --db "$1.db" --format json
  test_expect_success "... names the row, prints nothing; the study unchanged" "[ \"\$(cat err)\" = \"report: $1.db: $3\" ] && [ ! -s out ] &&
    command sqlite3 $1.db .dump >$1.after && cmp $1.before $1.after"
}
check trial-user "INSERT INTO trial_user_attributes (trial_id, key, value_json) VALUES (1, NULL, '1')" \
  "study 'kws': trial_user_attributes: trial 0: key is NULL, expected the attribute's name" report
check trial-system "INSERT INTO trial_system_attributes (trial_id, key, value_json) VALUES (2, NULL, '\"x\"')" \
  "study 'kws': trial_system_attributes: trial 1: key is NULL, expected the attribute's name" report
check study-user "INSERT INTO study_user_attributes (study_id, key, value_json) VALUES (1, NULL, '1')" \
  "study_user_attributes: study_id 1: key is NULL, expected the attribute's name"
