#!/usr/bin/env bash
# train-trial: text after the trial line that is not a second trial line (a stray '}', a word)
# was reported as "more than one trial line; train-trial trains one", sending the reader to look
# for a second line that is not there. It is named where it is (file:line:column), as a JSON
# error is; a second object is still "more than one trial line".
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trial
len=$(tr -d '\n' <line | wc -c)
{ tr -d '\n' <line; echo '}'; } >brace
test_expect_code 2 "a trial line with a stray '}' after it" train-trial --db runs/s.db --features tones.feat --quiet brace
test_expect_success "... names the place and the text, not a second line" '
  grep -qxF "train-trial: brace:1:$((len + 1)): '"'}'"' after the trial line: expected nothing more (one JSON object)" err'
{ cat line; printf '\n  junk here\n'; } >word
test_expect_code 2 "a word on a later line" train-trial --db runs/s.db --features tones.feat --quiet - <word
test_expect_success "... names stdin, its line and column" '
  grep -qxF "train-trial: stdin:3:3: '"'junk'"' after the trial line: expected nothing more (one JSON object)" err'
suggest --db runs/s.db --config c.json >>line
test_expect_code 2 "two trial lines" train-trial --db runs/s.db --features tones.feat --quiet line
test_expect_success "... still: more than one trial line" 'grep -q "^train-trial: line: more than one trial line; train-trial trains one" err'
test_expect_success "none of them trained: the trials still RUNNING" '[ "$(sqlite3 runs/s.db "SELECT group_concat(state) FROM trials")" = RUNNING,RUNNING ]'

# A trial line saved by a Windows editor (Notepad, PowerShell's Out-File) starts with a UTF-8 byte
# order mark: it was "bom:1:1: '[' or '{' expected near '<the invisible mark>'", a message that
# shows nothing wrong, where the settings files and suggest --enqueue's lines skip it (t2022, t0044)
{ printf '\357\273\277'; suggest --db runs/s.db --config c.json | jq -c '.budget.epochs = 1'; } >bom
test_expect_code 0 "a trial line starting with a byte order mark" train-trial --db runs/s.db --features tones.feat --quiet --threads 1 bom
test_expect_success "... trains its trial" 'jq -e ".trial == 2 and .state == \"COMPLETE\"" out'
