#!/usr/bin/env bash
# train-trial trains one trial line, and two on its input are refused (exit 2) with advice: "one
# process per line, e.g. xargs -L1". That advice did not work: xargs hands each line to
# train-trial as an argument, its quotes stripped, which train-trial opens as the TRIAL_FILE
# ("{study:x,trial:0,...}: cannot open"). The message now gives a command that feeds each line
# to its own train-trial on stdin (split -l1 --filter), which is checked here to train both.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
jq '.budget.epochs = 1' c.json >c1.json
mkdir runs
suggest --db runs/s.db --config c1.json --n 2 >lines
test_expect_code 2 "two trial lines" train-trial --db runs/s.db --features tones.feat --threads 1 --quiet lines
test_expect_success "... advises a command that works, not xargs -L1" '
  grep -qxF "train-trial: lines: more than one trial line; train-trial trains one (one process per line: suggest ... | split -l1 --filter='"'"'train-trial ...'"'"', or the sweep pipeline)" err &&
  ! grep -q xargs err'
test_expect_success "the advice trains each line in a train-trial of its own" '
  split -l1 --filter="train-trial --db runs/s.db --features tones.feat --threads 1 --quiet --keep none" lines >results &&
  [ "$(jq -s -c "map([.trial, .state])" results)" = "[[0,\"COMPLETE\"],[1,\"COMPLETE\"]]" ]'
