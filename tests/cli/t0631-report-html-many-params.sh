#!/usr/bin/env bash
# report --format html of a study with 40 parameters: the parallel coordinates' axes are 23 px
# apart, so each name is cut to its room and every axis read "p…", no way to tell one from
# another (the lines' tooltips name the values, not the axes). A name cut so carries the whole
# name as its tooltip (<title>).
. "$WS_ROOT/tests/cli/lib.sh"
need_python "html of 40 parameters" optuna
"$PY" -W ignore - <<'PYEOF' >want
import random, optuna
from optuna.distributions import FloatDistribution
from optuna.trial import create_trial
optuna.logging.set_verbosity(optuna.logging.ERROR)
random.seed(0)
s = optuna.create_study(study_name="p40", storage="sqlite:///p40.db")
d = {f"param_number_{k}": FloatDistribution(0, 1) for k in range(40)}
trials = [{n: random.random() for n in d} for _ in range(6)]
s.add_trials([create_trial(params=p, distributions=d, value=sum(p.values())) for p in trials])
print("\n".join(s.best_params))
PYEOF
test_expect_code 0 "html of a study with 40 parameters" report --db p40.db --format html
test_expect_success "... names every axis of the parallel coordinates, in full" '
  awk "/<svg id=\"parallel\"/ {on = 1} on {print} on && /<\\/svg>/ {exit}" out >par.svg &&
  grep -o "class=\"label\">\(<title>[^<]*</title>\)\?[^<]*<" par.svg |
    sed "s/class=\"label\">//; s/^<title>\([^<]*\)<\/title>.*/\1/; s/<$//" | grep -v "^value$" | sort >got && sort want >want.s &&
  [ "$(wc -l <want)" = 40 ] && cmp want.s got'

# the staged sweep's stage 2 (configs/studies/kws-staged-2.json): 8 parameters and the value, 9
# axes 116 px apart, and time_mask_width and freq_mask_width (about 100 px at 12 px bold) were
# cut to "time_mask_wid…" and "freq_mask_wid…" though there was room for them on a second row.
# Names that do not fit side by side take two rows, alternately; every one of these shows in full,
# and (laid out in headless Chromium, skipped without it) no name overlaps another text.
"$PY" -W ignore - <<'PYEOF' >want2
import json, random, optuna
from optuna.distributions import FloatDistribution, IntDistribution
from optuna.trial import create_trial
optuna.logging.set_verbosity(optuna.logging.ERROR)
random.seed(1)
space = json.load(open(__import__("os").environ["WS_ROOT"] + "/configs/studies/kws-staged-2.json"))["space"]
d = {n: IntDistribution(x["low"], x["high"], step=x.get("step", 1)) if x["type"] == "int"
     else FloatDistribution(x["low"], x["high"], step=x["step"]) for n, x in space.items()}
s = optuna.create_study(study_name="stage2", storage="sqlite:///stage2.db", direction="maximize")
for i in range(6):
    p = {n: x.low + x.step * random.randint(0, int(round((x.high - x.low) / x.step))) for n, x in d.items()}
    p = {n: (int(v) if isinstance(d[n], IntDistribution) else round(v, 9)) for n, v in p.items()}
    s.add_trial(create_trial(params=p, distributions=d, value=0.6 + 0.02 * i))
print("\n".join(d))
PYEOF
test_expect_code 0 "html of the staged sweep's stage 2 (8 parameters)" report --db stage2.db --format html
cp out stage2.html
test_expect_success "... shows every axis name in full" '
  awk "/<svg id=\"parallel\"/ {on = 1} on {print} on && /<\\/svg>/ {exit}" stage2.html >par2.svg &&
  ! grep -q "class=\"label\"><title>" par2.svg &&
  grep -o "class=\"label\">[^<]*<" par2.svg | sed "s/class=\"label\">//; s/<$//" | grep -vx value | sort >got2 &&
  sort want2 >want2.s && [ "$(wc -l <want2.s)" = 8 ] && cmp want2.s got2'
# a probe: each label text (axis name) of the parallel coordinates against every other text there
probe=$(label_overlap_probe "svg#parallel")
if ! chromium_probe stage2.html "$probe" 1400 probe; then
  test_skip "chromium lays out the axis names" "no chromium (Debian package chromium)"; exit 0
fi
test_expect_success "chromium: no axis name over another text, no console errors" '
  [ "$(cat probe.got)" = "overlaps:" ] || { cat probe.got >&2; exit 1; }
  ! grep -E ":CONSOLE|Uncaught|Refused to" probe.err'
