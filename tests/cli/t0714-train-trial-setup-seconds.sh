#!/usr/bin/env bash
# train-trial: a trial that fails before training begins (a model that does not fit its input,
# out of memory while setting up) spent its time in setup; its result line and the study's
# "seconds" said setup 0 beside a total of seconds, and report's timeline had nothing to draw.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
jq '.fixed += {"model": "cnn", "pool": [200, 200]} | .budget.epochs = 1' c.json >pool.json
mkdir runs
suggest --db runs/s.db --config pool.json >line
test_expect_code 0 "a cnn whose pool does not fit its input" train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line
test_expect_success "... FAIL in setting up, no time trained" 'jq -e ".state == \"FAIL\" and (.reason | test(\"pool\")) and .seconds.train == 0" out'
test_expect_success "... its setup time is the time it took (above 0, within the total)" '
  jq -e ".seconds.setup > 0 and .seconds.setup <= .seconds.total" out'
test_expect_success "... as the study records it" '
  sqlite3 runs/s.db "SELECT value_json FROM trial_user_attributes WHERE key = \"seconds\"" | jq -e --slurpfile o out ".setup == \$o[0].seconds.setup"'
