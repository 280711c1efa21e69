#!/usr/bin/env bash
# A reader that has gone (TOOL | true, TOOL | grep -q ...): as the shell expects, a tool whose
# output is not wanted any more dies of SIGPIPE, quietly. suggest ignores SIGPIPE so that a trial
# line no one reads is a write error it handles (the trial failed and queued again, exit 3), but
# it ignored it for --help and --version too: "suggest --version | true" said "stdout: write
# error: Broken pipe" and exited 3. The pipe's reader is closed before the tool starts, so each
# case is certain (a shell pipe would race the reader's exit), and SIGPIPE is at its default in
# the tool (Python's subprocess sets it so), whatever the test runner was started with.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json >/dev/null
tools="featurize suggest train-trial prune-check report gpu-monitor tell study-copy"
{ for t in $tools; do echo "$t --help"; echo "$t --version"; done
  echo "report --db s.db"
  echo "suggest --db s.db --config c.json"; } >cmds
closed_pipe <cmds >got
k=0
for t in $tools; do
  for o in --help --version; do
    k=$((k + 1))
    test_expect_success "$t $o into a closed pipe: killed by SIGPIPE, nothing said" \
      '[ "$(sed -n '$k'p got)" = "signal 13" ] && [ ! -s err.'$k' ]'
  done
done
test_expect_success "report into a closed pipe: killed by SIGPIPE, nothing said" \
  '[ "$(sed -n 17p got)" = "signal 13" ] && [ ! -s err.17 ]'
# a trial line is the exception, as suggest(1) says: handled, so the trial is not left RUNNING
test_expect_success "suggest's trial line into a closed pipe: exit 3, the trial failed and queued again" \
  '[ "$(sed -n 18p got)" = "exit 3" ] && grep -q "^suggest: trial 1: its line could not be written" err.18 &&
   [ "$(sqlite3 s.db "SELECT state FROM trials WHERE number = 1")" = FAIL ]'
