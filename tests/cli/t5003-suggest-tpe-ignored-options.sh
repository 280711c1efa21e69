#!/usr/bin/env bash
# A TPE option that the rest of the sampler config leaves without effect is refused (exit 2,
# naming it and what it needs), as "group" without "multivariate" is and as a TPE option with
# the random sampler is (t0022): liar_weight weighs RUNNING trials, which only the constant liar
# counts; shared_clip acts on joint kernels, which only multivariate TPE builds; consider_endpoints
# widens the outermost neighbour bandwidths, which Scott's rule (multivariate in the optuna mode,
# or "bandwidth": "scott") does not have (Optuna 3.1 ignores it there too). Each was taken and
# ignored: {"mode": "optuna", "liar_weight": 0.5} ran without a liar at all.
. "$WS_ROOT/tests/cli/lib.sh"
cfg() { printf '{"study": "t", "sampler": %s, "space": {"x": {"type": "float", "low": 0, "high": 1}}}\n' "$1" >c.json; rm -f s.db; }
refused() {  # NAME SAMPLER KEY WORDS
  cfg "$2"
  key=$3 words=$4
  test_expect_code 2 "$1" suggest --db s.db --config c.json
  test_expect_success "... names sampler.$key and what it needs, nothing written" '
    grep -q "^suggest: c.json: sampler.$key: $words" err && [ ! -s out ] && [ ! -e s.db ]'
}
refused "liar_weight in the optuna mode (no liar)" '{"mode": "optuna", "liar_weight": 0.5}' liar_weight \
  'has no effect without "constant_liar": true'
refused "liar_weight with the liar turned off" '{"constant_liar": false, "liar_weight": 0.5}' liar_weight \
  'has no effect without "constant_liar": true'
refused "shared_clip without multivariate" '{"multivariate": false, "shared_clip": true}' shared_clip \
  'has no effect without "multivariate": true'
refused "consider_endpoints under optuna's multivariate (Scott)" '{"mode": "optuna", "multivariate": true, "consider_endpoints": true}' \
  consider_endpoints 'has no effect with Scott'
refused "consider_endpoints with bandwidth scott" '{"bandwidth": "scott", "consider_endpoints": true}' \
  consider_endpoints 'has no effect with Scott'
for ok in '{"constant_liar": true, "liar_weight": 0.5}' '{"liar_weight": 0.5}' '{"mode": "optuna", "consider_endpoints": true}' \
    '{"multivariate": false, "shared_clip": false}' '{"mode": "optuna", "multivariate": true, "consider_endpoints": false}' \
    '{"consider_endpoints": true}'; do
  cfg "$ok"
  test_expect_code 0 "taken: $ok" suggest --db s.db --config c.json
done
