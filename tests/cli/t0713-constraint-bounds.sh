#!/usr/bin/env bash
# A study config whose constraint has min above max ({"fpr": {"min": 0.5, "max": 0.1}}) was
# taken: no metric value meets both, so train-trial recorded every trial infeasible and a sweep
# ran to find nothing. It is refused (exit 2, naming the constraint); min equal to max is a
# constraint still.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
jq '.constraints = {"fpr": {"min": 0.5, "max": 0.1}}' c.json >bad.json
test_expect_code 2 "a constraint with min above max" suggest --db bad.db --config bad.json
test_expect_success "... names it" 'grep -qxF "suggest: bad.json: constraints.fpr: min 0.5 is above max 0.1: no value is feasible (expected min <= max)" err && [ ! -s out ]'
jq '.constraints = {"fpr": {"min": 0, "max": 0}} | .budget.epochs = 1' c.json >eq.json
suggest --db eq.db --config eq.json >line
test_expect_code 0 "min equal to max: trains" train-trial --db eq.db --features tones.feat --threads 1 --quiet line
test_expect_success "... its constraints recorded, as Optuna's (fpr - 0 and 0 - fpr)" '
  report --db eq.db --format jsonl | jq -e --argjson f "$(jq .metrics.fpr out)" ".constraints == [\$f, -\$f]"'
