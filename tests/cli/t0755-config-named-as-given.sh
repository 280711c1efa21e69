#!/usr/bin/env bash
# A study config is named in messages as it was given: suggest cut the path to its last part, so
# a config given by process substitution (suggest --config <(jq . c.json)) was "suggest: 63: ...",
# a file descriptor's number that names nothing, and a config in another folder lost its folder
# ("c.json" for runs/a/c.json and runs/b/c.json alike). featurize's --config was named whole
# already; both are checked. The name the shell gives <(...) is bash's own /dev/fd/N.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir sub
jq '. + {"bad": 1}' "$WS_ROOT/tests/cli/study.json" >sub/unknown.json
jq '.space.dropout.high = -1' "$WS_ROOT/tests/cli/study.json" >sub/space.json
jq '. + {"fixed": {"label_smoothing": 2}}' "$WS_ROOT/tests/cli/study.json" >sub/fixed.json
jq '.sampler = {"name": "random", "bogus": 1}' "$WS_ROOT/tests/cli/study.json" >sub/sampler.json

test_expect_success "bash names a process substitution /dev/fd/N (the reference)" '
  bash -c "echo <(true)" | grep -qxE "/dev/fd/[0-9]+"'
test_expect_code 2 "suggest --config <(cat sub/unknown.json)" bash -c 'exec suggest --db s.db --config <(cat sub/unknown.json)'
test_expect_success "... names the config /dev/fd/N, not N" 'grep -qxE "suggest: /dev/fd/[0-9]+: unknown key .bad." err'
# each check a config file passes: its parse, the space's, train-trial's settings, the sampler's
for c in unknown space fixed sampler; do
  test_expect_code 2 "suggest --config sub/$c.json" suggest --db s.db --config sub/$c.json
  test_expect_success "... names sub/$c.json, its folder kept" 'grep -q "^suggest: sub/$c\.json: " err'
done
test_expect_code 2 "suggest, the fixed setting refused, by process substitution" \
  bash -c 'exec suggest --db s.db --config <(cat sub/fixed.json)'
test_expect_success "... names /dev/fd/N" 'grep -qE "^suggest: /dev/fd/[0-9]+: fixed\.label_smoothing: " err'
test_expect_success "no study was made by the refusals" '[ ! -e s.db ] || [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 0 ]'
echo '{"n_mels": 0}' >sub/feat.json
test_expect_code 2 "featurize --config <(cat sub/feat.json)" \
  bash -c 'exec featurize --quiet --config <(cat sub/feat.json) --out a.feat /dev/null'
test_expect_success "... names /dev/fd/N too" 'grep -qE "^featurize: /dev/fd/[0-9]+\.n_mels: " err'
