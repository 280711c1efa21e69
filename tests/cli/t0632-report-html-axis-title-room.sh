#!/usr/bin/env bash
# report --format html of a study whose values are 1e6 and up (an objective such as a model's
# parameter count): the y tick labels read 1.2e+06, wider than the room the history's axis
# title had beside them, and the rotated title "value" was drawn over them. Checked as laid out
# in headless Chromium (skipped without it): no axis title overlaps another text of its plot,
# and no console errors.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "axis titles beside wide tick labels" optuna
"$PY" -W ignore - <<'PYEOF'
import optuna
from optuna.distributions import FloatDistribution
from optuna.trial import create_trial
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="big", storage="sqlite:///big.db")
for i in range(8):
    s.add_trial(create_trial(params={"x": i / 10}, distributions={"x": FloatDistribution(0, 1)}, value=1234567.0 + 98765 * i))
PYEOF
test_expect_code 0 "html of values past 1e6" report --db big.db --format html
cp out r.html
# a probe: each plot's label texts (axis titles) against every other text of that plot
probe=$(label_overlap_probe "svg.plot")
if ! chromium_probe r.html "$probe" 1280 probe; then
  test_skip "chromium lays out the axis titles" "no chromium (Debian package chromium)"; exit 0
fi
test_expect_success "chromium: no axis title over a tick label, no console errors" '
  [ "$(cat probe.got)" = "overlaps:" ] || { cat probe.got >&2; exit 1; }
  ! grep -E ":CONSOLE|Uncaught|Refused to" probe.err'
