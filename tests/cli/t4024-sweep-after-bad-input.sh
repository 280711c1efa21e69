#!/usr/bin/env bash
# A sweep stopped by bad input that train-trial finds (a FEATURES that is no valid feature cache,
# DEVICE=cuda on a machine without a GPU: exit 2, after each job slot's suggest had claimed a
# trial for its target) left those trials FAIL in the study, tagged with their targets. The next
# make sweep, the input put right, took them for the targets' results (suggest --unless-done):
# it rebuilt their trial files as FAIL, trained nothing, and ended 0. A trial refused so never
# ran: it is FAIL with the reason, as before, and queued again (as one whose process died is),
# so the next sweep trains its params.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-again 1
states() { cat "$1"/trial-*.json | jq -r .state | sort | uniq -c | tr -s ' ' | tr '\n' ' '; }
# a cache cut short, newer than the corpus: make takes it for the cache, its first bytes a cache's
# (make refuses a FEATURES that does not begin as one, t4028); train-trial finds the rest
head -c 4096 tones.feat >bogus.feat

test_expect_code 2 "make sweep with a FEATURES that is no feature cache stops (train-trial: exit 2)" tone_sweep fb FEATURES="$TMP/bogus.feat"
test_expect_success "... naming the cache; no trial RUNNING" '
  grep -q "bogus.feat: truncated or damaged" err && [ ! -e fb/trial-000.json ] && [ ! -e fb/trial-001.json ] &&
  [ "$(sqlite3 fb/study.db "SELECT count(*) FROM trials WHERE state = \"RUNNING\"")" = 0 ]'
test_expect_code 0 "the next make sweep, with the cache put right, runs" tone_sweep fb FEATURES="$TMP/tones.feat"
test_expect_success "... and trains both trials" '[ "$(states fb)" = " 2 COMPLETE " ] && [ "$(jq .states.COMPLETE fb/report.json)" = 2 ] ||
  { echo "trial files: $(states fb); study: $(sqlite3 fb/study.db "SELECT number || \" \" || state FROM trials" | tr "\n" " ")"; false; } >&2'
test_expect_success "... the refused trials' params among them (queued again)" '
  [ "$(sqlite3 fb/study.db "SELECT state, count(*) FROM trials GROUP BY state" | tr "\n" " ")" = "COMPLETE|2 FAIL|2 " ] &&
  [ "$(sqlite3 fb/study.db "SELECT count(DISTINCT param_value) FROM trial_params")" = 2 ]'

# DEVICE=cuda without a GPU: the same (train-trial --device cuda exits 2 before training). With a
# LAUNCH (env here), as the trials would run elsewhere: without one make refuses it first (t4026).
train-trial --device cuda --db none.db --features none.feat /dev/null >/dev/null 2>gpu.err || true
if grep -q "no CUDA device" gpu.err; then
  test_expect_code 2 "make sweep DEVICE=cuda on a machine without a GPU stops" tone_sweep cu DEVICE=cuda LAUNCH=env
  test_expect_success "... saying no CUDA device" 'grep -q "no CUDA device" err && [ ! -e cu/trial-000.json ]'
  test_expect_code 0 "the next make sweep (DEVICE=auto) runs" tone_sweep cu
  test_expect_success "... and trains both trials" '[ "$(states cu)" = " 2 COMPLETE " ]'
else
  test_skip "make sweep DEVICE=cuda on a machine without a GPU" "this machine has a GPU"
fi
