#!/usr/bin/env bash
# report's time line when a trial's "seconds" parts (setup + train + eval) exceed its wall time
# (another user's attribute of that name, clocks of different hosts): the parts are scaled down to
# the wall time and "other" is what is left, nothing. The scaling's rounding left -9e-16 s, printed
# as "other -0.0%". Optuna (Debian's python3-optuna) writes the study: a 7 s trial whose parts
# add up to 12.5 s.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "report time parts" optuna
"$PY" -W ignore - <<'P'
import datetime as D, optuna
from optuna.trial import FrozenTrial, TrialState
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="kws", storage="sqlite:///s.db", direction="maximize")
a = D.datetime(2026, 6, 1, 12, 0, 0)
s.add_trial(FrozenTrial(number=0, state=TrialState.COMPLETE, value=1.0, datetime_start=a,
                        datetime_complete=a + D.timedelta(seconds=7), params={}, distributions={},
                        user_attrs={"seconds": {"total": 1.0, "setup": 5.5, "train": 0.8, "eval": 6.2}},
                        system_attrs={}, intermediate_values={}, trial_id=0))
P
test_expect_code 0 report-text report --db s.db
test_expect_success "the parts fill the wall time; other is 0.0%, not -0.0%" '
  grep -q "^time: 1 slot over 7.00 s wall .* other 0.0%, unmeasured 0.0%, idle 0.0%" out && ! grep -q -- "-0.0%" out'
test_expect_code 0 report-json report --db s.db --format json
test_expect_success "... and the JSON's other_s is 0, not below" 'jq -e "[.. | objects | .other_s? // empty] | length > 0 and all(. >= 0)" out >/dev/null'
