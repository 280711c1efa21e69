#!/usr/bin/env bash
# A trial records the host its process runs on (wakesweep:host: suggest --pid, train-trial), so
# that suggest --reap fails only this host's dead trials. The kernel takes any bytes for the host
# name (sethostname(2)); one that is not UTF-8 made no JSON string, and suggest --pid and
# train-trial died of SIGSEGV (exit 139) recording it, the trial left RUNNING. The name is now
# kept as the tools show such bytes, \xNN, the same wherever it is read: recorded, and compared by
# --reap. Run in a UTS namespace of its own (unshare, as root), whose name is h\xffx.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
# in_host CMD...: CMD run where the host name is the bytes h \xff x
in_host() {
  unshare --uts /usr/bin/python3 -c 'import os, socket, sys
socket.sethostname(b"h\xffx")
os.execvp(sys.argv[1], sys.argv[1:])' "$@"
}
if ! in_host true 2>host.err; then
  test_skip "a host name that is not UTF-8" "no UTS namespace can be made here (unshare --uts needs root): $(head -c 200 host.err)"
  exit 0
fi
in_host cat /proc/sys/kernel/hostname | od -An -c | grep -q 'h 377   x' || { echo "FAIL the namespace's host name is not h\\xffx"; exit 0; }
tone_trial   # tones.feat, c.json, runs/s.db with trial 0 RUNNING (line)
host() { sqlite3 runs/s.db "SELECT value_json FROM trial_system_attributes a JOIN trials t USING (trial_id)
                            WHERE t.number = $1 AND key = 'wakesweep:host'" | jq -r .; }

test_expect_code 0 "suggest --pid on a host whose name is not UTF-8" in_host suggest --db runs/s.db --config c.json --pid $$
test_expect_success "... records the host as h\\xffx" '[ "$(jq .trial out)" = 1 ] && [ "$(host 1)" = "h\\xffx" ]'
test_expect_code 0 "train-trial there" in_host train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line
test_expect_success "... trains the trial (COMPLETE), its host recorded the same way" '
  [ "$(jq -r .state out)" = COMPLETE ] && [ "$(host 0)" = "h\\xffx" ]'
sleep 0 & dead=$!
wait $dead
test_expect_code 0 "suggest --pid of a process now gone" in_host suggest --db runs/s.db --config c.json --pid $dead
test_expect_code 0 "suggest --reap there, as the same host" in_host suggest --db runs/s.db --config c.json --reap --n 0
test_expect_success "... fails that trial, its process gone on this host, and queues it again" '
  grep -q "^suggest: trial 2: its process is gone; marked FAIL and queued again" err &&
  [ "$(sqlite3 runs/s.db "SELECT state FROM trials WHERE number = 2")" = FAIL ]'
