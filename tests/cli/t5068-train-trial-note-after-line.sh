#!/usr/bin/env bash
# train-trial said where it trains ("note: no CUDA device (...); training on the CPU with N
# threads", or the GPU's name) as soon as it had picked the device, before it read the trial line:
# `echo '{}' | train-trial ...` printed the note, then the error, as if training had begun. The
# note (and OPENBLAS_CORETYPE's, of the same run) now comes once the line is accepted: the trial
# found RUNNING and its settings, cache and checkpoint folder taken, just before training (or,
# for --probe-batch, probing). A line refused says its error alone.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trial    # tones.feat, runs/s.db, its trial 0 RUNNING in the file line

no_note() { ! grep -q "note:" err && [ "$(wc -l <err)" = 1 ] && grep -q "^train-trial: $1" err; }
echo '{}' >empty.json
test_expect_code 2 "a trial line {}" train-trial --db runs/s.db --features tones.feat --threads 1 empty.json
test_expect_success "... its error alone, no device note before it" 'no_note "trial line: needs \"study\" and \"trial\""'
echo 'xx' >notjson
test_expect_code 2 "a trial line that is no JSON" train-trial --db runs/s.db --features tones.feat --threads 1 - <notjson
test_expect_success "... its error alone" 'no_note "stdin:1:"'
jq -c '.trial = 5' line >unknown.json
test_expect_code 2 "a trial the study does not hold" train-trial --db runs/s.db --features tones.feat --threads 1 unknown.json
test_expect_success "... its error alone" 'no_note "runs/s.db: study .tones.: unknown trial 5"'
test_expect_code 2 "... nor with OPENBLAS_CORETYPE that OpenBLAS ignores" \
  env OPENBLAS_CORETYPE=bogus train-trial --db runs/s.db --features tones.feat --threads 1 unknown.json
test_expect_success "... its error alone, no OPENBLAS_CORETYPE note either" 'no_note "runs/s.db: study .tones.: unknown trial 5"'
test_expect_code 2 "--probe-batch with a trial line {}" train-trial --probe-batch --db runs/s.db --features tones.feat --threads 1 empty.json
test_expect_success "... its error alone" '! grep -q "note:" err && grep -q "^train-trial: " err'

test_expect_code 0 "--probe-batch with the trial's line" train-trial --probe-batch --db runs/s.db --features tones.feat --threads 1 line
test_expect_success "... says where it probes (a note, CPU or GPU), once" '[ "$(grep -c "^train-trial: note: .*probing" err)" = 1 ] && jq -e .batch out >/dev/null'
test_expect_code 0 "the trial's line trains" train-trial --db runs/s.db --features tones.feat --threads 1 line
test_expect_success "... and the device note is said, once, first" '
  [ "$(grep -c "^train-trial: note: .*training on" err)" = 1 ] && head -1 err | grep -q "^train-trial: note: .*training on" &&
  [ "$(jq -r .state out)" = COMPLETE ]'
