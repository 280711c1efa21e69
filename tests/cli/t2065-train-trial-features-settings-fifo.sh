#!/usr/bin/env bash
# The study config's fixed.features (its feature settings file) is read by train-trial, by every
# trial of the study, each time (suggest keeps only its path). A FIFO there (a named pipe left
# where the settings were, a mkfifo'd config meant for one `suggest --config`) hung train-trial
# in open() for good: no writer ever comes, the trial stayed RUNNING and the sweep's make job
# never ended. A regular file is what every trial can read: anything else is refused at once
# (exit 2, the trial FAIL with the reason), as a FIFO given as the cache or the checkpoint is.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
mkdir runs
tone_study_config c.json
jq '.fixed.features = "feat.json"' c.json >f.json
suggest --db runs/s.db --config f.json --n 2 >lines
sed -n 1p lines >line0
sed -n 2p lines >line1
mkfifo feat.json
test_expect_code 2 "fixed.features a FIFO: refused at once (a hang ends at 30 s, exit 124)" \
  timeout 30 train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line0
test_expect_success "... names the setting, the file and what was expected" '
  grep -qxF "train-trial: runs/s.db: study '"'"'tones'"'"': study config: fixed.features: feat.json: is not a regular file, expected a file of feature settings (JSON), which every trial reads" err'
test_expect_success "... the trial FAIL with that reason" '
  [ "$(sqlite3 runs/s.db "SELECT state FROM trials WHERE number = 0")" = FAIL ] &&
  sqlite3 runs/s.db "SELECT value_json FROM trial_system_attributes a JOIN trials t USING (trial_id)
    WHERE t.number = 0 AND a.key = \"wakesweep:reason\"" | grep -q "feat.json: is not a regular file"'
rm feat.json
cp "$WS_ROOT/configs/features/default.json" feat.json
test_expect_code 0 "the settings as a regular file: the next trial trains" \
  train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line1
test_expect_success "... COMPLETE" 'jq -e ".state == \"COMPLETE\"" out >/dev/null'
