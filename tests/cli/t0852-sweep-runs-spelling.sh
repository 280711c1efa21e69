#!/usr/bin/env bash
# A sweep tags each trial with its target (suggest --tag), and a trial file removed is rebuilt
# from the study's trial with its tag (suggest --unless-done, train-trial --result-of), training
# nothing again. The tag was the target's path as spelled: RUNS=$P/rs/, $P/./rs, or rs relative to
# the checkout instead of $P/rs named another tag, and the removed trial-001.json was trained as
# a new trial, the study holding 3 trials for TRIALS=2. The tag is now the target's canonical
# path (realpath -m; relative to make's folder when under it, as the default RUNS's tags were
# spelled), so each spelling rebuilds the file; a tag kept by a study before, spelled otherwise,
# is still found when RUNS is spelled as it was.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-spell 1
n_trials() { sqlite3 rs/study.db "SELECT count(*) FROM trials"; }
test_expect_code 0 "make sweep of 2 trials, RUNS=\$P/rs" tone_sweep rs
test_expect_success "... 2 trials in the study" '[ "$(n_trials)" = 2 ] && [ -s rs/trial-001.json ]'
cp rs/trial-001.json want.json
rel=$(realpath -m --relative-to="$WS_ROOT" "$TMP/rs")
for spelling in "$TMP/rs/" "$TMP/./rs" "$TMP//rs" "$rel"; do
  rm rs/trial-001.json
  test_expect_code 0 "trial-001.json removed, make sweep again with RUNS='$spelling'" \
    ws_make -j2 sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=2 \
      RUNS="$spelling" MONITOR_INTERVAL=0.2
  test_expect_success "... the file rebuilt from its trial in the study, no trial trained ('$spelling')" '
    [ "$(n_trials)" = 2 ] && [ "$(jq -c "{trial, state, value, params}" rs/trial-001.json)" = "$(jq -c "{trial, state, value, params}" want.json)" ]'
done
# A study whose trial carries the tag as an older sweep spelled it (before tags were canonical).
# The trial of trial-001.json is the one its tag names, not number 1: under -j2 either target may
# have asked suggest first (number 1 was tagged half the time, and the file then named trial 0).
sqlite3 rs/study.db "UPDATE trial_system_attributes SET value_json = '\"$TMP/./rs//trial-001.json\"'
  WHERE key = 'wakesweep:tag' AND value_json LIKE '%/trial-001.json\"'"
test_expect_success "... (one trial's tag respelled)" '[ "$(sqlite3 rs/study.db "SELECT count(*) FROM trial_system_attributes WHERE value_json LIKE '"'%/./rs//trial-001.json%'"'")" = 1 ]'
rm rs/trial-001.json
test_expect_code 0 "a literal tag kept by a study: make sweep with RUNS spelled as it was" \
  ws_make -j2 sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=2 \
    RUNS="$TMP/./rs/" MONITOR_INTERVAL=0.2
test_expect_success "... the file rebuilt from its trial in the study, no trial trained" '
  [ "$(n_trials)" = 2 ] && [ "$(jq -c "{trial, state, value, params}" rs/trial-001.json)" = "$(jq -c "{trial, state, value, params}" want.json)" ]'
