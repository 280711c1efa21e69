#!/usr/bin/env bash
# A reader that has gone (TOOL | head -1, TOOL | true) kills every tool but suggest by SIGPIPE,
# quietly, as the shell expects (t0040): exit status 141 in a script, never one of the 0 to 3 the
# pages listed, whose 3 read "a line that could not be written (stdout full or closed)". A user of
# the pages alone could not tell a closed pipe from a full disk, nor whether the work was done.
# It is: each tool writes its line after its work, so the trial is told, the value recorded, the
# copy made and the cache written; and each page (and the README's exit statuses) now says so.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trial
jq '.budget.epochs = 1' c.json >c1.json
suggest --db runs/t.db --config c1.json --n 3 >lines
sed -n 3p lines >third
{ echo "tell --db runs/t.db --study tones --trial 0 --state complete --value 0.5"
  echo "prune-check --db runs/t.db --study tones --trial 1 --step 1 --value 0.25"
  echo "study-copy --from runs/t.db --to copy.db"
  echo "train-trial --db runs/t.db --features tones.feat --threads 1 --quiet --keep none third"
  echo "featurize --quiet --threads 1 --out again.feat tones/manifest.jsonl"
  echo "report --db runs/t.db"; } >cmds
closed_pipe <cmds >got
state() { sqlite3 runs/t.db "SELECT state FROM trials WHERE number = $1"; }
test_expect_success "tell into a closed pipe: SIGPIPE, nothing said, the trial told" '
  [ "$(sed -n 1p got)" = "signal 13" ] && [ ! -s err.1 ] && [ "$(state 0)" = COMPLETE ]'
test_expect_success "prune-check: SIGPIPE, nothing said, the value recorded" '
  [ "$(sed -n 2p got)" = "signal 13" ] && [ ! -s err.2 ] &&
  [ "$(sqlite3 runs/t.db "SELECT step || \" \" || intermediate_value FROM trial_intermediate_values
                          JOIN trials USING (trial_id) WHERE number = 1")" = "1 0.25" ]'
test_expect_success "study-copy: SIGPIPE, nothing said, the copy made" '
  [ "$(sed -n 3p got)" = "signal 13" ] && [ ! -s err.3 ] &&
  [ "$(sqlite3 copy.db "SELECT count(*) FROM trials")" = 3 ]'
test_expect_success "train-trial: SIGPIPE, nothing said, the trial's result recorded" '
  [ "$(sed -n 4p got)" = "signal 13" ] && [ ! -s err.4 ] && [ "$(state 2)" != RUNNING ] &&
  [ "$(sqlite3 runs/t.db "SELECT count(*) FROM trial_values")" = 2 ]'
test_expect_success "featurize: SIGPIPE, nothing said, the cache written" '
  [ "$(sed -n 5p got)" = "signal 13" ] && [ ! -s err.5 ] &&
  [ "$(featurize --describe again.feat | jq -r .data_hash)" = "$(featurize --describe tones.feat | jq -r .data_hash)" ]'
test_expect_success "report: SIGPIPE, nothing said" '[ "$(sed -n 6p got)" = "signal 13" ] && [ ! -s err.6 ]'

# Each page but suggest's says it beside its exit statuses: SIGPIPE, 141, and what was done.
exit_section() {
  awk '/^\.SH EXIT STATUS/ { on = 1; next } on && /^\.SH/ { exit } on' "$WS_ROOT/share/man/man1/$1.1" |
    sed 's/\\f.//g; s/\\-/-/g' | tr '\n' ' '
}
for t in tell:told prune-check:recorded study-copy:made train-trial:recorded featurize:written report: gpu-monitor:; do
  tool=${t%%:*} done=${t#*:}
  exit_section "$tool" >"sec.$tool"
  test_expect_success "$tool(1)'s EXIT STATUS: a reader that has gone, SIGPIPE, 141${done:+, $done}" '
    grep -q "reader that has gone" sec.'"$tool"' && grep -q SIGPIPE sec.'"$tool"' && grep -q 141 sec.'"$tool"' &&
    { [ -z "'"$done"'" ] || grep -q "SIGPIPE[^.]*'"$done"'" sec.'"$tool"'; }'
done
test_expect_success "suggest(1)'s stays: its trial line's reader gone is exit 3" '
  exit_section suggest | grep -q "3 internal error, or stdout could not be written"'
awk '/^Every tool has `--help`/,/^$/' "$WS_ROOT/README.md" | tr '\n' ' ' >readme
test_expect_success "the README's exit statuses: a reader that has gone, SIGPIPE, 141, suggest excepted" '
  grep -q "reader that has gone" readme && grep -q SIGPIPE readme && grep -q 141 readme &&
  grep -q "SIGPIPE[^.]*suggest" readme'
