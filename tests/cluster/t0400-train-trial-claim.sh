#!/usr/bin/env bash
# train-trial claims its trial (checks that no other live train-trial trains it, records its own
# pid) in one transaction. On SQLite that transaction holds the write lock; on PostgreSQL it must
# lock the trial's row itself: without the lock, a train-trial that read the trial while another
# was claiming it found no other trainer, and both trained the trial. Here the other claim is a
# psql transaction that locks the row and records a live train-trial's pid and start time (as
# study_record_process does: a pid of another start time is not that process), committed while the
# train-trial under test is already started. Needs the server of tests/cluster/run.sh.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
. "$WS_ROOT/tests/cluster/db.sh"
if [ -z "${WS_PG_HOST:-}" ]; then test_skip "train-trial claim" "PostgreSQL only (make check-cluster)"; exit 0; fi
make_tone_cache tones
tone_study_config c.json
DB=$(db_new claim) || exit 1
suggest --db "$DB" --config c.json --pid $$ >line
# A live train-trial process: one waiting for its trial line (a FIFO this shell holds open).
mkfifo hold
exec 6<>hold
train-trial --db "$DB" --features tones.feat --quiet - <&6 &
other=$!
for _ in $(seq 100); do [ "$(readlink "/proc/$other/exe")" = "$(readlink -f "$WS_BIN/train-trial")" ] && break; sleep 0.05; done
# The other claim, in progress: the trial's row locked, that process's pid written, not committed.
mkfifo sql
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" <sql >psql.out 2>&1 &
psql_pid=$!
exec 7>sql
echo "BEGIN; SELECT trial_id FROM trials WHERE number = 0 FOR NO KEY UPDATE;
UPDATE trial_system_attributes SET value_json = '$other' WHERE key = 'wakesweep:pid';
UPDATE trial_system_attributes SET value_json = '$(cut -d' ' -f22 "/proc/$other/stat")' WHERE key = 'wakesweep:pid_start';" >&7
# (each step waited for: the other claim in progress, then the train-trial waiting on a lock)
in_state() { [ "$(dbq "$DB" "SELECT count(*) FROM pg_stat_activity WHERE $1")" -ge 1 ]; }
for _ in $(seq 100); do in_state "state = 'idle in transaction'" && break; sleep 0.05; done
train-trial --db "$DB" --features tones.feat --quiet --threads 1 --max-seconds 3 line >out 2>err &
tt=$!
for _ in $(seq 100); do in_state "wait_event_type = 'Lock'" && break; sleep 0.05; done
echo "COMMIT;" >&7
exec 7>&-
trc=0; wait $tt || trc=$?
test_expect_success "a train-trial started while another process claims its trial is refused (exit 2)" '[ "$trc" = 2 ]'
test_expect_success "... names that process, and leaves its pid" '
  grep -q "trial 0 is being trained by train-trial process $other" err &&
  [ "$(dbq "$DB" "SELECT value_json FROM trial_system_attributes WHERE key = '"'wakesweep:pid'"'")" = "$other" ]'
wait $psql_pid
kill $other 2>/dev/null; wait $other 2>/dev/null; exec 6>&-
exit 0
