#!/usr/bin/env bash
# suggest(1) lists a config's description as "text for people; not read", yet a description
# edited (added, reworded, removed) made the config "a different config": "study 'kws' exists
# with a different config: description is ... (use --force to replace it)", exit 2, stopping
# every ask/tell loop and `make sweep` (check-vars.sh asks suggest) of the study over a comment.
# It is not compared now: the config is the study's, which keeps the description it was made
# with, and any other difference is still refused.
. "$WS_ROOT/tests/cli/lib.sh"
jq '.description = "first words"' "$WS_ROOT/tests/cli/study.json" >c.json
suggest --db s.db --config c.json --n 0
kept() { sqlite3 s.db "SELECT value_json FROM study_system_attributes WHERE key = 'wakesweep:config'"; }
kept >kept.before
jq '.description = "other words"' c.json >reworded.json
jq 'del(.description)' c.json >none.json
jq '.description = {"by": "me", "why": ["a", "b"]}' c.json >object.json
for f in reworded none object; do
  test_expect_code 0 "a config whose description is $f (suggest --n 1)" suggest --db s.db --config $f.json
  test_expect_success "... its trial line, nothing said, the kept config as it was" '
    jq -e ".study == \"kws\" and (.params | length) > 0" out && [ ! -s err ] && [ "$(kept)" = "$(cat kept.before)" ]'
done
jq '.description = "other words" | .space.dropout.high = 0.4' c.json >edited.json
test_expect_code 2 "another difference beside the description is still refused" suggest --db s.db --config edited.json --n 0
test_expect_success "... naming it, not the description" '
  grep -q "exists with a different config: space.dropout.high is 0.4 in edited.json, 0.5 in the config the study keeps" err'
test_expect_success "suggest(1) still says the description is not read" '
  grep -q "description (text for people; not read" "$WS_ROOT/share/man/man1/suggest.1"'
