#!/usr/bin/env bash
# A config value refused for lying past a bound is shown as written, every digit that tells it
# from the bound: the sampler's, pruner's, space's and fixed settings' checks printed it with %g,
# six digits, so a value just past a bound read as the bound itself: "sampler.gamma: must be in
# (0, 1] (got 1)", "fixed.dropout: 1: must be in [0, 1]", "space.dropout: low must be <= high (got
# 0.5 > 0.5)", "pruner.percentile: must be in [0, 100] (got 100)", and featurize's
# "power: only 2.0 ... is cached, got 2". Now as Python's str shows the number, an integral one
# without ".0" (space.c's py_str, moved to lib/core as ws_real_text); the reference is Python's
# repr of the same value.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "json" json
cfg=$WS_ROOT/tests/cli/study.json
# shown V: V as the message should show it (Python's repr, an integral value without ".0")
shown() { "$PY" -c 'import sys; r = repr(float(sys.argv[1])); print(r[:-2] if r.endswith(".0") else r)' "$1"; }
# edited JQ V: the config with JQ applied, its 12345 replaced by V as written (jq would rewrite V)
edited() { jq -c "$1" "$cfg" | sed "s/12345/$2/" >c.json; }

# case NAME JQ V WANT: suggest refuses the config, its message holding WANT (V in it as shown)
case_() {
  edited "$2" "$3"
  want=$4   # read by the check below, which test_expect_success evals
  rm -f s.db
  test_expect_code 2 "$1 $3: refused" suggest --db s.db --config c.json --n 0
  test_expect_success "... naming $3 as $(shown "$3")" 'grep -qF "c.json: $want" err'
}
v=1.0000001
case_ "sampler.gamma" '.sampler = {"name": "tpe", "gamma": 12345}' $v "sampler.gamma: must be in (0, 1] (got $(shown $v))"
case_ "sampler.liar_weight" '.sampler = {"name": "tpe", "liar_weight": 12345}' $v "sampler.liar_weight: must be in (0, 1] (got $(shown $v))"
case_ "fixed.dropout" 'del(.space.dropout) | .fixed = {"dropout": 12345}' $v "fixed.dropout: $(shown $v): must be in [0, 1]"
case_ "fixed.max_fpr" '.fixed = {"max_fpr": 12345}' $v "fixed.max_fpr: expected a number in [0, 1], got $(shown $v)"
v=0.5000001
case_ "space.dropout low" '.space.dropout.low = 12345 | .space.dropout.high = 0.5' $v "space.dropout: low must be <= high (got $(shown $v) > 0.5)"
v=100.0000001
case_ "pruner.percentile" '.pruner = {"name": "percentile", "percentile": 12345}' $v "pruner.percentile: must be in [0, 100] (got $(shown $v))"
v=-0.0000001
case_ "pruner.min_delta" '.pruner = {"name": "patient", "patience": 1, "min_delta": 12345}' $v "pruner.min_delta: must be >= 0 (got $(shown $v))"
case_ "fixed.class_weights" '.fixed = {"class_weights": [12345, 1, 1, 1]}' 3.4028235e38 \
  "fixed.class_weights[0]: $(shown 3.4028235e38): expected a number >= 0 that a float32 holds (at most $(shown 3.4028234663852886e38))"
v=9000000000000001
case_ "sampler.n_startup_trials" '.sampler = {"name": "tpe", "n_startup_trials": 12345}' $v \
  "sampler.n_startup_trials: expected an integer within +-9e15, got $v"
# a short value reads as before (t0002 and test_space hold the others)
case_ "space.channels step" '.space.channels.step = 12345' 0 "space.channels: step must be > 0 (got 0)"

. "$WS_ROOT/tests/cli/fixtures.sh"
mkdir -p corpus/yes corpus/no
silent_wav corpus/yes/a.wav 16000 1 1 && silent_wav corpus/no/b.wav 16000 1 1
echo '{"power": 2.0000001}' >p.json
test_expect_code 2 "featurize --config with power 2.0000001: refused" featurize --quiet --config p.json --out p.feat corpus
test_expect_success "... naming it as $(shown 2.0000001)" 'grep -qF "p.json.power: only 2.0 (power spectrum) is cached, got $(shown 2.0000001)" err'
for c in "clip_seconds 600.0000001 clip_seconds: V is outside (0, 600]" \
         "f_max 8000.0000001 f_max: V Hz is above the Nyquist frequency (8000 Hz)"; do
  set -- $c
  key=$1 v=$2; shift 2; want="fc.json.$*"; want=${want/V/$(shown "$v")}
  echo "{\"sample_rate\": 16000, \"$key\": $v}" >fc.json
  test_expect_code 2 "featurize --config with $key $v: refused" featurize --quiet --config fc.json --out fc.feat corpus
  test_expect_success "... naming it as $(shown "$v")" 'grep -qF "$want" err'
done
