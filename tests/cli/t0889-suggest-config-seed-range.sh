#!/usr/bin/env bash
# The config's sampler.seed is "the study seed, an integer from 0 (see --seed)" (suggest(1)):
# --seed takes 0 to 2^63-1, but the config refused any seed past 9e15 ("expected an integer
# within +-9e15"), the bound of its other integers, read through a double. A seed is an integer
# of --seed's range in either place, and the same seed draws the same trials from either.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
for seed in 9000000000000001 9223372036854775807; do
  sed "s/\"seed\": 7/\"seed\": $seed/" c.json >"c-$seed.json"   # jq 1.6 would round it to a double
  test_expect_code 0 "sampler.seed $seed in the config" suggest --db "cfg-$seed.db" --config "c-$seed.json" --n 3
  cp out "cfg-$seed.lines"
  jq 'del(.sampler.seed)' c.json >noseed.json
  test_expect_code 0 "... --seed $seed on the command line" suggest --db "cli-$seed.db" --config noseed.json --seed "$seed" --n 3
  test_expect_success "... the same trials, and the study keeps the seed whole" '
    cmp out "cfg-$seed.lines" &&
    [ "$(sqlite3 "cfg-$seed.db" "SELECT value_json FROM study_system_attributes WHERE key = \"wakesweep:seed\"")" = "$seed" ]'
done
sed 's/"seed": 7/"seed": 9223372036854775808/' c.json >c-over.json
test_expect_code 2 "a seed past 2^63-1 is refused" suggest --db over.db --config c-over.json
jq '.sampler.seed = -1' c.json >c-neg.json
test_expect_code 2 "a negative seed is refused" suggest --db neg.db --config c-neg.json
test_expect_success "... naming sampler.seed" 'grep -q "sampler.seed" err'
