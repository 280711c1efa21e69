#!/usr/bin/env bash
# An integer setting of train-trial's (channels, hidden, time_shift, ...) searched with a float
# distribution whose ends are whole numbers (channels float [1, 8]): suggest tried the ends alone,
# 1.0 and 8.0, which train-trial takes as integers, and took the space; every trial then drew a
# fraction between them (channels 3.68), which train-trial refuses as bad input (exit 2, "expected
# an integer, got a fraction"), so the sweep stopped at its first trial, queued again and refused
# again. suggest now tries a fraction the distribution draws between its ends as well (exit 2,
# naming it; no study made). A float whose every draw is whole (step 1 from a whole low end) is
# taken, as are an int distribution and a float range of a float setting.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
mkdir runs
space() { jq ".budget.epochs = 1 | del(.fixed.channels) | .space = {\"$1\": $2}" c.json; }

refused() {  # NAME KEY DIST VALUE: suggest refuses, naming VALUE; no study made, no line printed
  space "$2" "$3" >"$2.json"
  test_expect_code 2 "$1" suggest --db "runs/$2.db" --config "$2.json"
  test_expect_success "... names $4 between its ends, makes no study" "
    grep -qxF 'suggest: $2.json: space.$2: its value $4 between its ends: params.$2: expected an integer, got a fraction (train-trial would refuse every trial that draws it)' err &&
    [ ! -s out ] && { [ ! -e runs/$2.db ] || [ \"\$(sqlite3 runs/$2.db 'SELECT count(*) FROM trials')\" = 0 ]; }"
}
refused "channels float [1, 8]" channels '{"type": "float", "low": 1, "high": 8}' 1.5
refused "time_shift float [0, 5]" time_shift '{"type": "float", "low": 0, "high": 5}' 0.5
refused "hidden float [0, 8] step 0.5" hidden '{"type": "float", "low": 0, "high": 8, "step": 0.5}' 0.5
refused "accumulate float log [1, 4]" accumulate '{"type": "float", "low": 1, "high": 4, "log": true}' 1.5

# taken: every draw whole, an int distribution, a float setting
space channels '{"type": "float", "low": 2, "high": 8, "step": 1}' >step1.json
test_expect_code 0 "channels float [2, 8] step 1: every draw whole, taken" suggest --db runs/step1.db --config step1.json
test_expect_success "... a whole channels in the line" 'jq -e ".params.channels | . == floor and . >= 2" out'
cp out step1.line
test_expect_code 0 "... and train-trial trains it" train-trial --db runs/step1.db --features tones.feat --threads 1 --quiet step1.line
space channels '{"type": "int", "low": 1, "high": 8}' >int.json
test_expect_code 0 "channels int [1, 8]: taken" suggest --db runs/int.db --config int.json
space dropout '{"type": "float", "low": 0, "high": 0.5}' >drop.json
test_expect_code 0 "dropout float [0, 0.5], a float setting: taken" suggest --db runs/drop.db --config drop.json
space channels '{"type": "float", "low": 3, "high": 3}' >single.json
test_expect_code 0 "channels float [3, 3], no value between its ends: taken" suggest --db runs/single.db --config single.json
