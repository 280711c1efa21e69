#!/usr/bin/env bash
# train-trial --probe-batch checks the cache's feature settings against the study's, as training
# does: a cache of other settings (64 mels wanted, 40 in the cache) printed the largest batch of
# a model of the cache's input shape, exit 0, for a trial that training then refuses (exit 2).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trial
test_expect_code 0 "--probe-batch on the study's own cache" train-trial --probe-batch --device cpu --db runs/s.db --features tones.feat line
test_expect_success "... prints the batch" 'jq -e "(.batch | type) == \"number\" and .batch > 0" out'
jq '.n_mels = 64' "$WS_ROOT/configs/features/default.json" >f64.json
jq --arg f "$PWD/f64.json" '.study = "m64" | .fixed.features = $f' c.json >c64.json
suggest --db runs/s.db --config c64.json >line64
test_expect_code 2 "--probe-batch on a cache with other feature settings than the study's" \
  train-trial --probe-batch --device cpu --db runs/s.db --features tones.feat line64
test_expect_success "... names the difference, prints nothing" 'grep -q "tones.feat: feature settings differ: n_mels: 40 in the cache, 64 wanted" err && [ ! -s out ]'
test_expect_success "... and leaves the trial RUNNING (a probe changes no state)" '
  [ "$(sqlite3 runs/s.db "SELECT t.state FROM trials t JOIN studies USING (study_id) WHERE study_name = \"m64\"")" = RUNNING ]'
jq --arg f "$PWD/nofile.json" '.study = "nof" | .fixed.features = $f' c.json >cnof.json
suggest --db runs/s.db --config cnof.json >linenof
test_expect_code 2 "--probe-batch with a study whose fixed.features cannot be read" \
  train-trial --probe-batch --device cpu --db runs/s.db --features tones.feat linenof
test_expect_success "... names the setting" 'grep -q "^train-trial: runs/s.db: study .nof.: study config: fixed.features: .*nofile.json" err'
