#!/usr/bin/env bash
# report --format html: a complete trial's value is its best validation (train-trial keeps the
# best, as Lightning's ModelCheckpoint does, and early stopping ends a curve after it), so its
# curve may end lower than its value, and nothing showed which point the value came from. Each
# complete trial whose value is one of its intermediate values has a diamond on its curve at the
# first step with that value (as train-trial's best_epoch counts it), and the caption and legend
# say so; a trial whose value is none of them (told by hand) has none.
. "$WS_ROOT/tests/cli/lib.sh"
jq '.pruner = {"name": "nop"} | .budget = {"epochs": 4}' "$WS_ROOT/tests/cli/study.json" >c.json
suggest --db s.db --config c.json --n 4 >/dev/null
report_steps() {   # TRIAL VALUE...: intermediate values at steps 1, 2, ...
  local n=$1 step=0; shift
  for v in "$@"; do step=$((step + 1)); prune-check --db s.db --study kws --trial $n --step $step --value $v >/dev/null; done
}
report_steps 0 0.5 0.9 0.7 0.9     # value 0.9 from step 2 (the first of the two), ends at 0.9 again
report_steps 1 0.4 0.6 0.8 0.5     # value 0.8 from step 3, ends at 0.5
report_steps 2 0.3 0.2             # pruned at step 2
report_steps 3 0.2 0.25            # told 0.3, none of its values
tell --db s.db --study kws --trial 0 --state complete --value 0.9 >/dev/null
tell --db s.db --study kws --trial 1 --state complete --value 0.8 >/dev/null
tell --db s.db --study kws --trial 2 --state pruned >/dev/null
tell --db s.db --study kws --trial 3 --state complete --value 0.3 >/dev/null
test_expect_code 0 "html" report --db s.db --format html
cp out r.html
# each polyline's points by its trial (its title's "trial N (STATE)"), each diamond's centre
"$PY" - <<'PYEOF' >got 2>got.err
import re
svg = re.search(r'<svg id="curves".*?</svg>', open("r.html").read(), re.S).group(0)
lines = {int(n): [tuple(map(float, p.split(","))) for p in pts.split()]
         for pts, n in re.findall(r'<polyline[^>]*points="([^"]*)"><title>trial (\d+) ', svg)}
marks = {}
for x, y, r, tip in re.findall(r'<path d="M([-\d.]+) ([-\d.]+)l([-\d.]+) [-\d.]+l[-\d.]+ [-\d.]+l[-\d.]+ [-\d.]+z"'
                               r'[^>]*><title>([^<]*)</title>', svg):
    m = re.match(r"trial (\d+)", tip)
    marks[int(m.group(1)) if m else -1] = ((float(x), float(y) + float(r)), tip)
want = {0: 1, 1: 2}   # trial: index of the point the value came from
bad = [f"diamonds on trials {sorted(marks)}, want {sorted(want)}"] if sorted(marks) != sorted(want) else []
for n, k in want.items():
    if n in marks and n in lines:
        (cx, cy), tip = marks[n]
        px, py = lines[n][k]
        if abs(cx - px) > 0.15 or abs(cy - py) > 0.15:
            bad.append(f"trial {n}: diamond at {cx},{cy}, its step {k + 1} at {px},{py}")
        if f"from step {k + 1}" not in tip:
            bad.append(f"trial {n}: tip {tip!r} names no step {k + 1}")
print("\n".join(bad) if bad else "ok")
PYEOF
test_expect_success "a diamond on trials 0 and 1 at the step their value came from (2, 3), none on 3" '
  [ "$(cat got)" = ok ] || { cat got got.err >&2; exit 1; }'
test_expect_success "... the caption and the legend say what it marks" '
  grep -q "a diamond marks the step a complete trial.s value came from" r.html &&
  grep -q ">value from here<" r.html'
