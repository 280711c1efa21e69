#!/usr/bin/env bash
# suggest --reap and the process that owns a trial (suggest --pid): pipelines/trial.sh claims its
# trial with --pid $$, then runs train-trial, which recorded its own pid over the script's. When
# train-trial could not store its result (the study locked past WS_DB_BUSY_S: exit 3, the result
# line printed, t4067), the script was still to record it with tell (t4069); but in that moment
# another trial's suggest --reap found the recorded process, train-trial, gone, and failed the
# trial and queued it again: the result was lost and the script's tell refused. Now train-trial
# keeps the --pid process, where it is one of its ancestors (the script runs it in a subshell), as
# the trial's owner (wakesweep:owner_pid, with its start time, wakesweep:owner_start), and --reap
# fails a trial only once both are gone, the owner's pid reused counting as gone.
# Here the owner is a shell that runs train-trial as its child (through timeout: a grandchild)
# and lives on after it, as trial.sh does.
# runner: waits (its study held locked past WS_DB_BUSY_S)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
slow_join_shim "owner-lives" || exit 0
asan=$(asan_lib train-trial) || asan=
make_tone_cache tones
tone_study_config c0.json
jq '.budget.epochs = 6' c0.json >c.json
db=s.db
# start_owner NAME CMD...: a shell (its pid in $owner) that waits for NAME.go, runs CMD in the
# background (its pid in NAME.child) and waits for it (its exit status in NAME.rc), then lives on
# until NAME.stop exists; its own messages ("Killed") in NAME.shell.err (each waited for 2 minutes at most: a test that fails leaves none behind)
start_owner() {
  local n=$1; shift
  bash -c 'for i in {1..1200}; do [ -e "$0.go" ] && break; sleep 0.1; done
           "$@" >"$0.out" 2>"$0.err" & echo $! >"$0.child"
           wait $!; echo $? >"$0.rc"; for i in {1..1200}; do [ -e "$0.stop" ] && break; sleep 0.1; done' "$n" "$@" 2>"$n.shell.err" &
  owner=$!
}
# wait_for FILE: until FILE exists (60 s at most)
wait_for() { local i; for i in $(seq 600); do [ -e "$1" ] && return; sleep 0.1; done; return 1; }
state_of() { sqlite3 "$db" "SELECT state FROM trials WHERE number = $1"; }
attr_of() { sqlite3 "$db" "SELECT value_json FROM trial_system_attributes JOIN trials USING (trial_id) WHERE number = $1 AND key = '$2'"; }
reap() { suggest --db "$db" --config c.json --reap -n 0; }

# trial 0: train-trial under its owner meets the study locked as it stores the result (exit 3)
train=(train-trial --db "$db" --features tones.feat --threads 1 --quiet)
start_owner a env WS_DB_BUSY_S=1 LD_PRELOAD="$asan${asan:+ }$TMP/join.so" timeout 60 "${train[@]}" line0
owner_a=$owner
suggest --db "$db" --config c.json --pid "$owner_a" >line0
/usr/bin/python3 "$WS_ROOT/tests/cli/hold-study-lock.py" "$db" "sql:SELECT count(*) >= 6 FROM trial_intermediate_values" 4 >held &
holder=$!
touch a.go
wait_for a.rc
wait "$holder"
test_expect_success "owner-lives: train-trial under its owner, the study locked as it finishes: exit 3, the result line printed, the trial RUNNING" \
  'grep -qx held held && [ "$(cat a.rc)" = 3 ] && jq -e ".trial == 0 and .state == \"COMPLETE\"" a.out && [ "$(state_of 0)" = RUNNING ]'
test_expect_code 0 "... the lock gone, suggest --reap while the owner lives" reap
test_expect_success "... leaves the trial RUNNING, not queued again (one trial in the study)" \
  '[ "$(state_of 0)" = RUNNING ] && [ "$(sqlite3 "$db" "SELECT count(*) FROM trials")" = 1 ] && kill -0 "$owner_a"'
sed -n 's/.* with: \(tell --db .*\)$/\1/p' a.err >tell.sh
test_expect_code 0 "... then the tell command of train-trial's message, run as given" bash -c '[ "$(wc -l <tell.sh)" = 1 ] && exec bash tell.sh'
test_expect_success "... records the result: trial 0 COMPLETE with the line's value" \
  '[ "$(state_of 0)" = COMPLETE ] && jq -e --argjson v "$(sqlite3 "$db" "SELECT printf(\"%.17g\", value) FROM trial_values")" ".value == \$v" a.out'
touch a.stop; wait "$owner_a"

# trials 1 and 2 are killed as they train, once their pid is seen in the study (a sqlite3 every
# 0.1 s): 6 epochs of the tones train in about 60 ms, often over before the pid was seen (the
# trial COMPLETE, 4 of 5 runs on a VM slower to start processes); 2000 train for seconds
jq '.budget.epochs = 2000' c0.json >c.json
# trial 1: its train-trial killed under a live owner, then the owner's pid reused (another start time)
start_owner b "${train[@]}" line1
owner_b=$owner
suggest --db "$db" --config c.json --force --pid "$owner_b" >line1
touch b.go
wait_for b.child
for i in $(seq 600); do [ "$(attr_of 1 wakesweep:pid)" = "$(cat b.child)" ] && break; sleep 0.1; done
kill -KILL "$(cat b.child)"
wait_for b.rc
test_expect_code 0 "a trial whose train-trial was killed, its owner living: suggest --reap" reap
test_expect_success "... leaves it RUNNING (the owner tells it, as trial.sh does)" \
  '[ "$(state_of 1)" = RUNNING ] && [ "$(sqlite3 "$db" "SELECT count(*) FROM trials")" = 2 ]'
test_expect_success "the owner's recorded start time changed (its pid taken by another process)" \
  '[ "$(sqlite3 "$db" "UPDATE trial_system_attributes SET value_json = value_json + 1 WHERE key = \"wakesweep:owner_start\"
        AND trial_id = (SELECT trial_id FROM trials WHERE number = 1); SELECT changes()")" = 1 ]'
test_expect_code 0 "... suggest --reap" reap
test_expect_success "... fails it as gone, and queues it again (trial 2, WAITING)" \
  '[ "$(state_of 1)" = FAIL ] && [ "$(attr_of 1 wakesweep:died)" = true ] && [ "$(state_of 2)" = WAITING ]'
touch b.stop; wait "$owner_b"

# trial 2 (the retry): its train-trial killed, then its owner gone
start_owner c "${train[@]}" line2
owner_c=$owner
suggest --db "$db" --config c.json --pid "$owner_c" >line2
touch c.go
wait_for c.child
for i in $(seq 600); do [ "$(attr_of 2 wakesweep:pid)" = "$(cat c.child)" ] && break; sleep 0.1; done
kill -KILL "$(cat c.child)"
wait_for c.rc
touch c.stop; wait "$owner_c"
test_expect_code 0 "a trial whose train-trial and owner are both gone: suggest --reap" reap
test_expect_success "... fails it, its reason naming both processes, and queues it again" \
  '[ "$(state_of 2)" = FAIL ] && [ "$(attr_of 2 wakesweep:died)" = true ] && [ "$(state_of 3)" = WAITING ] &&
   attr_of 2 wakesweep:reason | grep -q "process $(cat c.child) on .* is gone, and so is $owner_c, which ran it"'
test_expect_success "... the retry carries no owner of the failed trial" \
  '[ -z "$(attr_of 3 wakesweep:owner_pid)$(attr_of 3 wakesweep:owner_start)" ]'
