#!/usr/bin/env bash
# A folder of checkpoints written before folders were claimed (trial-N.ckpt, no .study.json) was
# claimed by the first trial that kept weights there, of whatever study: only best.ckpt and the
# trial's own trial-N.ckpt were looked at, so study sb's trial 0 took a folder holding study sa's
# trial-5.ckpt, and sa's next trial there was then refused as another study's. The first claim
# now reads the headers of the folder's checkpoints (best.ckpt, trial-N.ckpt): where one names
# another study, the trial is refused (exit 2, the trial FAIL, nothing written), naming the file
# and both studies as a claim of another study is named; where they name this study, or none
# (a header from before headers named the trial, a damaged file), the folder is claimed as before.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
jq '.study = "sa" | del(.constraints) | .budget.epochs = 1' c.json >sa.json
jq '.study = "sb" | del(.constraints) | .budget.epochs = 1' c.json >sb.json
tt() { train-trial --features tones.feat --threads 1 --quiet "$@"; }
uid_of() { sqlite3 "$1" "SELECT json_extract(value_json, '$') FROM study_system_attributes WHERE key = 'wakesweep:uid'"; }
state_of() { sqlite3 "$1" "SELECT state FROM trials WHERE number = $2"; }
# as_trial SRC DST STUDY NUMBER: SRC's checkpoint as trial NUMBER of STUDY wrote it, at DST
as_trial() { ckpt_edit "$1" "$2" "h['trial']['study'] = '$3'; h['trial']['number'] = $4"; }

# study sa's trial 0, its checkpoint the others' source
mkdir a
suggest --db a/s.db --config sa.json >a.l0
tt --db a/s.db a.l0 >/dev/null 2>&1
cp a/trial-0.ckpt a0.ckpt

# A folder with sa's trial-5.ckpt, no best.ckpt, no claim: sb's trial 0 there is refused.
mkdir old; as_trial a0.ckpt old/trial-5.ckpt sa 5; cp old/trial-5.ckpt a5.ckpt
suggest --db old/s.db --config sb.json >o.l0
test_expect_code 2 "an unclaimed folder holding another study's trial-5.ckpt: study sb's trial 0 refused" tt --db old/s.db o.l0
test_expect_success "... naming the checkpoint, both studies, this one's store and uid, and --ckpt-dir" '
  u=$(uid_of old/s.db) && [ ${#u} = 32 ] &&
  grep -qxF "train-trial: old/trial-5.ckpt: the folder holds the checkpoints of study '"'"'sa'"'"' (its header'"'"'s trial.study; no .study.json claims the folder), not of study '"'"'sb'"'"' of $TMP/old/s.db (uid $u): give this study a folder of its own with --ckpt-dir" err'
test_expect_success "... writing nothing there: no claim, no trial-0.ckpt, trial-5.ckpt as it was" '
  [ ! -e old/.study.json ] && [ ! -e old/trial-0.ckpt ] && [ ! -e old/best.ckpt ] && cmp old/trial-5.ckpt a5.ckpt'
test_expect_success "... the trial FAIL with the reason" '
  [ "$(state_of old/s.db 0)" = FAIL ] &&
  sqlite3 old/s.db "SELECT value_json FROM trial_system_attributes WHERE key = \"wakesweep:reason\"" | grep -qF "old/trial-5.ckpt: the folder holds"'
suggest --db old/s.db --config sb.json >o.l1
test_expect_code 0 "... its --keep none trial there is not refused (it writes nothing)" tt --db old/s.db --keep none o.l1
test_expect_success "... and claims nothing" '[ ! -e old/.study.json ] && cmp old/trial-5.ckpt a5.ckpt'

# Checkpoints of this study and of two others: the lowest-numbered of the others' is named.
mkdir mix
as_trial a0.ckpt mix/trial-3.ckpt sb 3; as_trial a0.ckpt mix/trial-9.ckpt sa 9; as_trial a0.ckpt mix/trial-6.ckpt sc 6
suggest --db mix/s.db --config sb.json >m.l0
test_expect_code 2 "a folder of this study's trial-3.ckpt and others' trial-6 and trial-9: refused" tt --db mix/s.db m.l0
test_expect_success "... naming trial-6.ckpt, of study sc" \
  'grep -qF "train-trial: mix/trial-6.ckpt: the folder holds the checkpoints of study '"'"'sc'"'"' (its header" err && [ ! -e mix/.study.json ]'

# This study's own checkpoints, written before claims: claimed as before.
mkdir own; as_trial a0.ckpt own/trial-5.ckpt sb 5
suggest --db own/s.db --config sb.json >w.l0
test_expect_code 0 "an unclaimed folder holding this study's trial-5.ckpt: the trial trains" tt --db own/s.db w.l0
test_expect_success "... and claims the folder" '
  jq -e --arg u "$(uid_of own/s.db)" ".study == \"sb\" and .uid == \$u" own/.study.json && [ -s own/trial-0.ckpt ]'

# Checkpoints that cannot say whose they are (a header naming no trial, a damaged file), and
# files of other names (not the folder's checkpoints): claimed as before, each left as it was.
mkdir un
ckpt_edit a0.ckpt un/trial-5.ckpt 'h["trial"] = None'; cp un/trial-5.ckpt n5.ckpt
as_trial a0.ckpt un/trial-6.ckpt sa 6; flip_byte un/trial-6.ckpt 30; cp un/trial-6.ckpt n6.ckpt
cp a5.ckpt un/sa-final.ckpt; cp a5.ckpt un/trial-x.ckpt
suggest --db un/s.db --config sb.json >n.l0
test_expect_code 0 "headers that name no study, a damaged checkpoint, another study's under other names: the trial trains" tt --db un/s.db n.l0
test_expect_success "... claims the folder, leaving those files as they were" '
  jq -e ".study == \"sb\"" un/.study.json && cmp un/trial-5.ckpt n5.ckpt && cmp un/trial-6.ckpt n6.ckpt &&
  cmp un/sa-final.ckpt a5.ckpt && cmp un/trial-x.ckpt a5.ckpt'
