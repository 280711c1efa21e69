#!/usr/bin/env bash
# report --format html: the learning curves' x axis of a study that validates 8 times an epoch
# in its first epoch (configs/studies/kws-fast.json: budget.validations_per_epoch 8, fine_steps
# 1 and 4, then once an epoch: steps 1, 4, 8, 16, 24, 32) was ticked 5, 10, ... 30, steps that
# are no epoch's end, and the axis began at the first step, so the curves' first points and the
# crosses of trials pruned there (most of a successive-halving study's) lay on the y axis line.
# The ticks are the ends of epochs (8, 16, 24, 32: the steps every trial validates at) and the
# first step lies inside the plot, clear of the axis.
. "$WS_ROOT/tests/cli/lib.sh"
jq '.pruner = {"name": "nop"} | .budget = {"epochs": 4, "validations_per_epoch": 8, "fine_epochs": 1, "fine_steps": [1, 4]}' \
  "$WS_ROOT/tests/cli/study.json" >c.json
suggest --db s.db --config c.json --n 4 >/dev/null
# trials 0 and 1 run the 4 epochs, 2 is pruned at step 1 and 3 at step 4
for n in 0 1 2 3; do
  for step in 1 4 8 16 24 32; do
    prune-check --db s.db --study kws --trial $n --step $step --value "0.$((n + 2))$step" >/dev/null
    case $n$step in 21|34) break ;; esac
  done
  case $n in
    0|1) tell --db s.db --study kws --trial $n --state complete --value 0.9 >/dev/null ;;
    *) tell --db s.db --study kws --trial $n --state pruned >/dev/null ;;
  esac
done
test_expect_code 0 "html of a study with 8 steps an epoch" report --db s.db --format html
cp out r.html
# the curves' SVG: its second axis group is the x axis (ticks, then the line along it); the
# curves' points (polylines, dots) and the crosses (paths from their top left corner)
"$PY" - <<'PYEOF' >got 2>got.err
import re
svg = re.search(r'<svg id="curves".*?</svg>', open("r.html").read(), re.S).group(0)
xaxis = re.findall(r'<g class="axis">(.*?)</g>', svg, re.S)[1]
labels = [float(t) for t in re.findall(r'text-anchor="middle">([-\d.]+)</text>', xaxis)]
x0 = min(float(a) for a, b in re.findall(r'<line x1="([-\d.]+)" y1="[-\d.]+" x2="([-\d.]+)" y2', xaxis)
         if float(b) - float(a) > 100)
xs = [float(p.split(",")[0]) for pts in re.findall(r'<polyline[^>]*points="([^"]*)"', svg) for p in pts.split()]
xs += [float(c) for c in re.findall(r'<circle cx="([-\d.]+)"', svg)]
xs += [float(x) + 3.2 for x in re.findall(r'<path d="M([-\d.]+) [-\d.]+l[-\d.]+ [-\d.]+m', svg)]
bad = []
if not labels or any(v % 8 for v in labels) or 32 not in labels:
    bad.append(f"x ticks {labels}: not the ends of epochs (multiples of 8, up to 32)")
if min(xs) < x0 + 4:
    bad.append(f"a point at x {min(xs)}, on the y axis (at {x0})")
print("\n".join(bad) if bad else "ok")
PYEOF
test_expect_success "x ticks at the ends of epochs (8 16 24 32), the first step clear of the y axis" '
  [ "$(cat got)" = ok ] || { cat got got.err >&2; exit 1; }'
