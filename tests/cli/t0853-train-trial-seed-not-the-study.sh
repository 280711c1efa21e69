#!/usr/bin/env bash
# train-trial: a trial line whose "seed" was edited by hand (another than the seed suggest kept
# for the trial, its system attribute wakesweep:seed) trained with the line's seed, exit 0, while
# the study (and report, and a retry) kept suggest's: the study said the trial was trained with
# a seed it was not. A line whose params were edited is refused as bad input (exit 2, the trial
# FAIL with the reason: t0744), and so now is such a seed, naming the field, both seeds and what
# to do. A trial with no seed kept (made by Optuna, or by a suggest older than the attribute)
# trains with the line's seed, as before, which the study then keeps for it (t0861).
# The reference for "trained with seed S": the same line trained in a study that keeps S for it
# (the same weights, bit for bit).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
jq '.budget.epochs = 2' c.json >a.json
tt() { train-trial --db "$1" --features tones.feat --threads 1 --keep none --quiet "$2"; }
# tk DB LINE: as tt, its best weights kept (DB's folder/trial-N.ckpt)
tk() { train-trial --db "$1" --features tones.feat --threads 1 --quiet "$2"; }
kept_seed() { sqlite3 "$1" "SELECT value_json FROM trial_system_attributes JOIN trials USING (trial_id)
                            WHERE number = $2 AND key = 'wakesweep:seed'"; }
set_kept_seed() { sqlite3 "$1" "UPDATE trial_system_attributes SET value_json = '$3' WHERE key = 'wakesweep:seed'
                                AND trial_id = (SELECT trial_id FROM trials WHERE number = $2)"; }
reason() { sqlite3 "$1" "SELECT value_json FROM trial_system_attributes JOIN trials USING (trial_id)
                         WHERE number = $2 AND key = 'wakesweep:reason'" | jq -r .; }
steps() { sqlite3 "$1" "SELECT step || ' ' || printf('%.17g', intermediate_value) FROM trial_intermediate_values
                        JOIN trials USING (trial_id) WHERE number = $2 ORDER BY step"; }

# the line suggest printed, its seed edited (another seed a trial can have: 0..2^31-1)
mkdir e
suggest --db e/s.db --config a.json >e/line
seed=$(jq .seed e/line)
other=$(( (seed + 1) % 2147483648 ))
jq -c --argjson o "$other" '.seed = $o' e/line >e/edited
test_expect_success "(suggest kept the line's seed for trial 0)" '[ "$(kept_seed e/s.db 0)" = "$seed" ]'
test_expect_code 2 "a line whose seed is not the one the study keeps for the trial: exit 2" tt e/s.db e/edited
want="trial line: seed: $other is not the study's seed for trial 0 ($seed, which suggest printed): give the line suggest printed, or leave \"seed\" out to train with the study's"
test_expect_success "... naming the field, both seeds and what to do" '[ "$(cat err)" = "train-trial: $want" ] && [ ! -s out ]'
test_expect_success "... the trial FAIL with that reason, nothing trained" '
  [ "$(sqlite3 e/s.db "SELECT state FROM trials WHERE number = 0")" = FAIL ] && [ "$(reason e/s.db 0)" = "$want" ] &&
  [ -z "$(steps e/s.db 0)" ]'
test_expect_code 0 "report --format jsonl after it" report --db e/s.db --format jsonl
test_expect_success "... gives the study's seed, for a trial that trained with none other" '
  jq -e --argjson s "$seed" "select(.trial == 0) | .seed == \$s and .state == \"FAIL\"" out'

# the line as suggest printed it, and one with its seed left out, train (exit 0)
mkdir p
suggest --db p/s.db --config a.json >p/line
test_expect_code 0 "the line as suggest printed it trains" tk p/s.db p/line
test_expect_success "... COMPLETE" 'jq -e ".state == \"COMPLETE\"" out'
mkdir n
suggest --db n/s.db --config a.json >n/line
jq -c 'del(.seed)' n/line >n/noseed
test_expect_code 0 "a line without seed trains (with the study's: t0737)" tk n/s.db n/noseed
test_expect_success "... COMPLETE, with the weights of the line with it" 'jq -e ".state == \"COMPLETE\"" out && cmp n/trial-0.ckpt p/trial-0.ckpt'

# a study that keeps no seed for the trial (an older suggest's, or Optuna's trial): the line's
# seed trains, as before, and is kept for it; the reference keeps that seed for the trial
mkdir o r
suggest --db o/s.db --config a.json >o/line
sqlite3 o/s.db "DELETE FROM trial_system_attributes WHERE key = 'wakesweep:seed'"
jq -c --argjson o "$other" '.seed = $o' o/line >o/edited
suggest --db r/s.db --config a.json >r/line
set_kept_seed r/s.db 0 "$other"
jq -c --argjson o "$other" '.seed = $o' r/line >r/kept
test_expect_code 0 "no seed kept for the trial: a line with another seed trains" tk o/s.db o/edited
test_expect_success "... with the line's seed: the weights of a study that keeps that seed, not of the kept one" '
  tk r/s.db r/kept >/dev/null && cmp o/trial-0.ckpt r/trial-0.ckpt && ! cmp -s o/trial-0.ckpt p/trial-0.ckpt'
test_expect_code 0 "report --format jsonl after it" report --db o/s.db --format jsonl
test_expect_success "... gives the line's seed, kept for the trial once it trained (t0861)" '
  jq -e --argjson o "$other" "select(.trial == 0) | .seed == \$o" out'

# a kept seed that is no trial seed (the study edited): said, as for a line without seed (t0737)
mkdir b
suggest --db b/s.db --config a.json >b/line
set_kept_seed b/s.db 0 '"x"'
test_expect_code 2 "a line with a seed whose trial's kept seed is not an integer: exit 2" tt b/s.db b/line
test_expect_success "... naming the attribute" '
  grep -q "trial 0: system attribute wakesweep:seed: expected an integer in 0..2147483647 (a trial seed), got \"x\"" err'
