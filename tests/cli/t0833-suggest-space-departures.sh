#!/usr/bin/env bash
# suggest(1)'s SEARCH SPACE says where the space's check departs from Optuna 3.1's distributions;
# it left out spaces that suggest refuses and Optuna's distributions take: an int parameter whose
# low, high or step is not an integer (IntDistribution truncates 0.5 to 0) or lies beyond
# +-2^53, duplicate choices of a categorical (CategoricalDistribution keeps both), and a "when"
# whose parent comes after it in the space (no Optuna counterpart). Each: suggest exits 2 naming
# the parameter, Optuna takes the distribution (the reference), and the man page names the case.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_study_config c.json
man=$(sed -n '/^\.SH SEARCH SPACE/,/^\.SH ENVIRONMENT/p' "$WS_ROOT/share/man/man1/suggest.1" |
  sed 's/\\-/-/g; s/\\(+-/±/g; s/\\f.//g' | sed -E 's/^\.[A-Z]+ ?//' | tr '\n' ' ' | tr -s ' ')

# SPACE | the parameter named | Optuna's distribution or - | the man page's words
cases=(
  '{"x": {"type": "int", "low": 0.5, "high": 3}}|x|IntDistribution(0.5, 3)|whose low, high or step is not an integer'
  '{"x": {"type": "int", "low": 0, "high": 4, "step": 1.5}}|x|IntDistribution(0, 4, step=1.5)|whose low, high or step is not an integer'
  '{"x": {"type": "int", "low": 0, "high": 9007199254740994}}|x|IntDistribution(0, 9007199254740994)|beyond ±2^53'
  '{"x": {"type": "categorical", "choices": [1, 2, 1]}}|x|CategoricalDistribution([1, 2, 1])|duplicate choices'
  '{"y": {"type": "float", "low": 0, "high": 1, "when": {"x": [1]}}, "x": {"type": "categorical", "choices": [1, 2]}}|y|-|defined before it'
)
need_python "Optuna takes the distributions" optuna
i=0
for c in "${cases[@]}"; do
  IFS='|' read -r space pname dist words <<<"$c"
  i=$((i + 1))
  jq --argjson s "$space" '.space = $s' c.json >c$i.json
  test_expect_code 2 "suggest refuses the space $space" suggest --db s$i.db --config c$i.json
  test_expect_success "... naming space.$pname, making no study" 'grep -q "space\.$pname" err && [ ! -s out ] &&
    { [ ! -e s$i.db ] || [ -z "$(sqlite3 s$i.db "SELECT study_name FROM studies")" ]; }'
  test_expect_success "... and suggest(1)'s SEARCH SPACE says so: \"$words\"" '[[ $man == *"$words"* ]]'
  [ "$dist" = - ] && continue
  test_expect_success "... though Optuna 3.1 takes it: $dist" '
    "$PY" -c "from optuna.distributions import *; d = $dist; print(d)"'
done
