#!/usr/bin/env bash
# Two study files side by side, each with a study of the same name ("tones"), and so by default
# one checkpoint folder: studies were told apart by their name only (the headers' trial.study), so
# trial 0 of the second wrote over the first's trial-0.ckpt and took over its best.ckpt, and the
# second's --result-of and --keep none trials replaced or removed it as an earlier trial's. A
# study now has a uid of its own (system attribute wakesweep:uid, made by its first trial), and the
# first trial that keeps weights in a folder claims it (DIR/.study.json): a trial of another
# study there is refused as one of another name is (t4050), and the others leave its checkpoints
# alone. A copy of the study (study-copy, as Optuna's copy_study copies system attributes) is the
# same study: it goes on in the folder.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
jq 'del(.constraints) | .budget.epochs = 1' c.json >s.json
# the second study: the same name, another seed, so that its weights differ from the first's
jq '.sampler.seed = 3' s.json >sb.json
tt() { train-trial --features tones.feat --threads 1 --quiet "$@"; }
uid_of() { sqlite3 "$1" "SELECT json_extract(value_json, '$') FROM study_system_attributes WHERE key = 'wakesweep:uid'"; }
state_of() { sqlite3 "$1" "SELECT state FROM trials WHERE number = $2"; }

mkdir sh shb
suggest --db sh/a.db --config s.json >a.l0
tt --db sh/a.db a.l0 >/dev/null 2>&1
cp sh/trial-0.ckpt a0.ckpt; cp sh/best.ckpt abest.ckpt
suggest --db sh/b.db --config sb.json >b.l0
test_expect_code 2 "study 'tones' of another file beside the first, its trial 0 in the shared folder: refused" tt --db sh/b.db b.l0
test_expect_success "... naming the folder's claim, both stores and both uids, and --ckpt-dir" '
  a=$(uid_of sh/a.db) && b=$(uid_of sh/b.db) && [ ${#a} = 32 ] && [ ${#b} = 32 ] && [ "$a" != "$b" ] &&
  grep -qxF "train-trial: sh/.study.json: the folder holds the checkpoints of study '"'"'tones'"'"' of $TMP/sh/a.db (uid $a), not of study '"'"'tones'"'"' of $TMP/sh/b.db (uid $b): give this study a folder of its own with --ckpt-dir" err'
test_expect_success "... the first study's trial-0.ckpt and best.ckpt as they were" 'cmp sh/trial-0.ckpt a0.ckpt && cmp sh/best.ckpt abest.ckpt'
test_expect_success "... the trial FAIL with the reason" '
  [ "$(state_of sh/b.db 0)" = FAIL ] &&
  sqlite3 sh/b.db "SELECT value_json FROM trial_system_attributes WHERE key = \"wakesweep:reason\"" | grep -q "sh/.study.json: the folder holds"'

# The second study's next trial, tagged, in a folder of its own: it trains there, the best.
suggest --db sh/b.db --config sb.json --tag b1 >b.l1
test_expect_code 0 "its next trial with --ckpt-dir a folder of its own trains" tt --db sh/b.db --ckpt-dir shb b.l1
test_expect_success "... its best.ckpt there" '[ -s shb/best.ckpt ] && cmp shb/best.ckpt shb/trial-1.ckpt'
test_expect_code 0 "its --result-of --ckpt-dir the first study's folder" \
  train-trial --db sh/b.db --study tones --result-of b1 --ckpt-dir sh
test_expect_success "... leaves the first study's best.ckpt as it was, saying whose it is" '
  cmp sh/best.ckpt abest.ckpt && cmp sh/trial-0.ckpt a0.ckpt && grep -qF "train-trial: left sh/best.ckpt alone: sh/.study.json: the folder holds the checkpoints of study '"'"'tones'"'"' of $TMP/sh/a.db" err'
suggest --db sh/b.db --config sb.json >b.l2
test_expect_code 0 "its --keep none trial in the first study's folder" tt --db sh/b.db --keep none b.l2
test_expect_success "... writes over, removes and copies none of the first study's checkpoints, says nothing of them" '
  cmp sh/best.ckpt abest.ckpt && cmp sh/trial-0.ckpt a0.ckpt && [ ! -e sh/trial-2.ckpt ] && ! grep -q best.ckpt err'

# The first study goes on in its folder; so does its copy in another store (the same study, uid and all).
suggest --db sh/a.db --config s.json >a.l1
test_expect_code 0 "the first study's trial 1 in its folder trains" tt --db sh/a.db a.l1
test_expect_success "... keeping trial-1.ckpt" '[ -s sh/trial-1.ckpt ] && [ "$(state_of sh/a.db 1)" = COMPLETE ]'
mkdir cp
study-copy --from sh/a.db --to cp/a.db >/dev/null
suggest --db cp/a.db --config s.json >c.l2
test_expect_code 0 "its copy (study-copy), trial 2 in the same folder (--ckpt-dir), trains" tt --db cp/a.db --ckpt-dir sh c.l2
test_expect_success "... keeping trial-2.ckpt there, the copy's uid the study's" \
  '[ -s sh/trial-2.ckpt ] && [ "$(uid_of cp/a.db)" = "$(uid_of sh/a.db)" ]'

# A folder of checkpoints written before folders were claimed: told by their headers' name, as
# before, and claimed by the first trial that keeps weights there.
mkdir old; cp abest.ckpt old/best.ckpt
suggest --db old/s.db --config s.json >o.l0
test_expect_code 0 "a folder with a best.ckpt of the study's name and no claim: the trial trains" tt --db old/s.db o.l0
test_expect_success "... and claims the folder" \
  'jq -e --arg u "$(uid_of old/s.db)" ".study == \"tones\" and .uid == \$u" old/.study.json'

# A claim that is not one (edited, written by another program) cannot say whose the folder is.
mkdir bad; echo '{"study": "tones"}' >bad/.study.json
suggest --db bad/s.db --config s.json >d.l0
test_expect_code 2 "a claim that is not one: refused" tt --db bad/s.db d.l0
test_expect_success "... naming it and what was expected" \
  'grep -qF "train-trial: bad/.study.json: expected the folder'"'"'s claim, {\"study\": a name, \"uid\": 32 hex digits, \"store\": a path}, got another object" err && [ ! -e bad/trial-0.ckpt ]'
mkdir fifo; mkfifo fifo/.study.json
suggest --db fifo/s.db --config s.json >f.l0
test_expect_code 2 "a FIFO in the claim's place: refused, not a hang" timeout 60 train-trial --db fifo/s.db --features tones.feat --threads 1 --quiet f.l0
test_expect_success "... saying what it is" 'grep -qF "fifo/.study.json: cannot read the folder'"'"'s claim: is not a regular file" err'

# A study's uid that is not one (edited by hand) is refused, naming the attribute.
sqlite3 old/s.db "UPDATE study_system_attributes SET value_json = '\"xyz\"' WHERE key = 'wakesweep:uid'"
suggest --db old/s.db --config s.json >o.l1
test_expect_code 2 "a study uid that is not one: refused" tt --db old/s.db o.l1
test_expect_success "... naming the attribute" \
  'grep -qF "old/s.db: study '"'"'tones'"'"': system attribute wakesweep:uid: expected 32 hex digits (a string), got \"xyz\"" err'

# A study file removed and made anew at its path (as a sweep that begins again makes it): the
# study that claimed the folder is gone from there, and the new one takes the folder over.
mkdir re
suggest --db re/s.db --config s.json >r.l0
tt --db re/s.db r.l0 >/dev/null 2>&1
first=$(uid_of re/s.db)
rm -f re/s.db re/s.db-wal re/s.db-shm
suggest --db re/s.db --config sb.json >r.l0
test_expect_code 0 "a study file made anew at the path of the one that claimed the folder: its trial trains there" tt --db re/s.db r.l0
test_expect_success "... the folder claimed for the new study" '
  u=$(uid_of re/s.db) && [ "$u" != "$first" ] && jq -e --arg u "$u" ".uid == \$u" re/.study.json'
