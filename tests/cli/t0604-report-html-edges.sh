#!/usr/bin/env bash
# report's HTML at the edges: long non-ASCII texts cut between characters (the page stays valid
# UTF-8); values near ±DBL_MAX never put nan or inf into an SVG attribute; a parameter whose
# range changed during the study (suggest --force) is plotted and measured on the union of its
# ranges, and a value past the range lies on its axis; slots are numbered as in the JSON. And
# the CLI's small print: singular counts, a missing option argument named as such, --help and
# the man page on --db.
. "$WS_ROOT/tests/cli/lib.sh"
# no attribute value holding nan or inf (as printf writes them)
finite_attrs() { ! grep -oE '="[^"]*"' "$1" | grep -qiE '(^|[^a-z])-?(nan|inf)([^a-z]|$)'; }

# ---- UTF-8: tooltips over 512 bytes, with 1-, 2- and 3-digit values so the cut falls at
# every offset of the 3-byte characters
euro=$(printf '€%.0s' $(seq 300))
cat >u.json <<J
{"study": "u", "direction": "minimize", "sampler": {"name": "random", "seed": 1}, "pruner": {"name": "nop"},
 "budget": {"epochs": 1},
 "space": {"größe": {"type": "categorical", "choices": ["$euro"]}, "x": {"type": "float", "low": 0, "high": 1}}}
J
suggest --db u.db --config u.json --n 6 >/dev/null
v=(1 10 100 2 20 200)
for n in 0 1 2 3 4 5; do tell --db u.db --study u --trial $n --state complete --value ${v[$n]} >/dev/null; done
test_expect_code 0 "html with long non-ASCII parameter values" report --db u.db --format html
test_expect_success "... is valid UTF-8" 'iconv -f UTF-8 -t UTF-8 out >/dev/null && grep -q "größe" out'

# ---- values near ±DBL_MAX, as values and intermediate values
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db big.db --config c.json --n 6 >/dev/null
v=(1.7e308 -1.7e308 0 1 2 3)
for n in 0 1 2 3 4 5; do
  prune-check --db big.db --study kws --trial $n --step 0 --value "${v[$n]}" >/dev/null
  tell --db big.db --study kws --trial $n --state complete --value "${v[$n]}" >/dev/null
done
test_expect_code 0 "html of values near ±DBL_MAX" report --db big.db --format html
test_expect_success "... has no nan or inf in an attribute" 'finite_attrs out && grep -q "<svg id=\"history\"" out'

# ---- an infinite best (Optuna stores it): the best-so-far line has as many levels as Optuna's
# finite best-so-far values (np.maximum.accumulate) and ends where the best became infinite,
# not stepping up to later finite values as if they improved on it
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
"$PY" -W ignore - <<'PYEOF' >levels
import numpy as np, optuna
from optuna.distributions import FloatDistribution
from optuna.trial import create_trial
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="h", storage="sqlite:///hinf.db", direction="maximize")
for i, v in enumerate([1.0, float("inf"), 2.0, 3.0]):
    s.add_trial(create_trial(params={"x": i / 10}, distributions={"x": FloatDistribution(0, 1)}, value=v))
acc = np.maximum.accumulate([t.value for t in s.trials])
print(len(set(v for v in acc if np.isfinite(v))))
PYEOF
test_expect_code 0 "html of a study whose best value is infinite" report --db hinf.db --format html
test_expect_success "... draws the best so far only up to it" '
  d=$(awk "/<svg id=\"history\"/ {on = 1} on {print} on && /<\/svg>/ {exit}" out | grep -o "stroke-width=\"2\" d=\"[^\"]*\"") &&
  [ "$(( $(printf %s "$d" | tr -cd V | wc -c) + 1 ))" = "$(cat levels)" ] && [ "$(cat levels)" = 1 ] && finite_attrs out'

# ---- a pruned trial whose last intermediate values are NaN and inf (Optuna stores both): the
# learning curves mark it where it stopped, at Optuna's last_step (as the JSON's
# intermediate_values[-1] says), not at its last finite value's step
"$PY" -W ignore - <<'PYEOF' >last_step
import optuna
from optuna.trial import TrialState
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="p", storage="sqlite:///pnan.db", direction="maximize")
for i in range(3):
    t = s.ask()
    t.suggest_float("x", 0, 1)
    for step, v in enumerate([0.5, float("nan"), float("inf") if i == 0 else 0.3]):
        t.report(v, step)
    s.tell(t, state=TrialState.PRUNED) if i == 0 else s.tell(t, 0.1 * i)
print(s.trials[0].last_step)
PYEOF
test_expect_code 0 "html of a pruned trial that stopped on an infinite value" report --db pnan.db --format html
test_expect_success "... marks it at its last step" '
  awk "/<svg id=\"curves\"/ {on = 1} on {print} on && /<\/svg>/ {exit}" out >cur.svg && finite_attrs cur.svg &&
  tick=$(grep -o "<text x=\"[0-9.]*\" y=\"[0-9.]*\" text-anchor=\"middle\">$(cat last_step)</text>" cur.svg | sed "s/<text x=\"\([0-9.]*\)\".*/\1/") &&
  cross=$(grep -o "<path d=\"M[0-9.]* [0-9.]*l[^\"]*\"[^>]*><title>trial 0 (PRUNED)" cur.svg | sed "s/<path d=\"M\([0-9.]*\) .*/\1/") &&
  [ -n "$tick" ] && [ -n "$cross" ] && awk -v a="$tick" -v b="$cross" "BEGIN { exit !(a - b > 3.1 && a - b < 3.3) }"'

# ---- numeric categorical choices listed out of order: the parallel coordinates' axis reads them
# from the bottom in Optuna's order (its plot's ticktext: by value)
"$PY" -W ignore - <<'PYEOF' >want.ticks
import optuna
from optuna.visualization._parallel_coordinate import _get_parallel_coordinate_info
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="b", storage="sqlite:///cat.db", sampler=optuna.samplers.RandomSampler(seed=1))
s.optimize(lambda t: t.suggest_categorical("batch", [128, 32, 64]) + t.suggest_float("x", 0, 1), n_trials=12)
print(" ".join(next(d for d in _get_parallel_coordinate_info(s).dims_params if d.label == "batch").ticktext))
PYEOF
test_expect_code 0 "html of numeric choices out of order" report --db cat.db --format html
test_expect_success "... has them in Optuna's order on the axis" '
  awk "/<svg id=\"parallel\"/ {on = 1} on {print} on && /<\/svg>/ {exit}" out >cat.svg &&
  x=$(grep -o "<text x=\"[0-9.]*\" y=\"[0-9.]*\" text-anchor=\"middle\" class=\"label\">batch<" cat.svg | sed "s/<text x=\"\([0-9.]*\)\".*/\1/") &&
  grep -o "<text x=\"[0-9.]*\" y=\"[0-9.]*\" text-anchor=\"end\" class=\"small halo\">[^<]*" cat.svg |
    sed "s/<text x=\"\([0-9.]*\)\" y=\"\([0-9.]*\)\".*>\(.*\)/\1 \2 \3/" |
    awk -v x="$x" "\$1 == x - 7 {print \$2, \$3}" | sort -rn | cut -d" " -f2 | paste -sd" " >got.ticks &&
  cmp want.ticks got.ticks'

# ---- a range changed during the study: x from [0, 1] to [0, 10]; n from 0..8 step 2 to 1..9
cat >a.json <<'J'
{"study": "r", "direction": "minimize", "sampler": {"name": "random", "seed": 3}, "pruner": {"name": "nop"},
 "budget": {"epochs": 1},
 "space": {"x": {"type": "float", "low": 0, "high": 1}, "n": {"type": "int", "low": 0, "high": 8, "step": 2}}}
J
jq '.space.x.high = 10 | .space.n.low = 1 | .space.n.high = 9' a.json >b.json
suggest --db r.db --config a.json --n 10 >l1 && suggest --db r.db --config b.json --force --n 10 >l2
jq -r '"\(.trial) \(.params.x)"' l1 l2 | while read -r n x; do tell --db r.db --study r --trial "$n" --state complete --value "$x" >/dev/null; done
test_expect_code 0 "html of a parameter whose range changed" report --db r.db --format html
test_expect_success "... plots every trial's value on the union of the ranges and measures all 20" '
  awk "/<svg id=\"parallel\"/ {on = 1} on {print} on && /<\\/svg>/ {exit}" out >par.svg &&
  ! grep -q "n/a" par.svg && grep -q ">10</text>" par.svg &&
  [ "$(grep -o "Pearson divergence [0-9.e+-]* over 20 trials" out | wc -l)" = 2 ]'

# ---- values past the search range (suggest --fixed uses them as given, as Optuna does), in a
# study whose range was also widened: every point of every line lies on its axis, which spans the
# range and the values (x: -3 to 25 though the space says [0, 10]). A log parameter with a value
# <= 0 gets a linear axis. They were drawn past the axis' end (y < 70: above the plot), or at n/a
# when the value was outside the union of the ranges as well.
# on_axes SVG: each polyline point (x,y) has an axis line at x whose y range holds y
on_axes() {
  awk 'match($0, /<line x1="[0-9.-]+" y1="[0-9.-]+" x2="[0-9.-]+" y2="[0-9.-]+" stroke-width="1.5"\/>/) {
         split(substr($0, RSTART, RLENGTH), q, "\""); a = q[4] + 0; b = q[8] + 0
         lo[q[2]] = a < b ? a : b; hi[q[2]] = a < b ? b : a }
       match($0, /points="[^"]*"/) { pts[++np] = substr($0, RSTART + 8, RLENGTH - 9) }
       END { if (!np) { print "no lines" >"/dev/stderr"; exit 1 }
             for (i = 1; i <= np; i++) { n = split(pts[i], p, " ")
               for (k = 1; k <= n; k++) { split(p[k], c, ","); y = c[2] + 0
                 if (!(c[1] in lo) || y < lo[c[1]] || y > hi[c[1]]) { print "off its axis: " p[k] >"/dev/stderr"; bad = 1 } } }
             exit bad }' "$1"
}
# axis_ys SVG K: the y of every line's point on the K-th axis (from 1), one a line
axis_ys() { grep -o 'points="[^"]*"' "$1" | sed 's/points="//; s/"$//' | awk -v k="$2" '{ split($k, c, ","); print c[2] + 0 }'; }
jq '.study = "p" | .space.lr = {"type": "float", "low": 1e-4, "high": 1e-2, "log": true}' a.json >pa.json
jq '.space.x.high = 10 | .space.n.low = 1 | .space.n.high = 9' pa.json >pb.json
echo '{"x": 25, "n": 40, "lr": 0.5}' >hi.json && echo '{"x": -3, "n": -7, "lr": 1e-6}' >lo.json
{ suggest --db p.db --config pa.json --n 4 && suggest --db p.db --config pa.json --fixed hi.json &&
  suggest --db p.db --config pb.json --force --n 4 && suggest --db p.db --config pb.json --fixed lo.json; } 2>/dev/null >pl
jq -r '"\(.trial) \(.params.x)"' pl | while read -r n x; do tell --db p.db --study p --trial "$n" --state complete --value "$x" >/dev/null; done
test_expect_code 0 "html of values past the search range" report --db p.db --format html
test_expect_success "... draws every one on its axis, the axis spanning them" '
  awk "/<svg id=\"parallel\"/ {on = 1} on {print} on && /<\\/svg>/ {exit}" out >past.svg && [ "$(grep -c "<polyline" past.svg)" = 10 ] &&
  on_axes past.svg && grep -q ">lr (log)<" past.svg &&
  for k in 1 2 3; do [ "$(axis_ys past.svg $k | sort -n | sed -n "1p;\$p" | paste -sd" ")" = "70 376" ] || exit 1; done'
test_expect_success "... and measures all 10 trials in the importance (one past the union of the ranges was left out)" '
  [ "$(grep -o "Pearson divergence [0-9.e+-]* over 10 trials" out | wc -l)" = 3 ]'
jq '.study = "z"' pa.json >z.json && echo '{"x": 0.5, "n": 2, "lr": 0}' >zero.json
{ suggest --db z.db --config z.json --n 4 && suggest --db z.db --config z.json --fixed zero.json; } 2>/dev/null >zl
for n in 0 1 2 3 4; do tell --db z.db --study z --trial $n --state complete --value $n >/dev/null; done
test_expect_code 0 "html of a log parameter with the value 0" report --db z.db --format html
test_expect_success "... draws it on a linear axis, at its bottom" '
  awk "/<svg id=\"parallel\"/ {on = 1} on {print} on && /<\\/svg>/ {exit}" out >zero.svg && on_axes zero.svg &&
  grep -q ">lr<" zero.svg && ! grep -q "(log)" zero.svg &&
  [ "$(grep -o "points=\"[^\"]*\"><title>\(best: \)\?trial 4 " zero.svg | cut -d" " -f3 | cut -d, -f2)" = 376.0 ]'

# ---- slots: the HTML's numbers are the JSON's
test_expect_code 0 "json of the same study" report --db r.db --format json
test_expect_success "the table's slot column (the 10th) is the JSON's slot" '
  cp out r.json && report --db r.db --format html >r.html && jq -r ".trials[] | \"\(.trial) \(.slot)\"" r.json >want &&
  sed -n "/<table class=\"all\"/,/<\/table>/p" r.html | grep "^<tr" | sed "s#</td><td[^>]*>#|#g; s#<[^>]*>##g" |
    awk -F"|" "{print \$2, \$10}" >got && [ -s got ] && cmp want got'

# ---- the small print
suggest --db one.db --config c.json >/dev/null
tell --db one.db --study kws --trial 0 --state complete --value 0.5 >/dev/null
test_expect_code 0 "text of a one-trial study" report --db one.db
test_expect_success "... counts in the singular" '
  grep -q "^study kws (maximize): 1 trial: " out && grep -q "top 1 of 1 finite complete trial vs all" out'
test_expect_code 2 "--study without its argument" report --db one.db --study
test_expect_success "... says the option needs an argument, once" '
  grep -q "^report: --study: needs an argument$" err && ! grep -q "unknown option" err && [ "$(grep -c "^report:" err)" = 1 ]'
test_expect_code 2 "an unknown option" report --db one.db --bogus
test_expect_success "... is named" 'grep -q "^report: unknown option .--bogus.$" err'
test_expect_code 0 "--help" report --help
test_expect_success "... and the man page agree on --db URL" '
  grep -q "^Usage: report --db URL " out && grep -q "^  --db URL " out &&
  grep -q "^\.BI \\\\-\\\\-db \" URL\"" "$WS_ROOT/share/man/man1/report.1"'
