#!/usr/bin/env bash
# suggest compared the config given with the one the study keeps as text (canonical JSON), so
# the same config passed through `jq .` (jq 1.6 writes 0.0 as 0 and 1.0 as 1) was "a different
# config" and refused without --force. Now the two are compared as values: numbers by value,
# objects whatever their keys' order. The type of a number stays told apart only where it is
# what a trial receives: a categorical choice (and a "when" value, which names one), as Optuna's
# CategoricalDistribution hands the choice on as written (64 an int, 64.0 a float), while a
# float or int distribution's ends are numbers whatever their spelling (Optuna 3.1 the reference
# for both). Integers are compared whole: two seeds past 2^53 that one double holds differ.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json   # dropout.low 0.0, learning_rate.low 1e-4
suggest --db s.db --config c.json --n 0
kept() { sqlite3 s.db "SELECT value_json FROM study_system_attributes WHERE key = 'wakesweep:config'"; }
kept >kept.before

command jq . c.json >jq.json
test_expect_success "the reformatted config has 0 where the kept one has 0.0" \
  'grep -q "\"low\": 0," jq.json && grep -q "\"low\": 0.0," c.json'
test_expect_code 0 "the config passed through jq . is the kept config" suggest --db s.db --config jq.json --n 0
test_expect_success "... nothing said, the kept config as it was" '[ ! -s err ] && [ "$(kept)" = "$(cat kept.before)" ]'
# (the top-level keys: the space's order is its parameters' order, a parent before its child)
command jq '{space, budget, pruner, sampler, objective, direction, study}' c.json |
  sed 's/"low": 0.0001,/"low": 1e-4,/; s/"high": 128,/"high": 128.0,/; s/"seed": 7$/"seed": 7.0/' >spelled.json
test_expect_success "... a config reordered, with 1e-4, 128.0 and 7.0" \
  'sed -n 2p spelled.json | grep -q "^ *\"space\": {" && grep -q "1e-4," spelled.json && grep -q "128.0," spelled.json && grep -q "7.0$" spelled.json'
test_expect_code 0 "top-level keys reordered, an int's high 128 as 128.0, seed 7 as 7.0: the same config" \
  suggest --db s.db --config spelled.json --n 0

# what Optuna 3.1 makes of the spellings: a float distribution's low 0 and 0.0 are one
# distribution giving floats; choices 32 and 32.0 hand on an int and a float
need_python optuna optuna
"$PY" - >optuna.out <<'PY'
from optuna.distributions import FloatDistribution, CategoricalDistribution, distribution_to_json as js
print(js(FloatDistribution(0, 0.5, step=0.1)) == js(FloatDistribution(0.0, 0.5, step=0.1)),
      js(CategoricalDistribution([32, 64])) == js(CategoricalDistribution([32.0, 64.0])),
      type(CategoricalDistribution([32, 64]).to_external_repr(0)).__name__,
      type(CategoricalDistribution([32.0, 64.0]).to_external_repr(0)).__name__)
PY
test_expect_success "the reference: Optuna's float ends by value, its choices as written" \
  '[ "$(cat optuna.out)" = "True False int float" ]'

command jq '.space.batch_size.choices = [32.0, 64, 128]' c.json | sed 's/^\( *\)32,$/\132.0,/' >choice.json
test_expect_success "... a config whose first choice is 32.0" 'grep -q "^ *32.0,$" choice.json'
test_expect_code 2 "a choice 32.0 for the kept 32 is another config" suggest --db s.db --config choice.json --n 0
test_expect_success "... named, as an integer and as a fraction, and why that differs" '
  grep -qx "suggest: s.db: study .kws. exists with a different config: space.batch_size.choices\[0\] is 32.0 in choice.json, 32 in the config the study keeps (one number, written as an integer and as a fraction: a choice is handed on as written, 32 an integer and 32.0 a fraction) (use --force to replace it)" err'
test_expect_success "... the kept config as it was" '[ "$(kept)" = "$(cat kept.before)" ]'

# (sed: jq 1.6 reads integers as doubles)
sed 's/"seed": 7/"seed": 9007199254740993/' c.json >big.json
test_expect_code 0 "a study kept with seed 2^53+1" suggest --db big.db --config big.json --n 0
sed 's/"seed": 7/"seed": 9007199254740992/' c.json >big2.json
test_expect_code 2 "seed 2^53, which a double does not tell from 2^53+1, is another config" \
  suggest --db big.db --config big2.json --n 0
test_expect_success "... named with both seeds" '
  grep -qx "suggest: big.db: study .kws. exists with a different config: sampler.seed is 9007199254740992 in big2.json, 9007199254740993 in the config the study keeps (use --force to replace it)" err'

sed -n '/^\.B \\-\\-force$/,/^\.TP$/p' "$WS_ROOT/share/man/man1/suggest.1" | tr '\n' ' ' | sed 's/\\f[BIRC]//g; s/\\-/-/g' >force.man
test_expect_success "suggest(1) --force says numbers compare by value, a choice's type apart" '
  grep -qF "the configs are compared as JSON values: numbers by value (0 and 0.0, which jq writes as 0, are one number), objects whatever their keys'"'"' order; a categorical choice, and a when value, keep their type (32 and 32.0 are two choices" force.man'
