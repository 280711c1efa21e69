#!/usr/bin/env bash
# make sweep with a CONFIG other than the one its study keeps (the config edited between two
# sweeps of one study, in the same DB): suggest refused it only in each job slot's first trial,
# after the features were made, with a message that named no variable and told to "use --force",
# an option make sweep has no word for. Now refused when make reads the makefiles (exit 2),
# naming CONFIG, the study, DB and suggest's difference, and what to give instead.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-kept 1
sweep() {  # RUNS FEATURES [make args...]
  local runs=$1 features=$2; shift 2
  ws_make -j2 sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/$features" CONFIG="$TMP/c.json" TRIALS=1 \
    RUNS="$TMP/$runs" MONITOR_INTERVAL=0.2 "$@"
}
test_expect_code 0 "a sweep of one trial" sweep r tones.feat
jq '.space.learning_rate.high = 0.25' c.json >edited.json
jq -S . c.json >sorted.json

# (FEATURES a cache not there: made, it would show that make went on to work)
test_expect_code 2 "make sweep again with an edited CONFIG is refused" sweep r new.feat CONFIG="$TMP/edited.json" TRIALS=2
test_expect_success "... naming CONFIG, the study, DB, the difference and what to give, before anything ran" '
  grep -qF "CONFIG: '\''$TMP/edited.json'\'': study '\''tones-kept'\'' in DB '\''$TMP/r/study.db'\'' keeps another config: space.learning_rate.high is 0.25 in $TMP/edited.json, 0.02 in the config the study keeps; give the config the study was made with, another STUDY (a study of its own), or SUGGEST_ARGS=--force to replace the kept one" err &&
  [ ! -e new.feat ] && [ ! -e r/trial-001.json ]'
test_expect_code 0 "the same config, its keys in another order, goes (make -n)" ws_make -n sweep DATA="$TMP/tones/manifest.jsonl" \
  FEATURES="$TMP/tones.feat" CONFIG="$TMP/sorted.json" TRIALS=2 RUNS="$TMP/r"
test_expect_code 0 "the edited CONFIG as another STUDY in the same DB goes (make -n)" ws_make -n sweep DATA="$TMP/tones/manifest.jsonl" \
  FEATURES="$TMP/tones.feat" CONFIG="$TMP/edited.json" STUDY=tones-kept-2 TRIALS=1 RUNS="$TMP/r2" DB="$TMP/r/study.db"
test_expect_code 0 "with SUGGEST_ARGS=--force the sweep runs" sweep r tones.feat CONFIG="$TMP/edited.json" TRIALS=2 SUGGEST_ARGS=--force
test_expect_success "... its second trial, the study keeping the edited config" '
  [ "$(jq -r .state r/trial-001.json)" = COMPLETE ] &&
  [ "$(sqlite3 r/study.db "SELECT value_json FROM study_system_attributes WHERE key = \"wakesweep:config\"" | jq .space.learning_rate.high)" = 0.25 ]'
test_expect_code 0 "... and then without it" sweep r tones.feat CONFIG="$TMP/edited.json" TRIALS=2

# make staged: a STAGE2 edited after a first make staged was found only after stage 1 ran
jq '.study = "kept-1"' c.json >s1.json
jq '.study = "kept-2"' c.json >s2.json
staged() {  # [make args...]
  ws_make -j2 staged DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" STAGE1="$TMP/s1.json" STAGE2="$TMP/s2.json" \
    STAGED_RUNS="$TMP/st" MONITOR_INTERVAL=0.2 "$@"
}
test_expect_code 0 "make staged of one trial per stage" staged STAGE_TRIALS=1
jq '.space.learning_rate.high = 0.25' s2.json >s2e.json
test_expect_code 2 "make staged STAGE_TRIALS=2 with an edited STAGE2 is refused" staged STAGE_TRIALS=2 STAGE2="$TMP/s2e.json"
test_expect_success "... naming STAGE2, before stage 1 ran again" '
  grep -qF "STAGE2: '\''$TMP/s2e.json'\'': study '\''kept-2'\'' in DB '\''$TMP/st/study.db'\'' keeps another config: space.learning_rate.high is 0.25 in" err &&
  [ ! -e st/stage-1/trial-001.json ]'
