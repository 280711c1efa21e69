#!/usr/bin/env bash
# report's PED-ANOVA on a float parameter whose range spans nearly all doubles (Optuna takes
# FloatDistribution(-1.7e308, 1.7e308)): its values were put on the unit interval as
# (x - low) / (high - low), whose span overflows to inf, so every value read 0, and the parameter
# got an importance out of nothing but the top set's size (15% here, of a parameter the value
# does not depend on). The HTML's scales work on halves for this reason; now the importance does
# too, so it is the importance of the same study with the range and the values scaled down by
# 1e300 (the unit interval is the same), as Optuna's evaluators are unchanged by such a scaling.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "importance of a parameter with a huge range" optuna
"$PY" -W ignore - <<'PYEOF'
import optuna, random
from optuna.distributions import FloatDistribution
from optuna.trial import create_trial
optuna.logging.set_verbosity(optuna.logging.ERROR)
for name, scale in [("huge", 1.0), ("small", 1e-300)]:
    s = optuna.create_study(study_name=name, storage="sqlite:///%s.db" % name)
    r = random.Random(1)
    d = {"x": FloatDistribution(-1.7e308 * scale, 1.7e308 * scale), "y": FloatDistribution(0, 1)}
    for k in range(20):
        x, y = r.uniform(-1, 1) * 1.7e308, r.random()
        s.add_trial(create_trial(params={"x": x * scale, "y": y}, distributions=d, value=y))
PYEOF
test_expect_code 0 "json of a study whose parameter spans nearly all doubles" report --db huge.db --format json
test_expect_success "... measures its values, spread over the range" 'cp out huge.json && jq -e ".importance.params.x < 0.1" huge.json'
test_expect_code 0 "json of the same study scaled down by 1e300" report --db small.db --format json
test_expect_success "... has the same importances" '
  jq -e --slurpfile h huge.json ".importance.params as \$s | \$h[0].importance.params | to_entries |
    all(((.value - \$s[.key]) | fabs) < 1e-9)" out'
