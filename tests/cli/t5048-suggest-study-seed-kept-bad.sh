#!/usr/bin/env bash
# The study seed a study keeps (its system attribute wakesweep:seed, written by the suggest that
# made it, an integer in 0..2^63-1 as --seed takes them) when it is not one (a study edited or
# damaged: "x", null, [], 1.5, -1): suggest of a config without sampler.seed took it for no seed
# at all and drew a fresh one on every call, never stored (the attribute was there), so that two
# calls on the same study and history gave other trials, without a word; train-trial gave a line
# without "seed", of a trial the study keeps no seed for, the seed of study seed 0. Both now
# refuse it (exit 2), naming the study file, the attribute and what was expected, and make no
# trial. The integer kept by the suggest that made the study is the reference: two copies of the
# study give the same trial line.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config t.json
jq '.budget.epochs = 1 | del(.sampler.seed)' t.json >c.json
suggest --db s.db --config c.json --n 0 >/dev/null
test_expect_success "(the study keeps an integer seed, drawn by the suggest that made it)" '
  [ "$(sqlite3 s.db "SELECT json_type(value_json) FROM study_system_attributes WHERE key = '\''wakesweep:seed'\''")" = integer ]'
cp s.db a.db; cp s.db b.db
suggest --db a.db --config c.json >a.line; suggest --db b.db --config c.json >b.line
test_expect_success "(so two copies of it give the same trial line)" 'cmp a.line b.line'
n=0
for bad in '"x"' null '[]' 1.5 -1 '{}'; do
  n=$((n + 1))
  cp s.db "k$n.db"
  sqlite3 "k$n.db" "UPDATE study_system_attributes SET value_json = '$bad' WHERE key = 'wakesweep:seed'"
  test_expect_code 2 "suggest on a study whose kept seed is $bad: exit 2" suggest --db "k$n.db" --config c.json
  test_expect_success "... names the file, the study, the attribute and what it expected; no trial" "
    grep -q \"^suggest: k$n.db: study 'tones': system attribute wakesweep:seed: expected an integer in 0..9223372036854775807\" err &&
    [ ! -s out ] && [ \"\$(sqlite3 k$n.db 'SELECT count(*) FROM trials')\" = 0 ]"
done
# train-trial: a line without "seed" for a trial the study keeps no seed for (one Optuna made)
suggest --db t.db --config c.json >t.line
sqlite3 t.db "DELETE FROM trial_system_attributes WHERE key = 'wakesweep:seed';
              UPDATE study_system_attributes SET value_json = '\"x\"' WHERE key = 'wakesweep:seed'"
jq -c 'del(.seed)' t.line >noseed.line
test_expect_code 2 "train-trial, a line without seed, the study's kept seed \"x\": exit 2" \
  train-trial --db t.db --features tones.feat --threads 1 --quiet --keep none noseed.line
test_expect_success "... names the attribute; the trial is not trained" "
  grep -q \"system attribute wakesweep:seed: expected an integer in 0..9223372036854775807\" err && ! grep -q COMPLETE out"
