#!/usr/bin/env bash
# report --format html: a log axis labelled each tick by its own size, plain from 0.001 up and
# mantissa-e-exponent below, so one axis read "1e-5 5e-5 1e-4 5e-4 0.001 0.005 0.01" (kws-fast's
# weight_decay, 1e-5..0.01 on the parallel coordinates) with two formats side by side. One
# format an axis: plain where every tick has one (1e-3..1e5), else each tick as 1e-5, 5e-3, 1e-2.
. "$WS_ROOT/tests/cli/lib.sh"
# weight_decay 1e-5..1e-2 (exponents needed) and learning_rate 1e-3..1e-2 (plain throughout)
jq '.pruner = {"name": "nop"} | .space = {"learning_rate": {"type": "float", "low": 0.001, "high": 0.01, "log": true},
    "weight_decay": {"type": "float", "low": 1e-5, "high": 0.01, "log": true}}' "$WS_ROOT/tests/cli/study.json" >c.json
suggest --db s.db --config c.json --n 4 >/dev/null
for n in 0 1 2 3; do tell --db s.db --study kws --trial $n --state complete --value 0.$((n + 5)) >/dev/null; done
test_expect_code 0 "html" report --db s.db --format html
cp out r.html
# each parallel-coordinates axis's tick labels (the small texts at one x), by the axis name above
"$PY" - <<'PYEOF' >got 2>got.err
import re
svg = re.search(r'<svg id="parallel".*?</svg>', open("r.html").read(), re.S).group(0)
names = {float(x): t for x, t in re.findall(r'<text x="([-\d.]+)" y="[-\d.]+" text-anchor="middle" class="label">([^<]*)</text>', svg)}
axes = {}
for x, lab in re.findall(r'<text x="([-\d.]+)" y="[-\d.]+"[^>]*class="small halo">([^<]*)</text>', svg):
    near = min(names, key=lambda a: abs(a - float(x)))
    axes.setdefault(names[near], []).append(lab)
for name in sorted(a for a in axes if "(log)" in a):
    labs = axes[name]
    exp = [bool(re.fullmatch(r"\d+(\.\d+)?e-?\d+", l)) for l in labs]
    print(f"{name}: {'exponent' if all(exp) else 'plain' if not any(exp) else 'mixed'}: {' '.join(labs)}")
PYEOF
test_expect_success "weight_decay 1e-5..0.01: every label in exponent form" '
  grep -q "^weight_decay (log): exponent: 1e-5 .* 1e-2$" got || { cat got got.err >&2; exit 1; }'
test_expect_success "learning_rate 0.001..0.01: every label plain" '
  grep -q "^learning_rate (log): plain: 0.001 .* 0.01$" got || { cat got got.err >&2; exit 1; }'
