#!/usr/bin/env bash
# best.ckpt holds the study's best trial's weights or is absent, "as before any trial is
# feasible" (train-trial(1)). A study given constraints once it had trials (suggest --force with
# a config that adds them) has trials without constraint values, which are not feasible there (as
# Optuna 3.1 ranks them): report --best names none. best.ckpt stayed the weights of trial 0, no
# longer a best trial, for good: a trial that found no best left it as it was. Now it is removed,
# saying why; a study that has no best yet (no trial complete) has made no best.ckpt: one there
# is another study's (study files share their folder by default), left alone.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
jq '.study = "cs" | del(.constraints) | .budget.epochs = 2' c.json >a.json
# FPR at most -1: no trial can meet it (an FPR is at least 0), so no trial is feasible
jq '.study = "cs" | .constraints = {"fpr": {"max": -1}} | .budget.epochs = 2' c.json >b.json
mkdir cs
suggest --db cs/s.db --config a.json >l0
test_expect_code 0 "trial 0, no constraints" train-trial --db cs/s.db --features tones.feat --threads 1 --quiet l0
test_expect_success "... best.ckpt is its weights" 'cmp cs/best.ckpt cs/trial-0.ckpt'
suggest --db cs/s.db --config b.json --force >l1
test_expect_code 0 "trial 1, after constraints were added that no trial meets" \
  train-trial --db cs/s.db --features tones.feat --threads 1 --quiet l1
cp err cs.err
test_expect_code 1 "... report --best names no best" report --db cs/s.db --best
test_expect_success "... best.ckpt, trial 0's, is removed, saying why; the trials' own stay" \
  '[ ! -e cs/best.ckpt ] && [ -s cs/trial-0.ckpt ] && [ -s cs/trial-1.ckpt ] &&
   grep -qxF "train-trial: removed cs/best.ckpt (an earlier trial'"'"'s weights): the study has no best trial: no complete trial is feasible" cs.err'

# --result-of --ckpt-dir (the sweep's resume) brings best.ckpt up to date the same way
mkdir ro
suggest --db ro/s.db --config a.json --tag t0 >r0.line
train-trial --db ro/s.db --features tones.feat --threads 1 --quiet r0.line >/dev/null
suggest --db ro/s.db --config b.json --force >/dev/null
tell --db ro/s.db --study cs --trial 1 --state complete --value 1 --constraint 1 >/dev/null   # another trainer's, infeasible
test_expect_code 0 "--result-of --ckpt-dir once no trial is feasible" train-trial --db ro/s.db --study cs --result-of t0 --ckpt-dir ro
test_expect_success "... removes best.ckpt, saying why" \
  '[ ! -e ro/best.ckpt ] && grep -q "removed ro/best.ckpt (an earlier trial.s weights): the study has no best trial: no complete trial is feasible" err'

# No trial complete yet (the first pruned, or failed): no best, and no best.ckpt, nothing said.
mkdir nc
jq '.study = "nc"' a.json >nc.json
suggest --db nc/s.db --config nc.json >nc.l0
test_expect_code 0 "a first trial that fails (a time limit)" train-trial --db nc/s.db --features tones.feat --threads 1 --quiet --max-seconds 0.001 nc.l0
test_expect_success "... no best.ckpt, nothing said of it" 'jq -e ".state == \"FAIL\"" out && [ ! -e nc/best.ckpt ] && ! grep -q best.ckpt err'

# Study files share their folder, and the checkpoints' by default: a new study's first trial there,
# one that would fail or one that would complete infeasible (the study has no best), leaves the
# other study's best.ckpt alone. It keeps weights, which would go over the other study's
# trial-0.ckpt (trial numbers are per study): refused before it trains (t4050), exit 2.
mkdir sh
jq '.study = "sa"' a.json >sa.json; jq '.study = "sb"' a.json >sb.json
suggest --db sh/a.db --config sa.json >sa.l0
train-trial --db sh/a.db --features tones.feat --threads 1 --quiet sa.l0 >/dev/null
cp sh/best.ckpt sa.best
suggest --db sh/b.db --config sb.json >sb.l0
test_expect_code 2 "another study's first trial failing in the same folder: refused" \
  train-trial --db sh/b.db --features tones.feat --threads 1 --quiet --max-seconds 0.001 sb.l0
test_expect_success "... leaves the first study's best.ckpt as it was" 'cmp sh/best.ckpt sa.best && cmp sh/best.ckpt sh/trial-0.ckpt'
jq '.study = "sc"' b.json >sc.json
suggest --db sh/c.db --config sc.json >sc.l0
test_expect_code 2 "another study's first trial complete but infeasible in the same folder: refused" \
  train-trial --db sh/c.db --features tones.feat --threads 1 --quiet sc.l0
test_expect_success "... leaves the first study's best.ckpt as it was" \
  'cmp sh/best.ckpt sa.best && cmp sh/best.ckpt sh/trial-0.ckpt && grep -q "^train-trial: sh/best.ckpt: a checkpoint of study .sa. " err'
