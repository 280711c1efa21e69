#!/usr/bin/env bash
# report --format html: a parallel-coordinates axis of a parameter searched on a few steps
# (channels 32..64 step 16, dropout 0..0.3 step 0.1, a mask width 5..15 step 5, the demo's and
# the staged sweep's spaces) was ticked as a continuous one: channels read 35, 40, ... 60, none
# of them a value a trial can have, and the three it can, 32, 48 and 64, unlabelled. Such an
# axis is ticked at the values its distribution allows, as Optuna lists them (low, low + step,
# ... high), and each trial's line crosses it at the tick of its value.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "ticks of stepped axes" optuna
"$PY" -W ignore - <<'PYEOF' >grid.json
import json, random, optuna
from optuna.distributions import FloatDistribution, IntDistribution
from optuna.trial import create_trial
optuna.logging.set_verbosity(optuna.logging.ERROR)
random.seed(3)
d = {"channels": IntDistribution(32, 64, step=16), "dropout": FloatDistribution(0.0, 0.3, step=0.1),
     "time_mask_width": IntDistribution(5, 15, step=5), "lr": FloatDistribution(1e-3, 1e-2, log=True)}
def grid(x):   # the values the distribution allows, as Optuna's grid of a stepped distribution
    n = int(round((x.high - x.low) / x.step))
    return [round(x.low + k * x.step, 12) for k in range(n + 1)]
s = optuna.create_study(study_name="steps", storage="sqlite:///steps.db", direction="maximize")
ts = []
for i in range(8):
    p = {n: random.choice(grid(x)) for n, x in d.items() if n != "lr"}
    p["lr"] = 10 ** random.uniform(-3, -2)
    ts.append(create_trial(params=p, distributions=d, value=0.5 + 0.05 * i))
s.add_trials(ts)
print(json.dumps({"grid": {n: grid(x) for n, x in d.items() if n != "lr"},
                  "params": [t.params for t in s.trials]}))
PYEOF
test_expect_code 0 "html of a study with stepped parameters" report --db steps.db --format html
cp out r.html
# the parallel coordinates' axes: an axis name (class label) at the axis's x; its tick labels end
# 7 px left of it (the objective's start 7 px right); each line crosses the axes in their order
"$PY" - <<'PYEOF' >got 2>got.err
import json, re, html
page = open("r.html").read()
svg = re.search(r'<svg id="parallel".*?</svg>', page, re.S).group(0)
want = json.load(open("grid.json"))
names = {html.unescape(re.sub(r"<title>.*?</title>", "", m.group(2))): float(m.group(1))
         for m in re.finditer(r'<text x="([-\d.]+)" y="[-\d.]+" text-anchor="middle" class="label">(.*?)</text>', svg)}
ticks = [(float(x), float(y), t) for x, y, t in
         re.findall(r'<text x="([-\d.]+)" y="([-\d.]+)" text-anchor="end" class="small halo">([^<]*)</text>', svg)]
lines = [[tuple(map(float, p.split(","))) for p in m.split()]
         for m in re.findall(r'<polyline[^>]*points="([^"]*)"', svg)]
order = [n for n, _ in sorted(names.items(), key=lambda kv: kv[1])]
bad = []
for name, values in want["grid"].items():
    ax = names[name]
    mine = {float(t): y - 4 for x, y, t in ticks if abs(x - (ax - 7)) < 0.05}
    got = sorted(mine)
    if len(got) != len(values) or any(abs(a - b) > 1e-9 for a, b in zip(got, values)):
        bad.append(f"{name}: ticks {got}, its values {values}")
        continue
    k = order.index(name)
    # every line's point on this axis lies at the tick of one of the values
    for line in lines:
        y = line[k][1]
        if not any(abs(y - ty) < 0.6 for ty in mine.values()):
            bad.append(f"{name}: a line crosses at y {y}, at no tick ({mine})")
print("\n".join(bad) if bad else "ok")
PYEOF
test_expect_success "a stepped axis is ticked at its values, 32 48 64 / 0 .1 .2 .3 / 5 10 15" '
  [ "$(cat got)" = ok ] || { cat got got.err >&2; exit 1; }'
