#!/usr/bin/env bash
# study-copy --to-study: the study config wakesweep keeps in a study (system attribute
# wakesweep:config) carries the study's name (suggest.1, --study). It was copied as it was, so
# the renamed copy kept the old name, and continuing it as suggest(1) says, with --study NEW (or
# a config naming NEW: make sweep STUDY=NEW), was refused: "study 'NEW' exists with a different
# config: study is "NEW" in c.json, "OLD" in the config the study keeps".
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db a.db --config c.json >/dev/null
tell --db a.db --study kws --trial 0 --state complete --value 0.5 >/dev/null
kept() { sqlite3 "$1" "SELECT value_json FROM study_system_attributes a JOIN studies s USING(study_id)
                       WHERE s.study_name = '$2' AND a.key = 'wakesweep:config'"; }

test_expect_code 0 "copy under a new name to another file" study-copy --from a.db --to b.db --to-study kws-b
test_expect_success "... the kept config names the new study, all else as it was" '
  [ "$(kept b.db kws-b | jq -cS .)" = "$(kept a.db kws | jq -cS ".study = \"kws-b\"")" ]'
test_expect_code 0 "... and suggest --study continues it" suggest --db b.db --config c.json --study kws-b
test_expect_success "... with its next trial" '[ "$(jq -c "[.study, .trial]" out)" = "[\"kws-b\",1]" ]'

test_expect_code 0 "copy under a new name into the same file" study-copy --from a.db --to a.db --to-study kws-c
test_expect_code 0 "... suggest --study continues it" suggest --db a.db --config c.json --study kws-c
test_expect_success "... the source study keeps its own name in its config" '[ "$(kept a.db kws | jq -r .study)" = kws ]'

test_expect_code 0 "copy under the same name" study-copy --from a.db --study kws --to d.db
test_expect_success "... the config copied as written" '[ "$(kept d.db kws)" = "$(kept a.db kws)" ]'
