#!/usr/bin/env bash
# A study keeps its direction (as in Optuna), and a config without "direction" makes one that
# minimizes, whose every trial train-trial refuses where the objective is better higher (t4058).
# Its remedy was "make the study again with "direction": "maximize" in its config": that config
# on the same study is refused by suggest ('give "direction": "minimize"', which leads back to
# the refusal, 'or another study name (--study)'), in a sweep at its first trial and naming
# --study, which the sweep sets from STUDY. Now train-trial says a study of another name, and
# make sweep refuses the edited config before anything runs, naming STUDY.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json sd 1
jq 'del(.direction)' c.json >c0.json
ntrials() { sqlite3 r/study.db "SELECT count(*) FROM trials"; }

suggest --db s.db --config c0.json >line
test_expect_code 2 "train-trial: a study made without a direction, objective f1" \
  train-trial --db s.db --features tones.feat --threads 1 --quiet line
test_expect_success "... says to make a study of another name with direction maximize" \
  'grep -qF "make a study of another name with \"direction\": \"maximize\" in its config (a study keeps its direction)" err'
test_expect_code 2 "a sweep of that config stops at its first trial" tone_sweep r CONFIG="$TMP/c0.json" TRIALS=1
n=$(ntrials)
test_expect_code 2 "the config given \"direction\": \"maximize\", the same study: refused" tone_sweep r TRIALS=1
test_expect_success "... before any trial, naming the kept direction and STUDY" \
  '[ "$(ntrials)" = "$n" ] && grep -qF "study '"'"'sd'"'"' in DB '"'"'$TMP/r/study.db'"'"' keeps direction minimize" err &&
   grep -q "another STUDY" err'
test_expect_success "... not suggest's --study, which the sweep sets from STUDY" '! grep -q -- "--study" err'
test_expect_code 0 "... another STUDY, in a RUNS of its own, goes" tone_sweep r2 STUDY=sd2 TRIALS=1
