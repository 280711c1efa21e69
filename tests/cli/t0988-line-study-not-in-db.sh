#!/usr/bin/env bash
# A trial line (train-trial, also --probe-batch) or a result line (tell --result) naming a study
# the database does not hold: the message was the store's, "DB: unknown study 'x'", naming the
# database and the study but not the input the name came from (a file, stdin), unlike every other
# error of those lines. Now it names the input and its field as the line's other errors do:
# tell "FILE: \"study\": no study 'x' in DB" (stdin for -), train-trial "trial line: study: ...";
# exit 2 as before, the study unchanged (its trial still RUNNING). --study's own unknown study is
# the option's, and keeps its message.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json >line
jq -c '.study = "other"' line >other.line
echo '{"study": "other", "trial": 0, "state": "COMPLETE", "value": 0.5}' >other.result
running() { [ "$(sqlite3 s.db "SELECT state FROM trials")" = RUNNING ]; }

test_expect_code 2 "tell --result FILE of a study the database does not hold: exit 2" tell --db s.db --result other.result
test_expect_success "... names the file, the field, the study and the database; trial 0 still RUNNING" \
  '[ "$(cat err)" = "tell: other.result: \"study\": no study '"'"'other'"'"' in s.db" ] && running'
test_expect_code 2 "the same line on stdin (--result -)" sh -c 'tell --db s.db --result - <other.result'
test_expect_success "... names stdin" \
  '[ "$(cat err)" = "tell: stdin: \"study\": no study '"'"'other'"'"' in s.db" ] && running'

test_expect_code 2 "train-trial given a trial line of a study the database does not hold: exit 2" \
  train-trial --db s.db --features none.feat --device cpu --threads 1 --quiet other.line
test_expect_success "... names the trial line and its field, as its other errors; trial 0 still RUNNING" \
  '[ "$(cat err)" = "train-trial: trial line: study: no study '"'"'other'"'"' in s.db" ] && running'
test_expect_code 2 "... on stdin, the same" sh -c 'train-trial --db s.db --features none.feat --device cpu --threads 1 --quiet <other.line'
test_expect_success "... the same message" \
  '[ "$(cat err)" = "train-trial: trial line: study: no study '"'"'other'"'"' in s.db" ] && running'
test_expect_code 2 "train-trial --probe-batch, the same line" \
  train-trial --db s.db --features none.feat --device cpu --probe-batch other.line
test_expect_success "... the same message" \
  '[ "$(cat err)" = "train-trial: trial line: study: no study '"'"'other'"'"' in s.db" ] && running'

# --study NAME: the option named it, and the store's message says so already
test_expect_code 2 "tell --study other (the option): exit 2" tell --db s.db --study other --trial 0 --state fail
test_expect_success "... the store's message, as before" '[ "$(cat err)" = "tell: s.db: unknown study '"'"'other'"'"'" ] && running'
# a line of the study there is taken as before
test_expect_code 0 "tell --result with the study the database holds" \
  sh -c 'jq -c ".study = \"kws\"" other.result | tell --db s.db --result -'
test_expect_success "... trial 0 COMPLETE" '[ "$(sqlite3 s.db "SELECT state FROM trials")" = COMPLETE ]'

test_expect_success "tell(1) and train-trial(1) give the messages" '
  tr "\n" " " <"$WS_ROOT/share/man/man1/tell.1" | sed "s/\\\\f[BCIR]//g; s/\\\\-/-/g" >tell.page &&
  grep -qF "a study the database does not hold (FILE: \"study\": no study '"'"'x'"'"' in s.db; stdin for -)" tell.page &&
  tr "\n" " " <"$WS_ROOT/share/man/man1/train-trial.1" | sed "s/\\\\f[BCIR]//g; s/\\\\-/-/g" >tt.page &&
  grep -qF "\"trial line: study: no study '"'"'x'"'"' in s.db\"" tt.page'
