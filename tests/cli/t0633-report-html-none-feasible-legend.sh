#!/usr/bin/env bash
# report --format html of a study with constraints where no complete trial is feasible: there is
# no best trial (the card says so) and no best-so-far line, yet the history's legend listed
# "best so far" and the parallel coordinates' legend "best trial", for lines not drawn. Now a
# legend lists only what is drawn; a study with a best trial keeps both entries.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 6 >/dev/null
for n in 0 1 2 3 4 5; do tell --db s.db --study kws --trial $n --state complete --value 0.$n --constraint 0.5 >/dev/null; done
svg() { awk -v id="$1" 'index($0, "<svg id=\"" id "\"") {on = 1} on {print} on && /<\/svg>/ {exit}' "$2"; }
test_expect_code 0 "html of a study where no trial is feasible" report --db s.db --format html
test_expect_success "... has no best trial" 'grep -q "<p>none: no complete trial is feasible</p>" out'
test_expect_success "... its legends name no best line" '
  svg history out >h.svg && svg parallel out >p.svg && [ -s h.svg ] && [ -s p.svg ] &&
  ! grep -q ">best so far<" h.svg && ! grep -q ">best trial<" p.svg && grep -q ">infeasible<" h.svg && grep -q ">infeasible<" p.svg'
suggest --db s.db --config c.json >/dev/null && tell --db s.db --study kws --trial 6 --state complete --value 0.9 --constraint -1 >/dev/null
test_expect_code 0 "html once a trial is feasible" report --db s.db --format html
test_expect_success "... its legends name the best lines" '
  svg history out >h.svg && svg parallel out >p.svg && grep -q ">best so far<" h.svg && grep -q ">best trial<" p.svg'
