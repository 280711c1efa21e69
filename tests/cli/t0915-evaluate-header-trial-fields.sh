#!/usr/bin/env bash
# train-trial --evaluate prints the trial a checkpoint's header names ({study, number, params},
# as every checkpoint that names one writes it; null for one from before headers named it), and
# refused a "trial" that is not an object (t0720's neighbour in evaluate.c). An object that does
# not name a trial (a study that is no name, a number that is no trial number, no params: a
# header edited, its checksums made again) was printed as it was, with exit 0, as if it named one.
# Now exit 2, naming the file and the field.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trained
ckpt_edit runs/best.ckpt same.ckpt 'h["trial"] = dict(h["trial"])'
test_expect_code 0 "setup: the checkpoint, rewritten unchanged, still evaluates" train-trial --evaluate same.ckpt --features tones.feat --threads 1
test_expect_success "... naming its trial" 'jq -e --slurpfile l line ".trial == {study: \"tones\", number: 0, params: \$l[0].params}" out'
ckpt_edit runs/best.ckpt null.ckpt 'h["trial"] = None'
test_expect_code 0 "a header of before headers named the trial (null)" train-trial --evaluate null.ckpt --features tones.feat --threads 1
test_expect_success "... prints trial null" 'jq -e ".trial == null" out'

ckpt_refused study-int 'h["trial"]["study"] = 5' 'trial.study: expected a study name (a string), got an integer'
ckpt_refused study-none 'del h["trial"]["study"]' 'trial.study: expected a study name (a string), got nothing (the key is missing)'
ckpt_refused number-str 'h["trial"]["number"] = "x"' 'trial.number: expected a trial number (an integer, 0 or more), got a string'
ckpt_refused number-neg 'h["trial"]["number"] = -1' 'trial.number: expected a trial number (an integer, 0 or more), got -1'
ckpt_refused number-none 'del h["trial"]["number"]' 'trial.number: expected a trial number (an integer, 0 or more), got nothing (the key is missing)'
ckpt_refused params-list 'h["trial"]["params"] = [1]' 'trial.params: expected an object, got an array'
ckpt_refused params-none 'del h["trial"]["params"]' 'trial.params: expected an object, got nothing (the key is missing)'
ckpt_refused empty 'h["trial"] = {}' 'trial.study: expected a study name (a string), got nothing (the key is missing)'
