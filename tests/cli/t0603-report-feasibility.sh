#!/usr/bin/env bash
# report's feasibility, as Optuna 3.1 counts it: in a study whose trials carry constraint values,
# a COMPLETE trial without them is not feasible (TPE gives it an infinite violation, NSGA-II
# ranks it after the feasible ones), so it is never the best; in a study without constraints
# every COMPLETE trial is feasible. With no best trial, text and HTML give the same reason.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json   # maximize
suggest --db s.db --config c.json --n 3 >/dev/null
tell --db s.db --study kws --trial 0 --state complete --value 0.9 >/dev/null               # no constraint values
tell --db s.db --study kws --trial 1 --state complete --value 0.5 --constraint -0.1 >/dev/null
tell --db s.db --study kws --trial 2 --state complete --value 0.95 --constraint 0.3 >/dev/null

test_expect_code 0 "json" report --db s.db --format json
test_expect_success "a complete trial without constraint values is not the best" '
  [ "$(jq .best.trial out)" = 1 ] && [ "$(jq -c "[.trials[].trial]" out)" = "[1,2,0]" ]'
test_expect_code 0 "--best" report --db s.db --best
test_expect_success "... nor for --best" '[ "$(jq .trial out)" = 1 ]'
test_expect_code 0 "text" report --db s.db
test_expect_success "... nor in the text" 'grep -q "^best: trial 1, value 0.5$" out'
test_expect_code 0 "html" report --db s.db --format html
test_expect_success "... nor in the HTML, whose table says it is not feasible" '
  grep -q "#1 · 0.5<" out && grep -q "2 complete trials: 1 breaks a constraint, 1 has no constraint values<" out &&
  grep -o "<tr[^>]*><td>[0-9]*</td><td>0</td>.*</tr>" out | grep -q "<td>0.9</td><td>no</td>"'

suggest --db free.db --config c.json --n 2 >/dev/null
tell --db free.db --study kws --trial 0 --state complete --value 0.4 >/dev/null
tell --db free.db --study kws --trial 1 --state complete --value 0.6 >/dev/null
test_expect_code 0 "a study without constraints" report --db free.db --best
test_expect_success "... has every complete trial feasible" '[ "$(jq .trial out)" = 1 ]'

suggest --db inf.db --config c.json --n 2 >/dev/null
tell --db inf.db --study kws --trial 0 --state complete --value 0.4 --constraint 1 >/dev/null
test_expect_code 0 "no complete trial feasible: text" report --db inf.db
test_expect_success "... says why there is no best" 'grep -q "^best: none: no complete trial is feasible$" out'
test_expect_code 0 "... html" report --db inf.db --format html
test_expect_success "... says the same" '
  grep -q "<h2>Best trial</h2><p>none: no complete trial is feasible</p>" out && ! grep -q "no trial has completed" out'
test_expect_code 1 "... --best exits 1" report --db inf.db --best

suggest --db none.db --config c.json --n 1 >/dev/null
test_expect_code 0 "nothing complete yet: text" report --db none.db
test_expect_success "... says so" 'grep -q "^best: none: no trial has completed yet$" out'
test_expect_code 0 "... html" report --db none.db --format html
test_expect_success "... says the same" 'grep -q "<h2>Best trial</h2><p>none: no trial has completed yet</p>" out'
