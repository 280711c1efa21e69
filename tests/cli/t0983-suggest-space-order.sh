#!/usr/bin/env bash
# The order of space's keys is the order a trial's params are drawn in, as the order of the
# objective's suggest_* calls is in Optuna 3.1 (the reference: RandomSampler(seed) hands out its
# draws in call order, so another order gets other values). suggest compared a config with the
# kept one whatever the order of any object's keys (7052ea6), and then drew with the given
# config: the same space in another order was taken without a word, and the study's seed drew
# other values from then on. Now a space in another order is a difference: refused without
# --force, naming both orders; objects elsewhere (the root, a parameter's own keys) still
# compare whatever their keys' order.
. "$WS_ROOT/tests/cli/lib.sh"
need_python optuna optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
"$PY" -W ignore - <<'PY' >ref
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
def draw(names):
    t = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=7)).ask()
    return {n: t.suggest_float(n, 0.0, 1.0) for n in names}
a, b = draw(["learning_rate", "dropout"]), draw(["dropout", "learning_rate"])
print("other" if a != b else "same")
PY
test_expect_success "the reference: Optuna 3.1 draws other values for the same params asked in another order" '
  [ "$(cat ref)" = other ]'
suggest --db s.db --config c.json --n 2 >/dev/null
kept() { sqlite3 s.db "SELECT value_json FROM study_system_attributes WHERE key = 'wakesweep:config'"; }
kept >kept.before
# batch_size before learning_rate, channels last: every "when" parent still before its child
jq '.space |= {batch_size, learning_rate, dropout, optimizer, momentum, channels}' c.json >r.json
test_expect_code 2 "a space in another order is refused" suggest --db s.db --config r.json
test_expect_success "... naming both orders and why, no trial made, the kept config as it was" '
  grep -qF "study '"'"'kws'"'"' exists with a different config: space lists its parameters in another order: [\"batch_size\",\"learning_rate\",\"dropout\",\"optimizer\",\"momentum\",\"channels\"] in r.json, [\"learning_rate\",\"batch_size\",\"channels\",\"dropout\",\"optimizer\",\"momentum\"] in the config the study keeps" err &&
  grep -qF "in the config the study keeps, the order they are drawn in (the study'"'"'s seed would draw other values" err && grep -qF "use --force" err && [ ! -s out ] &&
  [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 2 ] && kept | cmp - kept.before'
test_expect_code 2 "... so is it with --enqueue" suggest --db s.db --config r.json --enqueue /dev/null
test_expect_success "... saying so" 'grep -qF "space lists its parameters in another order" err'
# the root's keys sorted and a parameter's own keys reordered, the space's order kept: one config
jq '. as $c | to_entries | sort_by(.key) | from_entries | .space = ($c.space | with_entries(.value |= (to_entries | reverse | from_entries)))' c.json >f.json
test_expect_success "(f.json: the same space order, other objects reordered)" '
  [ "$(jq -c ".space | keys_unsorted" f.json)" = "$(jq -c ".space | keys_unsorted" c.json)" ] && ! cmp -s <(jq -c . f.json) <(jq -c . c.json)'
test_expect_code 0 "other objects' key order is no difference" suggest --db s.db --config f.json
test_expect_success "... a trial made, the kept config as it was" '
  [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 3 ] && kept | cmp - kept.before'
test_expect_code 0 "--force takes the space in another order" suggest --db s.db --config r.json --force
test_expect_success "... and keeps it" '[ "$(kept | jq -c ".space | keys_unsorted")" = "$(jq -c ".space | keys_unsorted" r.json)" ]'
test_expect_code 0 "... which is then the study's" suggest --db s.db --config r.json
sed -n '/^\.B \\-\\-force$/,/^\.TP$/p' "$WS_ROOT/share/man/man1/suggest.1" | tr '\n' ' ' | sed 's/\\f[BIRC]//g; s/\\-/-/g' >force.man
test_expect_success "suggest(1) --force says the space's order counts" '
  grep -qF "Objects compare whatever their keys'"'"' order except the order of space'"'"'s parameters, which is the order they are drawn in" force.man'
