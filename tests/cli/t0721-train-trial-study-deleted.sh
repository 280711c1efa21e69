#!/usr/bin/env bash
# train-trial: a study deleted while one of its trials trains (optuna.delete_study, or
# `suggest`'s study removed by hand: the trial's rows are gone) ended with exit 2 and
# "study.db: no trial with id 1": the store's internal trial_id, not the trial, and no word of
# what happened, so the reader looked for a bad trial line. The trial is gone as a told one is
# over: exit 2, no result line, saying which trial of which study is gone and why.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_training --max-seconds 60
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
"$PY" -c "import optuna; optuna.delete_study(study_name='tones', storage='sqlite:///runs/s.db')" 2>/dev/null
drc=0; wait $pid || drc=$?
test_expect_success "(the study is gone)" '[ "$(sqlite3 runs/s.db "SELECT count(*) FROM trials")" = 0 ]'
test_expect_success "a trial whose study was deleted mid-run: exit 2, no result line" '[ "$drc" = 2 ] && [ ! -s out ]'
test_expect_success "... says which trial is gone and why, not the store's trial_id" '
  grep -qx "train-trial: study .tones.: trial 0 is gone: deleted (with its study) by another process while this one trained it" err &&
  ! grep -q "trial with id" err'
