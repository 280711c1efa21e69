#!/usr/bin/env bash
# A false-positive limit of -0 (--max-fpr -0, a study's fixed max_fpr -0.0, a header's) is the
# limit 0, and the operating point echoes it as 0. jq 1.6 and Python's json both print a -0 they
# are given as -0 / -0.0, so the echo "max_fpr": -0 read as a limit below zero: the text is what
# is checked here (jq -c prints the number as it was written, sign and all).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trained
ckpt=runs/trial-0.ckpt
train-trial --evaluate $ckpt --features tones.feat --max-fpr 0 --threads 1 >zero.json
test_expect_success "setup: the trial COMPLETE; --max-fpr 0 echoes 0 (the reference)" '
  jq -e ".state == \"COMPLETE\"" result && [ "$(jq -c .at_fpr.max_fpr zero.json)" = 0 ]'

for p in -0 -0.0 -0e0 -0.000; do
  test_expect_code 0 "--max-fpr $p: accepted" train-trial --evaluate $ckpt --features tones.feat --max-fpr $p --threads 1
  test_expect_success "... echoed as 0, not -0" '[ "$(jq -c .at_fpr.max_fpr out)" = 0 ]'
  test_expect_success "... the operating point of --max-fpr 0" '[ "$(jq -c .at_fpr out)" = "$(jq -c .at_fpr zero.json)" ]'
done

# The trial's own limit: fixed max_fpr -0.0 in the study config. Its recorded operating point and
# the checkpoint's header (which --evaluate falls back to) read 0. (Written by Python: jq writes
# -0, which JSON readers take for the integer 0.)
"$PY" -c 'import json, sys; c = json.load(open("c.json")); c["study"] = "negzero"; c["fixed"]["max_fpr"] = -0.0
json.dump(c, sys.stdout)' >nz.json
mkdir nz
suggest --db nz/s.db --config nz.json >nzline
train-trial --db nz/s.db --features tones.feat --threads 1 --quiet nzline >nzresult
test_expect_success "fixed max_fpr -0.0: the trial's operating point reads max_fpr 0" '
  grep -q "\"max_fpr\": -0.0" nz.json && jq -e ".state == \"COMPLETE\"" nzresult && [ "$(jq -c .metrics.at_fpr.max_fpr nzresult)" = 0 ]'
test_expect_code 0 "... --evaluate of its checkpoint without --max-fpr" \
  train-trial --evaluate nz/trial-0.ckpt --features tones.feat --threads 1
test_expect_success "... echoes the header's limit as 0" '[ "$(jq -c .at_fpr.max_fpr out)" = 0 ]'

# A header that says -0.0 (written by Python's json, as another tool might)
ckpt_edit $ckpt hdr.ckpt 'h["features"]["max_fpr"] = -0.0'
test_expect_success "setup: the edited header holds -0.0" 'grep -aq "\"max_fpr\": -0.0" hdr.ckpt'
test_expect_code 0 "a header's max_fpr -0.0: --evaluate without --max-fpr" \
  train-trial --evaluate hdr.ckpt --features tones.feat --threads 1
test_expect_success "... echoes it as 0" '[ "$(jq -c .at_fpr.max_fpr out)" = 0 ]'
