#!/usr/bin/env bash
# The README's ask/tell loop tells kws-default's trials without --constraint, on the tour's $db,
# whose trial train-trial trained carries constraint values (kws-default: FPR at most 0.05). In
# such a study a COMPLETE trial without constraint values is infeasible (as Optuna's samplers
# count it, t0619): every trial the loop told ranked after the tour's, however good its value,
# and `report --best` never named one, while README said nothing of --constraint. README now says
# to give it, and how; what it says is checked here against the tools.
. "$WS_ROOT/tests/cli/lib.sh"
awk '/^Any trainer can take part through ask\/tell:/ { on = 1 } on && /^### / { exit } on' "$WS_ROOT/README.md" >section
readme_loop >loop.sh
test_expect_success "README.md holds the ask/tell loop" 'grep -q "/tell " loop.sh'
# my-trainer: 0.9 at every epoch, better than the tour's trial
cat >run.sh <<'EOF'
my-trainer() { cat >/dev/null; echo 0.9; }
db=$1
cd "$WS_ROOT" && . "$OLDPWD/loop.sh"
EOF
# the tour's trial, as train-trial records it: its value and its constraint value (FPR 0.04 - 0.05)
suggest --db s.db --config "$WS_ROOT/configs/studies/kws-default.json" >/dev/null
tell --db s.db --study kws-default --trial 0 --state complete --value 0.5 --constraint -0.01 >/dev/null
bash run.sh "$TMP/s.db" >/dev/null 2>&1
test_expect_success "the loop's trial, told without --constraint, is COMPLETE with the better value" '
  [ "$(sqlite3 s.db "SELECT state FROM trials WHERE number = 1")" = COMPLETE ]'
test_expect_code 0 "report --best" report --db s.db --best
test_expect_success "... passes it over: infeasible beside the tour's trial, which carries constraint values" 'jq -e ".trial == 0" out'
test_expect_success "README's ask/tell section says to tell kws-default's constraint with --constraint" '
  grep -q -- "--constraint" section && grep -q "infeasible" section'
# as README says it: the constraint value is the trial's FPR less 0.05, feasible at 0 or below
fpr=0.03
sed -i "s|--value \$value\$|--value \$value --constraint \$(jq -n \"$fpr - 0.05\")|" loop.sh
test_expect_success "the loop's tell line, given --constraint" 'grep -q -- "--constraint" loop.sh'
bash run.sh "$TMP/s.db" >/dev/null 2>&1
test_expect_code 0 "report --best after a round told with its constraint value" report --db s.db --best
test_expect_success "... names that trial" 'jq -e ".trial == 2 and .value == 0.9" out'
