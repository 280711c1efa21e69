#!/usr/bin/env bash
# Study files share their folder, and so the checkpoints' by default: another study's best.ckpt
# there is left alone (train-trial(1)). A trial of a second study whose best left no weights in
# the folder (told by tell from another trainer), and its --result-of --ckpt-dir, removed the
# first study's best.ckpt all the same, as "an earlier trial's weights": only a --keep none trial
# and a study without a best looked at whose it was (its header's trial.study). (A trial of the
# second study that keeps weights is refused there before training: t4050.)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
jq '.study = "sa" | del(.constraints) | .budget.epochs = 2' c.json >sa.json
jq '.study = "sb" | del(.constraints) | .budget.epochs = 2' c.json >sb.json
mkdir sh
suggest --db sh/a.db --config sa.json >sa.l0
train-trial --db sh/a.db --features tones.feat --threads 1 --quiet sa.l0 >/dev/null
cp sh/best.ckpt a-best.ckpt
# study sb: trials 0 and 1 told by another trainer, 1 its best, with no trial-1.ckpt in sh
suggest --db sh/b.db --config sb.json --n 2 >/dev/null
tell --db sh/b.db --study sb --trial 0 --state complete --value 0.1 >/dev/null
tell --db sh/b.db --study sb --trial 1 --state complete --value 0.9 >/dev/null
suggest --db sh/b.db --config sb.json --tag t2 >sb.l2
test_expect_code 0 "another study's trial, whose best left no weights in the shared folder" \
  train-trial --db sh/b.db --features tones.feat --threads 1 --quiet --keep none --max-seconds 0.001 sb.l2
test_expect_success "... leaves the first study's best.ckpt as it was, says nothing of it" \
  'cmp sh/best.ckpt a-best.ckpt && ! grep -q best.ckpt err'
cp a-best.ckpt sh/best.ckpt
test_expect_code 0 "its --result-of --ckpt-dir" train-trial --db sh/b.db --study sb --result-of t2 --ckpt-dir sh
test_expect_success "... leaves it too, saying so" \
  'cmp sh/best.ckpt a-best.ckpt && grep -qF "left sh/best.ckpt alone: a checkpoint of study '"'"'sa'"'"'" err'
# the study's own best.ckpt there, an earlier trial's, is still removed where its best left none
cp a-best.ckpt sh/best.ckpt
suggest --db sh/a.db --config sa.json --tag a1 >/dev/null
tell --db sh/a.db --study sa --trial 1 --state complete --value 2 >/dev/null   # above any F1
test_expect_code 0 "the first study's --result-of, its best told (trial 1)" \
  train-trial --db sh/a.db --study sa --result-of a1 --ckpt-dir sh
test_expect_success "... removes its best.ckpt, saying so" \
  '[ ! -e sh/best.ckpt ] && grep -qF "removed sh/best.ckpt (an earlier trial'"'"'s weights): the study'"'"'s best, trial 1, left none in sh" err'
