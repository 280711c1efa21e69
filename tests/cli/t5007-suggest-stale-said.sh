#!/usr/bin/env bash
# suggest fails the stale trials (heartbeat older than the grace) in the transaction of the trial
# it makes, and said so on stderr at once: when that transaction was rolled back (--unless-done
# found the tag's trial finished), its "marked FAIL and queued again"
# named trials that were still RUNNING, and said it again at every such suggest. Now it is said
# once the failing is committed, and only then.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
echo '{"lr0": 0.001}' >lr1.json
suggest --db s.db --config c.json --tag A --fixed lr1.json >/dev/null
tell --db s.db --study kws --trial 0 --state complete --value 1 >/dev/null
suggest --db s.db --config c.json --tag B >/dev/null
stale() { sqlite3 s.db "UPDATE trial_heartbeats SET heartbeat = '2000-01-01 00:00:00' WHERE trial_id = (SELECT trial_id FROM trials WHERE number = $1)"; }
state() { sqlite3 s.db "SELECT state FROM trials WHERE number = $1"; }
stale 1
test_expect_code 1 "--unless-done: tag A's trial is finished" suggest --db s.db --config c.json --tag A --unless-done
test_expect_success "... trial 1 still RUNNING, and not said to be marked FAIL" '
  [ "$(state 1)" = RUNNING ] && ! grep -q "trial 1: heartbeat older" err'
test_expect_code 0 "a suggest that makes a trial" suggest --db s.db --config c.json
test_expect_success "... fails trial 1, queues it again as trial 2 and says so once" '
  [ "$(state 1)" = FAIL ] && [ "$(jq .trial out)" = 2 ] &&
  [ "$(grep -c "^suggest: trial 1: heartbeat older than 120s, marked FAIL and queued again$" err)" = 1 ]'
stale 2
test_expect_code 0 "suggest --n 0 fails trial 2" suggest --db s.db --config c.json --n 0
test_expect_success "... and says so" '[ "$(state 2)" = FAIL ] && grep -q "^suggest: trial 2: heartbeat older" err'
