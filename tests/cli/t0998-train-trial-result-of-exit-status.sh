#!/usr/bin/env bash
# train-trial --result-of exits as train-trial(1)'s EXIT STATUS says of it, and the page says each
# status it gives: 0 found, 1 none, 2 usage or input error, 3 internal error or a line not written.
# The page gave 2 as "usage error (also several studies and no --study)" and 3 as "internal error
# (the study cannot be read)", while a study file that is not there, a file that is no study
# database and a study holding a value Optuna could not have written are input errors, exit 2,
# naming the file, as for training and every other tool.
. "$WS_ROOT/tests/cli/lib.sh"
cfg=$WS_ROOT/tests/cli/study.json
suggest --db s.db --config "$cfg" --tag T >line && tell --db s.db --study kws --trial 0 --state complete --value 0.5 >/dev/null

test_expect_code 0 "--result-of a finished trial's tag" train-trial --db s.db --result-of T
test_expect_success "... its result line" 'jq -e ".trial == 0 and .state == \"COMPLETE\"" out'
test_expect_code 1 "--result-of a tag no trial has" train-trial --db s.db --result-of U
test_expect_code 2 "--result-of in a study file that is not there" train-trial --db none.db --result-of T
test_expect_success "... names it" 'grep -q "^train-trial: none.db: no such study database$" err'
echo '{"study": "kws"}' >config.json
test_expect_code 2 "--result-of in a file that is no study database" train-trial --db config.json --result-of T
test_expect_success "... names it" 'grep -q "^train-trial: config.json: " err'
cp s.db bad.db
sqlite3 bad.db "UPDATE trial_values SET value = 'abc'"
test_expect_code 2 "--result-of in a study holding a value Optuna could not have written" train-trial --db bad.db --result-of T
test_expect_success "... names the table and the trial" 'grep -q "^train-trial: bad.db: study .kws.: trial_values: trial 0, objective 0: value .abc. is not a number" err'
suggest --db s.db --config "$cfg" --study other --n 0
test_expect_code 2 "--result-of in a file of two studies, no --study" train-trial --db s.db --result-of T
if [ -w /dev/full ]; then
  test_expect_code 3 "--result-of whose line cannot be written" bash -c 'exec train-trial --db s.db --study kws --result-of T >/dev/full'
else
  test_skip "--result-of whose line cannot be written" "no /dev/full here"
fi

# train-trial(1)'s EXIT STATUS under "With --result-of:", each status with its words on one line
awk '/^\.SH EXIT STATUS/ { on = 1; next } on && /^\.SH/ { exit } on && /^\.PP/ && seen { exit }
     on && /result-of/ { seen = 1; next } seen' "$WS_ROOT/share/man/man1/train-trial.1" |
  sed 's/\\f.//g; s/\\-/-/g' | awk '/^\.TP/ { if (s != "") print s; s = ""; next } /^\.B [0-9]$/ { s = $2 ":"; next } { s = s " " $0 } END { print s }' >statuses
test_expect_success "train-trial(1) gives --result-of's statuses 0 to 3" 'cat statuses >&2; [ "$(cut -d: -f1 statuses | tr "\n" " ")" = "0 1 2 3 " ]'
test_expect_success "... 2 as usage or input error, a study file not there or no study among them" '
  grep "^2:" statuses | grep -q "usage or input error" && grep "^2:" statuses | grep -q "not there"'
