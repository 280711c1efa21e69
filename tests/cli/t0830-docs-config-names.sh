#!/usr/bin/env bash
# The names a study config may use are the ones the docs give: every top-level key the config
# parser takes (lib/space/config.c's config_keys) is in suggest(1)'s --config list, and every
# name suggest --help lists there is such a key (it listed "name", which a config refuses: the
# key is "study"); every pruner name the parser takes (lib/pruner/pruner.c) is in README's list
# of pruners ("asha", successive halving's other name, was not). Each name read from the source
# is also tried on suggest, so that the list checked is the one the tool takes.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_study_config c.json

sed -n '/config_keys\[\] = {/,/};/p' "$WS_ROOT/lib/space/config.c" | grep -oE '"[a-z_]+"' | tr -d '"' >keys
grep -oE 'strcmp\(name, "[a-z_]+"\)' "$WS_ROOT/lib/pruner/pruner.c" | grep -oE '"[a-z_]+"' | tr -d '"' | sort -u >pruners
test_expect_success "the source lists the config's keys and the pruners' names" '
  grep -qx study keys && grep -qx fixed keys && [ "$(wc -l <keys)" -ge 10 ] &&
  grep -qx median pruners && grep -qx nop pruners && [ "$(wc -l <pruners)" -ge 7 ]'

# suggest(1)'s --config entry: the sentence after "Study config (JSON):"
man_list=$(awk '/^\.BI \\-\\-config/ { on = 1; next } on && /^\.(TP|SH)/ { exit } on' "$WS_ROOT/share/man/man1/suggest.1" |
  tr '\n' ' ' | sed -E 's/.*Study config \(JSON\): ([^.]*)\..*/\1/')
help_list=$(suggest --help | grep -E '^ +--config FILE' | sed -E 's/.*\(JSON\): //; s/, \.\.\.//')
for k in $(cat keys); do
  # a config with the key (a description, or the key as the tone study has it) is taken
  case $k in
    description) jq '.description = "a study of tones"' c.json >k.json ;;
    *) jq --arg k "$k" 'if has($k) then . else error("the tone study has no \($k)") end' c.json >k.json 2>/dev/null || cp c.json k.json ;;
  esac
  test_expect_code 0 "suggest takes a config with \"$k\"" suggest --db "k-$k.db" --config k.json --n 0
  test_expect_success "... and suggest(1)'s --config names it" 'echo "$man_list" | tr -s ", ()" "\n" | grep -qx "$k"'
done
test_expect_code 2 "suggest refuses a config key that is not one of them" \
  suggest --db x.db --config <(jq '.name = "tones"' c.json) --n 0
test_expect_success "suggest --help's --config names keys of a config only" '
  echo "$help_list" >&2 && [ -n "$help_list" ] &&
  for w in $(echo "$help_list" | tr -d ","); do grep -qx "$w" keys || { echo "not a config key: $w" >&2; exit 1; }; done'

# README's list of pruners: the sentence "the pruner (...)" of its Studies section
readme=$(tr '\n' ' ' <"$WS_ROOT/README.md" | grep -oE 'the pruner \([^)]*\)' | head -1)
for p in $(cat pruners); do
  test_expect_code 0 "suggest takes the pruner \"$p\"" \
    suggest --db "p-$p.db" --config <(jq --arg p "$p" '.pruner = ({name: $p} + ({patient: {patience: 2}, percentile: {percentile: 25}, threshold: {lower: 0}}[$p] // {}))' c.json) --n 0
  test_expect_success "... and README's list of pruners names it" 'echo "$readme" >&2; [[ $readme == *"\`$p\`"* ]]'
done
