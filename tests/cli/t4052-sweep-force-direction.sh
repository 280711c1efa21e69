#!/usr/bin/env bash
# make sweep checks, before anything runs, that the study in DB keeps CONFIG's direction (a study
# keeps its direction, as in Optuna; suggest refuses another even with --force). That check sat
# in the kept-config check, skipped whole when SUGGEST_ARGS held --force (which replaces the kept
# config, not its direction): SUGGEST_ARGS=--force let the sweep start, and it stopped at its
# first trial with suggest's message, naming --study. Now the direction is checked whatever
# SUGGEST_ARGS holds; --force still skips the comparison of the rest of the config.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json sd 1
jq 'del(.direction)' c.json >c0.json   # a study made from it minimizes
mkdir r
suggest --db r/study.db --config c0.json --n 0 >/dev/null
ntrials() { sqlite3 r/study.db "SELECT count(*) FROM trials"; }
# refused_direction: err says the study keeps direction minimize and names STUDY, not --study
refused_direction() {
  grep -qF "CONFIG: '$TMP/c.json': study 'sd' in DB '$TMP/r/study.db' keeps direction minimize, not the config's maximize" err &&
    grep -q "give another STUDY" err && ! grep -q -- "--study" err
}
test_expect_success "setup: study 'sd' in r/study.db minimizes, no trials" '
  [ "$(sqlite3 r/study.db "SELECT direction FROM study_directions")" = MINIMIZE ] && [ "$(ntrials)" = 0 ]'

test_expect_code 2 "make -n sweep, CONFIG maximizes: refused (the reference, without --force)" tone_sweep r -n TRIALS=1
test_expect_success "... naming the kept direction and STUDY" refused_direction
for args in --force "--force --seed 3" "--seed 3 --force"; do
  test_expect_code 2 "make -n sweep SUGGEST_ARGS='$args': refused all the same" tone_sweep r -n TRIALS=1 SUGGEST_ARGS="$args"
  test_expect_success "... naming the kept direction and STUDY" refused_direction
done
jq '.space.learning_rate.high = 0.03' c.json >both.json
test_expect_code 2 "make -n sweep SUGGEST_ARGS=--force, CONFIG of another direction and space: refused" \
  tone_sweep r -n TRIALS=1 CONFIG="$TMP/both.json" SUGGEST_ARGS=--force
test_expect_success "... naming the kept direction" 'grep -qF "keeps direction minimize, not the config'"'"'s maximize" err'
test_expect_code 2 "make sweep SUGGEST_ARGS=--force: refused" tone_sweep r TRIALS=1 SUGGEST_ARGS=--force
test_expect_success "... before any trial, naming the kept direction and STUDY" '[ "$(ntrials)" = 0 ] && refused_direction'

# --force still replaces another kept config of the same direction: the comparison that names
# SUGGEST_ARGS=--force is skipped with it.
jq '.study = "sm" | .space.learning_rate.high = 0.03' c.json >edited.json
jq '.study = "sm"' c.json >kept.json
mkdir m
suggest --db m/study.db --config kept.json --n 0 >/dev/null
test_expect_code 2 "another kept config, same direction: make -n sweep refuses it" \
  tone_sweep m -n TRIALS=1 CONFIG="$TMP/edited.json"
test_expect_success "... naming SUGGEST_ARGS=--force" 'grep -q "keeps another config: .*SUGGEST_ARGS=--force to replace the kept one" err'
test_expect_code 0 "... with SUGGEST_ARGS=--force it goes" tone_sweep m -n TRIALS=1 CONFIG="$TMP/edited.json" SUGGEST_ARGS=--force
