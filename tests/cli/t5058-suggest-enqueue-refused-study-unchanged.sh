#!/usr/bin/env bash
# suggest --enqueue FILE fails the study's stale RUNNING trials (heartbeat older than the grace)
# and queues them again, as every suggest does, then queues FILE's sets, all or none. It failed
# the stale trials first, committed, and only then read FILE: a FILE it refused (a bad line, a
# missing file, a directory) exited 2 with the study changed all the same, its stale trials FAIL
# and their retries WAITING, where --fixed and --config refuse a bad file before the study is
# touched. FILE is now read and checked first: refused, the study is as it was; taken, the stale
# trials are failed and queued again before its sets, in the numbers they had.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 2 >/dev/null || exit 1
sqlite3 s.db "UPDATE trial_heartbeats SET heartbeat = datetime('now', '-1 hour')" || exit 1
cp s.db stale.db
study_rows() { sqlite3 "$1" "SELECT number, state FROM trials ORDER BY number; SELECT count(*) FROM trial_system_attributes;" | tr '\n' ' '; }
before=$(study_rows stale.db)
echo '{"learning_rate": 0.001, "batch_size": 32, "channels": 16, "dropout": 0.1, "optimizer": "adam"}' >good.jsonl
{ cat good.jsonl; echo '{"learning_rate": "fast"}'; } >bad.jsonl
mkdir adir

for input in bad.jsonl missing.jsonl adir; do
  cp stale.db s.db
  test_expect_code 2 "suggest --enqueue $input (refused)" suggest --db s.db --config c.json --enqueue $input
  test_expect_success "... leaves the study as it was: trials 0 and 1 RUNNING, nothing queued ($before)" "
    [ \"\$(study_rows s.db)\" = \"$before\" ] && ! grep -q 'marked FAIL' err"
done
test_expect_success "... the bad line named" "
  cp stale.db s.db; suggest --db s.db --config c.json --enqueue bad.jsonl 2>bad.err; grep -q '^suggest: bad.jsonl:2' bad.err"

cp stale.db s.db
test_expect_code 0 "suggest --enqueue good.jsonl" suggest --db s.db --config c.json --enqueue good.jsonl
test_expect_success "... fails the stale trials and queues them again (2, 3) before its set (4)" "
  [ \"\$(sqlite3 s.db \"SELECT group_concat(number || ':' || state, ' ') FROM (SELECT * FROM trials ORDER BY number)\")\" = '0:FAIL 1:FAIL 2:WAITING 3:WAITING 4:WAITING' ] &&
  [ \"\$(jq -r .trial out)\" = 4 ] && grep -q '^suggest: trial 0: heartbeat older than 120s, marked FAIL and queued again' err"
