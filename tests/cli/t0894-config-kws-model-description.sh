#!/usr/bin/env bash
# configs/studies/kws-model.json's description said each architecture searched "its own width
# and depth", but its width, channels, is one parameter without a "when": all three models share
# it; only blocks (dnn, dscnn) and hidden (cnn) are conditional. The description names, for each
# parameter of the model's size, the models it is for, as the space has them.
. "$WS_ROOT/tests/cli/lib.sh"
cfg=$WS_ROOT/configs/studies/kws-model.json
jq -r .description "$cfg" >desc
test_expect_success "the config has a description" '[ -s desc ]'
test_expect_success "... which does not speak of each model's own width" '! grep -qi "own width" desc'
for p in channels blocks hidden; do
  # "(p) shared by all three" when the space gives p no "when", else "(p) of M1 and M2"
  want=$(jq -r --arg p "$p" '.space[$p] | if .when then "(\($p)) of " + (.when.model | join(" and ")) else "(\($p)) shared by all three" end' "$cfg")
  test_expect_success "... says $want" 'grep -qF "$want" desc'
done
test_expect_success "suggest takes the config" 'suggest --db s.db --config "$cfg" --n 0 >/dev/null'
