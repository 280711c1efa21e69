#!/usr/bin/env bash
# Two studies, one checkpoint folder: an Optuna storage holds several studies, and study files
# sit side by side, so by default (--ckpt-dir: the study file's folder) their checkpoints share
# one. Trial 0 of the second study wrote its weights over the first's trial-0.ckpt, and its best
# over the first's best.ckpt: train-trial --evaluate best.ckpt then evaluated a model of the other
# study. A trial that keeps weights is refused before training (exit 2, the trial FAIL with the
# reason) where best.ckpt or its own trial-N.ckpt is another study's (its header says whose);
# checkpoints whose header names no study (written before headers did) or that cannot be read
# are written over as before, and a --keep none trial, which writes nothing there, is not refused.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
jq '.study = "sa" | .budget.epochs = 1' c.json >sa.json
jq '.study = "sb" | .budget.epochs = 1' c.json >sb.json
tt() { train-trial --features tones.feat --threads 1 --quiet "$@"; }
state_of() {   # DB STUDY NUMBER: the trial's state
  sqlite3 "$1" "SELECT state FROM trials JOIN studies USING (study_id) WHERE study_name = '$2' AND number = $3"
}

# Study sa, trial 0, in sh/s.db: its trial-0.ckpt and best.ckpt in sh/.
mkdir sh
suggest --db sh/s.db --config sa.json >sa.l0
tt --db sh/s.db sa.l0 >/dev/null 2>&1
cp sh/trial-0.ckpt a0.ckpt; cp sh/best.ckpt abest.ckpt
# Study sb in the same storage (suggest --config another study's config), its trial 0.
suggest --db sh/s.db --config sb.json >sb.l0
test_expect_code 2 "another study's trial 0, in the folder of the first's checkpoints, refused" tt --db sh/s.db sb.l0
test_expect_success "... naming the file, its study, and --ckpt-dir" \
  'grep -qx "train-trial: sh/best.ckpt: a checkpoint of study .sa. (its header.s trial.study), not of study .sb.: give this study a folder of its own with --ckpt-dir" err'
test_expect_success "... the first study's trial-0.ckpt and best.ckpt as they were" 'cmp sh/trial-0.ckpt a0.ckpt && cmp sh/best.ckpt abest.ckpt'
test_expect_success "... trained nothing: the trial FAIL with the reason, no intermediate value" '
  [ "$(state_of sh/s.db sb 0)" = FAIL ] &&
  sqlite3 sh/s.db "SELECT value_json FROM trial_system_attributes a JOIN trials t USING (trial_id) JOIN studies s USING (study_id)
                   WHERE s.study_name = \"sb\" AND t.number = 0 AND a.key = \"wakesweep:reason\"" | grep -q "sh/best.ckpt: a checkpoint of study .sa. " &&
  [ "$(sqlite3 sh/s.db "SELECT count(*) FROM trial_intermediate_values JOIN trials USING (trial_id) JOIN studies USING (study_id)
                         WHERE study_name = \"sb\"")" = 0 ]'
# The params refused come again (queued as a WAITING copy): with a folder of its own, they train.
suggest --db sh/s.db --config sb.json >sb.l1
mkdir shb
test_expect_code 0 "... the study's next trial, with --ckpt-dir a folder of its own, trains" tt --db sh/s.db --ckpt-dir shb sb.l1
test_expect_success "... its best.ckpt there, the first study's untouched" \
  '[ -s shb/best.ckpt ] && cmp sh/trial-0.ckpt a0.ckpt && cmp sh/best.ckpt abest.ckpt'

# The same study's next trial in that folder is not refused.
suggest --db sh/s.db --config sa.json >sa.l1
test_expect_code 0 "the first study's trial 1, its best.ckpt there, trains" tt --db sh/s.db sa.l1
test_expect_success "... keeping trial-1.ckpt" '[ -s sh/trial-1.ckpt ] && [ "$(state_of sh/s.db sa 1)" = COMPLETE ]'
cp sh/trial-1.ckpt a1.ckpt; cp sh/best.ckpt abest.ckpt

# A study file of its own beside the first, its trial 0 with --keep none: not refused, writes nothing.
suggest --db sh/k.db --config sb.json >sk.l0
test_expect_code 0 "another study's --keep none trial there is not refused" tt --db sh/k.db --keep none sk.l0
test_expect_success "... and writes over none of the first study's checkpoints" \
  'cmp sh/trial-0.ckpt a0.ckpt && cmp sh/trial-1.ckpt a1.ckpt && cmp sh/best.ckpt abest.ckpt && [ "$(state_of sh/k.db sb 0)" = COMPLETE ]'

# No best.ckpt, but the trial's own trial-N.ckpt is another study's.
mkdir t1; cp a0.ckpt t1/trial-0.ckpt
suggest --db t1/s.db --config sb.json >t1.l0
test_expect_code 2 "the trial's own trial-N.ckpt another study's, refused" tt --db t1/s.db t1.l0
test_expect_success "... naming it" \
  'grep -qx "train-trial: t1/trial-0.ckpt: a checkpoint of study .sa. (its header.s trial.study), not of study .sb.: give this study a folder of its own with --ckpt-dir" err &&
   cmp t1/trial-0.ckpt a0.ckpt && [ ! -e t1/best.ckpt ]'

# A checkpoint whose header names no study (from before headers named the trial), or that is
# damaged, says nothing of whose it is: written over as before.
mkdir t2; ckpt_edit a0.ckpt t2/best.ckpt 'h["trial"] = None'; cp t2/best.ckpt t2/trial-0.ckpt
suggest --db t2/s.db --config sb.json >t2.l0
test_expect_code 0 "a best.ckpt and trial-0.ckpt whose header names no study: the trial trains" tt --db t2/s.db t2.l0
test_expect_success "... and writes its own over them" \
  'train-trial --evaluate t2/best.ckpt --features tones.feat >ev && jq -e ".trial.study == \"sb\"" ev && cmp t2/best.ckpt t2/trial-0.ckpt'
mkdir t3; cp abest.ckpt t3/best.ckpt; flip_byte t3/best.ckpt 30
suggest --db t3/s.db --config sb.json >t3.l0
test_expect_code 0 "a damaged best.ckpt: the trial trains" tt --db t3/s.db t3.l0
test_expect_success "... and writes its own over it" 'cmp t3/best.ckpt t3/trial-0.ckpt'

# The sweep's resume (--result-of TAG --ckpt-dir) makes best.ckpt there its study's best's; one
# of another study is not its to replace, even with a trial-N.ckpt of the best's number there.
mkdir t4 t4own
suggest --db t4/s.db --config sb.json --tag r >t4.l0
tt --db t4/s.db --ckpt-dir t4own t4.l0 >/dev/null 2>&1
cp abest.ckpt t4/best.ckpt
if cmp -s abest.ckpt a0.ckpt; then cp a1.ckpt t4/trial-0.ckpt; else cp a0.ckpt t4/trial-0.ckpt; fi
test_expect_code 0 "--result-of --ckpt-dir a folder whose best.ckpt is another study's" \
  train-trial --db t4/s.db --result-of r --ckpt-dir t4
test_expect_success "... leaves it as it was, saying so" \
  'cmp t4/best.ckpt abest.ckpt && grep -qx "train-trial: left t4/best.ckpt alone: a checkpoint of study .sa. (its header.s trial.study), not of study .sb." err'

# A study name as long as Optuna keeps (512 characters) is compared whole: its own best.ckpt is
# its own, and its next trial trains.
long=$(printf 'x%.0s' $(seq 512))
jq --arg n "$long" '.study = $n' sa.json >long.json
mkdir t5
suggest --db t5/s.db --config long.json >t5.l0
tt --db t5/s.db t5.l0 >/dev/null 2>&1
suggest --db t5/s.db --config long.json >t5.l1
test_expect_code 0 "a study of a 512-character name, its second trial beside its best.ckpt, trains" tt --db t5/s.db t5.l1
test_expect_success "... keeping its weights" '[ -s t5/best.ckpt ] && [ -s t5/trial-1.ckpt ]'
