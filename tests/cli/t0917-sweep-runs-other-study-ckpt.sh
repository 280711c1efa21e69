#!/usr/bin/env bash
# A sweep whose RUNS holds another study's checkpoints (the tour's runs/tour, trained with
# train-trial alone, has a best.ckpt and no trial files, so RUNS's check of the trial files lets
# it by): train-trial refuses the trial, as it should (t4050), but its remedy, "give this study a
# folder of its own with --ckpt-dir", is one a sweep's user cannot apply: the sweep passes RUNS as
# --ckpt-dir. The sweep's message names RUNS instead.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config a.json sa 1
tone_sweep_config c.json sc 1
mkdir r
suggest --db r/study.db --config a.json >la
train-trial --db r/study.db --features tones.feat --threads 1 --quiet la >/dev/null
cp r/best.ckpt a-best.ckpt

test_expect_code 2 "a sweep of another study into a RUNS with study sa's best.ckpt: stops" tone_sweep r TRIALS=1
test_expect_success "... naming the file and both studies" \
  'grep -qF "$TMP/r/best.ckpt: a checkpoint of study '"'"'sa'"'"' (its header'"'"'s trial.study), not of study '"'"'sc'"'"'" err'
test_expect_success "... with a remedy the sweep's user can apply: another RUNS" \
  'grep -q "give this sweep a folder of its own: another RUNS" err'
test_expect_success "... not train-trial's --ckpt-dir, which the sweep sets from RUNS" '! grep -q "with --ckpt-dir" err'
test_expect_success "... study sa's best.ckpt as it was, no trial file" 'cmp r/best.ckpt a-best.ckpt && [ ! -e r/trial-000.json ]'
test_expect_code 0 "the same sweep with a RUNS of its own goes" tone_sweep r2 TRIALS=1 DB="$TMP/r/study.db"
