#!/usr/bin/env bash
# A float step at the extremes, against Optuna 3.1's _adjust_discrete_uniform_high, which works in
# Python's Decimal (28 digits). A grid of 10^28 points or more ([0, 1] step 1e-30, [0, 1e300]
# step 1e-300) is none Optuna can make (decimal.DivisionImpossible): suggest crashed on some
# (SIGSEGV printing an adjusted high of inf) and kept others, storing a distribution that Optuna
# can no longer load. A step far above the range ([0, 1e-20] step 1e10) lowers high to low, as
# Optuna does; it was left as given, without a warning. Values whose decimals fit in 28 digits
# were right before and stay so.
. "$WS_ROOT/tests/cli/lib.sh"
cfg() { printf '{"study": "s", "sampler": {"name": "random", "seed": 1}, "space": {"x": {"type": "float", "low": %s, "high": %s, "step": %s}}}\n' "$1" "$2" "$3" >c.json; }
for case in "0 1 1e-320" "0 1e300 1e-300" "0 1 1e-30" "0 1e20 1e-8" "-1e10 1e10 1e-18"; do
  read -r lo hi st <<<"$case"
  cfg "$lo" "$hi" "$st"; rm -f s.db
  test_expect_code 2 "[$lo, $hi] step $st: more than 10^28 grid points, refused" suggest --db s.db --config c.json
  test_expect_success "... names the field and why, nothing written" '
    grep -q "^suggest: c.json: space.x: step [0-9e.+-]* makes 10^28 or more points of \[[0-9e.+-]*, [0-9e.+-]*\], more than Optuna" err &&
    [ ! -s out ] && [ ! -e s.db ]'
done
# step above the range: high becomes low (Optuna's floor((high - low) / step) = 0), with the warning
for case in "0 1e-20 1e10 0.0" "0 1 1e300 0.0" "2.5 3 1e40 2.5"; do
  read -r lo hi st want <<<"$case"
  cfg "$lo" "$hi" "$st"; rm -f s.db
  test_expect_code 0 "[$lo, $hi] step $st" suggest --db s.db --config c.json --n 2
  test_expect_success "... high is lowered to low, $want, with a warning, as Optuna does" '
    [ "$(grep -o "\"x\":[^}]*" out | sort -u)" = "\"x\":$want" ] && grep -q "space.x: high [0-9e.+-]* is not low + a multiple of step [0-9e.+-]*; using ${want%.0}, as Optuna does" err &&
    [ "$(sqlite3 s.db "SELECT DISTINCT json_extract(distribution_json, \"\$.attributes.high\") FROM trial_params")" = "$want" ]'
done
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
if "$PY" -c 'import optuna' 2>/dev/null; then
  test_expect_success "Optuna 3.1 agrees: refuses the grids, lowers high past the step" '
    "$PY" - <<PYEOF
import decimal, warnings
import optuna
warnings.simplefilter("ignore")
F = optuna.distributions.FloatDistribution
for low, high, step in [(0, 1, 1e-320), (0, 1e300, 1e-300), (0, 1, 1e-30), (0, 1e20, 1e-8), (-1e10, 1e10, 1e-18)]:
    try:
        F(low, high, step=step)
        raise SystemExit("accepted %r" % ((low, high, step),))
    except decimal.InvalidOperation:
        pass
for low, high, step in [(0, 1e-20, 1e10), (0, 1, 1e300), (2.5, 3, 1e40)]:
    assert F(low, high, step=step).high == low, (low, high, step)
PYEOF'
else
  test_skip "Optuna 3.1 agrees" "python3-optuna is not installed (make deps installs it)"
fi
