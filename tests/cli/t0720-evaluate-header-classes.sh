#!/usr/bin/env bash
# train-trial --evaluate on a checkpoint header whose positive class is not among its classes,
# is not a name, or whose classes repeat a name (a damaged or edited header: training takes the
# cache's distinct classes and refuses a positive class the cache lacks). Such a header was
# evaluated with exit 0 and null wake-word metrics, or with a class that could never be matched;
# now exit 2 naming the file and the field. A header without a positive class (null) still
# evaluates, its wake-word metrics null.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trained
test_expect_success "setup: the checkpoint's classes and positive class" '
  [ -s runs/best.ckpt ] && jq -e ".state == \"COMPLETE\"" result'
ckpt_edit runs/best.ckpt nopos.ckpt 'h["features"]["positive"] = None'
test_expect_code 0 "positive null: evaluates" train-trial --evaluate nopos.ckpt --features tones.feat --threads 1
test_expect_success "... without wake-word metrics" 'jq -e ".metrics.f1 == null and .at_fpr == null and (.metrics.accuracy | type) == \"number\"" out'
# --max-fpr asks for an operating point such a checkpoint has none of: it was ignored (exit 0,
# at_fpr null), as the project refuses an option it would ignore
test_expect_code 2 "positive null: --max-fpr refused" train-trial --evaluate nopos.ckpt --features tones.feat --threads 1 --max-fpr 0.1
test_expect_success "... says why, naming the checkpoint" '[ "$(cat err)" = "train-trial: nopos.ckpt: --max-fpr: the checkpoint has no wake word (its trial had no fixed.positive), so no operating point to set" ] && [ ! -s out ]'

want=
expect() {   # NAME FILE MESSAGE PYTHON
  want="train-trial: $2: $3"
  ckpt_edit runs/best.ckpt "$2" "$4"
  test_expect_code 2 "$1" train-trial --evaluate "$2" --features tones.feat --threads 1
  test_expect_success "... says: $3" '[ "$(cat err)" = "$want" ] && [ ! -s out ]'
}
expect "a positive class the header's classes lack" stranger.ckpt \
  "header: features.positive: 'hey_nora' is not among the header's classes" 'h["features"]["positive"] = "hey_nora"'
expect "a positive class that is not a name" number.ckpt \
  "header: features.positive: expected a class name or null, got an integer" 'h["features"]["positive"] = 1'
expect "a class named twice" twice.ckpt \
  "header: classes[2]: repeats classes[1]" 'h["classes"][2] = h["classes"][1]'

# The operating point's limit the trial was judged at (features.max_fpr), the default of
# --max-fpr: one that is not a limit in [0, 1] was taken for 0.05 without a word.
expect "a max_fpr of 5" maxfpr5.ckpt \
  "header: features.max_fpr: expected a number in [0, 1], got a number outside it" 'h["features"]["max_fpr"] = 5'
expect "a max_fpr that is a string" maxfprs.ckpt \
  "header: features.max_fpr: expected a number in [0, 1], got a string" 'h["features"]["max_fpr"] = "0.1"'
test_expect_code 0 "... --max-fpr given: the header's is not used" train-trial --evaluate maxfprs.ckpt --features tones.feat --threads 1 --max-fpr 0.1
ckpt_edit runs/best.ckpt old.ckpt 'del h["features"]["max_fpr"]'
test_expect_code 0 "a header without max_fpr (written before it was kept)" train-trial --evaluate old.ckpt --features tones.feat --threads 1
test_expect_success "... is judged at 0.05" 'jq -e ".at_fpr.max_fpr == 0.05" out'

# The header's trial (study, number, params), printed as the result's "trial": one that is not an
# object was printed as null, as if written before headers named it; null (those old ones) stays.
expect "a trial that is a string" trials.ckpt \
  "header: trial: expected an object or null, got a string" 'h["trial"] = "7"'
ckpt_edit runs/best.ckpt notrial.ckpt 'h["trial"] = None'
test_expect_code 0 "a trial of null (written before headers named it)" train-trial --evaluate notrial.ckpt --features tones.feat --threads 1
test_expect_success "... prints trial null" 'jq -e ".trial == null" out'
