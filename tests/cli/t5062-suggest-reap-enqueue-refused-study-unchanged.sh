#!/usr/bin/env bash
# suggest --reap --enqueue FILE: --reap fails the RUNNING trials of this host whose process is
# gone and queues them again; --enqueue queues FILE's sets, all or none, and a FILE it refuses
# leaves the study as it was (suggest(1), t5058). The reap was committed before FILE was read, so
# a refused FILE (a bad line, a missing file, a directory) exited 2 with the study changed all
# the same: the dead process's trial FAIL, its retry WAITING. FILE is now read and checked before
# the reap too: refused, the study is byte for byte as it was (sqlite3 .dump); taken, the reap
# still comes before its sets are queued (the retry numbered before them).
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
sleep 300 &
dead=$!
suggest --db s.db --config c.json --pid "$dead" >/dev/null || exit 1
kill "$dead"; wait "$dead" 2>/dev/null
test_expect_success "trial 0 RUNNING, recorded as run by process $dead, now gone (the test's own check)" "
  [ \"\$(sqlite3 s.db 'SELECT state FROM trials WHERE number = 0')\" = RUNNING ] &&
  [ \"\$(sqlite3 s.db \"SELECT value_json FROM trial_system_attributes WHERE key = 'wakesweep:pid'\")\" = $dead ] &&
  ! kill -0 $dead 2>/dev/null"
cp s.db dead.db
sqlite3 dead.db .dump >before.sql
echo '{"learning_rate": 0.001, "batch_size": 32, "channels": 16, "dropout": 0.1, "optimizer": "adam"}' >good.jsonl
{ cat good.jsonl; echo '{"learning_rate": "fast"}'; } >bad.jsonl
mkdir adir

for input in bad.jsonl missing.jsonl adir; do
  cp dead.db s.db
  test_expect_code 2 "suggest --reap --enqueue $input (refused)" suggest --db s.db --config c.json --reap --enqueue $input
  test_expect_success "... leaves the study as it was (sqlite3 .dump the same), nothing reaped" "
    sqlite3 s.db .dump >after.sql && cmp before.sql after.sql && ! grep -q 'process is gone' err"
done

cp dead.db s.db
test_expect_code 0 "suggest --reap --enqueue good.jsonl" suggest --db s.db --config c.json --reap --enqueue good.jsonl
test_expect_success "... reaps trial 0 and queues it again (1) before the file's set (2)" "
  [ \"\$(sqlite3 s.db \"SELECT group_concat(number || ':' || state, ' ') FROM (SELECT * FROM trials ORDER BY number)\")\" = '0:FAIL 1:WAITING 2:WAITING' ] &&
  [ \"\$(jq -r .trial out)\" = 2 ] && grep -q '^suggest: trial 0: its process is gone; marked FAIL and queued again' err"
