#!/usr/bin/env bash
# A trial line's "budget": suggest(1) and --help showed {"epochs": 12} only, and README's ask/tell
# loop reads .budget.epochs; a config whose budget sets no epochs (they are fixed, searched, or
# train-trial's default) prints "budget": {}, and such a loop ran `seq null`. Both now say when
# the budget is {} and where the epochs are then; each case of that is checked here on suggest
# and train-trial: fixed, searched, the default, and a hyperband pruner's max_resource.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
# conf NAME JQ: the tone sweep study (a tiny DS-CNN) named NAME, with no budget, edited by JQ
conf() { tone_sweep_config "$1.json" "$1" 1; jq "del(.budget) | $2" "$1.json" >"$1.tmp" && mv "$1.tmp" "$1.json"; }
conf fixed '.fixed.epochs = 2'
conf searched '.space.epochs = {"type": "int", "low": 3, "high": 3}'
conf default .
conf hyperband '.pruner = {"name": "hyperband", "max_resource": 4}'
for s in fixed searched default hyperband; do
  test_expect_code 0 "suggest, a config whose budget sets no epochs ($s)" suggest --db s.db --config "$s.json"
  cp out "$s.line"
  test_expect_code 0 "... train-trial trains its line" train-trial --db s.db --features tones.feat --threads 1 --keep none --quiet "$s.line"
  cp out "$s.out"
done
test_expect_success "fixed.epochs: budget {}, the trial trains them" '[ "$(jq -c .budget fixed.line)" = "{}" ] && [ "$(jq .epochs fixed.out)" = 2 ]'
test_expect_success "a searched epochs: budget {}, the trial trains its param" '
  [ "$(jq -c .budget searched.line)" = "{}" ] && [ "$(jq .params.epochs searched.line)" = 3 ] && [ "$(jq .epochs searched.out)" = 3 ]'
test_expect_success "no epochs anywhere: budget {}, the trial trains train-trial's 10" '[ "$(jq -c .budget default.line)" = "{}" ] && [ "$(jq .epochs default.out)" = 10 ]'
test_expect_success "a hyperband pruner's max_resource: budget.epochs is it" '[ "$(jq .budget.epochs hyperband.line)" = 4 ] && [ "$(jq .epochs hyperband.out)" = 4 ]'
# the docs say so: suggest(1) after its trial line, and --help
man -l "$WS_ROOT/share/man/man1/suggest.1" 2>/dev/null | col -bx | tr '\n' ' ' | tr -s ' ' | sed 's/‐ //g' >man.txt
test_expect_success "suggest(1) says when budget is {} and where the epochs are then" '
  grep -q "budget is {} and the trial trains the epochs of fixed or its params (a searched epochs), else train-trial.s default, 10" man.txt'
test_expect_success "suggest --help says it too" 'suggest --help | tr "\n" " " | tr -s " " |
  grep -q "budget {} where neither the config.s budget nor a hyperband pruner sets the epochs: the trial then trains fixed.epochs, a searched epochs or train-trial.s 10"'
