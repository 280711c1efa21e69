#!/usr/bin/env bash
# The random sampler takes a seed and nothing else, as Optuna's RandomSampler(seed=None) does
# (Optuna 3.1: RandomSampler(n_startup_trials=3) raises TypeError "unexpected keyword
# argument"). A TPE option given with "name": "random" was ignored without a word: a config
# that meant TPE with 3 random start-up trials sampled at random for ever.
. "$WS_ROOT/tests/cli/lib.sh"
for opt in '"n_startup_trials": 3' '"multivariate": true' '"constant_liar": true' '"mode": "optuna"' '"gamma": 0.2'; do
  key=${opt%%\":*}; key=${key#\"}
  printf '{"study": "r", "sampler": {"name": "random", "seed": 1, %s}, "space": {"x": {"type": "float", "low": 0, "high": 1}}}\n' \
    "$opt" >c.json
  rm -f s.db
  test_expect_code 2 "random sampler with $key" suggest --db s.db --config c.json
  test_expect_success "... names the field, nothing written" '
    [ "$(cat err)" = "suggest: c.json: sampler.$key: not an option of the random sampler (it takes only seed, as Optuna'"'"'s RandomSampler does)" ] &&
    [ ! -s out ] && [ ! -e s.db ]'
done
printf '{"study": "r", "sampler": {"name": "random", "seed": 1}, "space": {"x": {"type": "float", "low": 0, "high": 1}}}\n' >c.json
rm -f s.db
test_expect_code 0 "random sampler with a seed" suggest --db s.db --config c.json
printf '{"study": "t", "sampler": {"n_startup_trials": 3, "seed": 1}, "space": {"x": {"type": "float", "low": 0, "high": 1}}}\n' >t.json
test_expect_code 0 "TPE options without a name (tpe by default)" suggest --db s.db --config t.json
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
if "$PY" -c 'import optuna' 2>/dev/null; then
  test_expect_success "Optuna 3.1's RandomSampler refuses n_startup_trials" '
    "$PY" -c "import optuna; optuna.samplers.RandomSampler(seed=1, n_startup_trials=3)" 2>&1 | grep -q "TypeError.*unexpected keyword argument"'
else
  test_skip "Optuna 3.1's RandomSampler refuses n_startup_trials" "python3-optuna is not installed (make deps installs it)"
fi
