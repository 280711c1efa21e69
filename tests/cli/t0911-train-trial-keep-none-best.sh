#!/usr/bin/env bash
# A trial trained with --keep none that becomes the study's best: best.ckpt holds the best
# trial's weights or is absent (train-trial(1)), so the best.ckpt there, an earlier trial's, must
# go with the trial that made it stale. It stayed until some later trial that keeps weights
# ended (none may: the last trial of a sweep, a study tuned by hand), so --evaluate best.ckpt
# evaluated a worse trial's model while report --best named the other. The earlier trial's own
# trial-N.ckpt stays: nothing but the copy is lost. A --keep none trial that is not the best, or
# one in a folder without best.ckpt, writes nothing there.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
# Trial 0 barely trains (1 epoch at a learning rate of 1e-4), trial 1 does (3 epochs at 0.02),
# trial 2 barely again: params queued in that order (suggest --enqueue), epochs by trial number.
jq '.study = "kn" | del(.constraints) | .budget.epochs = [[1, 1], [2, 3], [null, 1]]
    | .space.learning_rate = {"type": "float", "low": 0.0001, "high": 0.05, "log": true}' c.json >kn.json
printf '{"learning_rate": 0.0001}\n{"learning_rate": 0.02}\n{"learning_rate": 0.0001}\n' >kn.enq
mkdir kn
suggest --db kn/s.db --config kn.json --enqueue kn.enq >/dev/null
suggest --db kn/s.db --config kn.json --n 3 >kn.lines
for i in 0 1 2; do sed -n "$((i + 1))p" kn.lines >kn.l$i; done

test_expect_code 0 "trial 0, keeping its weights" train-trial --db kn/s.db --features tones.feat --threads 1 --quiet kn.l0
test_expect_success "... best.ckpt is its trial-0.ckpt" 'cmp kn/best.ckpt kn/trial-0.ckpt'
test_expect_code 0 "trial 1, --keep none" train-trial --db kn/s.db --features tones.feat --threads 1 --quiet --keep none kn.l1
cp err kn.err1
test_expect_success "... is the study's best (report --best)" '[ "$(report --db kn/s.db --best | jq .trial)" = 1 ]'
test_expect_success "... leaves no checkpoint of its own, nor a temporary" \
  '[ ! -e kn/trial-1.ckpt ] && [ -z "$(find kn -name "*.tmp.*")" ]'
test_expect_success "... removes best.ckpt, trial 0's weights, saying why" \
  '[ ! -e kn/best.ckpt ] && grep -qx "train-trial: removed kn/best.ckpt (an earlier trial.s weights): the study.s best, trial 1, left none in kn" kn.err1'
test_expect_success "... trial-0.ckpt stays" '[ -s kn/trial-0.ckpt ]'
test_expect_code 0 "trial 2, worse, keeping its weights" train-trial --db kn/s.db --features tones.feat --threads 1 --quiet kn.l2
test_expect_success "... best.ckpt stays absent, trial 2's own kept" \
  '[ "$(report --db kn/s.db --best | jq .trial)" = 1 ] && [ ! -e kn/best.ckpt ] && [ -s kn/trial-2.ckpt ]'

# Not the best: best.ckpt, the best's, is left as it is.
jq '.study = "nb" | .budget.epochs = [[1, 3], [null, 1]]' kn.json >nb.json
printf '{"learning_rate": 0.02}\n{"learning_rate": 0.0001}\n' >nb.enq
mkdir nb
suggest --db nb/s.db --config nb.json --enqueue nb.enq >/dev/null
suggest --db nb/s.db --config nb.json --n 2 >nb.lines
sed -n 1p nb.lines >nb.l0; sed -n 2p nb.lines >nb.l1
train-trial --db nb/s.db --features tones.feat --threads 1 --quiet nb.l0 >nb.r0
test_expect_code 0 "a worse trial with --keep none" train-trial --db nb/s.db --features tones.feat --threads 1 --quiet --keep none nb.l1
test_expect_success "... best.ckpt is still the best's, trial 0's, said nothing" \
  '[ "$(report --db nb/s.db --best | jq .trial)" = 0 ] && cmp nb/best.ckpt nb/trial-0.ckpt && [ ! -e nb/trial-1.ckpt ] && [ ! -s err ]'

# A folder without best.ckpt: a --keep none trial, the best, writes nothing there.
jq '.study = "nf"' kn.json >nf.json
mkdir nf
suggest --db nf/s.db --config nf.json --n 1 >nf.l0
test_expect_code 0 "the best trial with --keep none, no best.ckpt there" train-trial --db nf/s.db --features tones.feat --threads 1 --quiet --keep none nf.l0
test_expect_success "... writes nothing beside the study" '[ "$(ls -A nf | grep -v "^s\.db")" = "" ] && [ ! -s err ]'

# Study files share their folder, and the checkpoints' by default: a --keep none trial of another
# study, its best, leaves the first study's best.ckpt alone (its header names that study).
mkdir sh
jq '.study = "sa"' kn.json >sa.json; jq '.study = "sb"' kn.json >sb.json
suggest --db sh/a.db --config sa.json >sa.l0
train-trial --db sh/a.db --features tones.feat --threads 1 --quiet sa.l0 >/dev/null
suggest --db sh/b.db --config sb.json >sb.l0
test_expect_code 0 "another study's --keep none trial, its best, in the same folder" \
  train-trial --db sh/b.db --features tones.feat --threads 1 --quiet --keep none sb.l0
test_expect_success "... leaves the first study's best.ckpt as it was, said nothing" 'cmp sh/best.ckpt sh/trial-0.ckpt && [ ! -s err ]'
