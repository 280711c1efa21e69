#!/usr/bin/env bash
# A study config's heartbeat takes any positive number of seconds, and suggest --grace any positive
# number (inf too); times that far away are past what a time_t (and gmtime) can hold:
# - train-trial's heartbeat thread converted now + interval_seconds (1e300) to a time_t, which
#   wrapped to a moment long past: every wait ended at once and the thread wrote a heartbeat to the
#   study in a busy loop, a CPU and the study's write lock taken for the whole training;
# - suggest's stale-trial check formatted now - grace (1e300, inf) through a gmtime that failed,
#   and printed the uninitialized text (AddressSanitizer: stack-buffer-overflow in clock.c; the
#   normal build read stack garbage, which happened to match no heartbeat).
# Such a heartbeat beats never again within the training, and such a grace finds nothing stale.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

make_tone_cache tones
tone_study_config c.json
jq '.heartbeat = {"interval_seconds": 1e300, "grace_seconds": 1e301} | .budget.epochs = 30' c.json >far.json
suggest --db s.db --config far.json >line
# every heartbeat written, counted beside the study (the upsert is an insert or an update)
sqlite3 s.db "CREATE TABLE beats (n INTEGER);
  CREATE TRIGGER beat_i AFTER INSERT ON trial_heartbeats BEGIN INSERT INTO beats VALUES (1); END;
  CREATE TRIGGER beat_u AFTER UPDATE ON trial_heartbeats BEGIN INSERT INTO beats VALUES (1); END;"
test_expect_code 0 "train-trial, heartbeat.interval_seconds 1e300" \
  train-trial --db s.db --features tones.feat --threads 1 --quiet line
# a heartbeat comes with each reported value (the store's report beats) and at the start, and
# the thread's never within the training
test_expect_success "... beats with its reports only, not in a loop" '
  n=$(sqlite3 s.db "SELECT count(*) FROM beats") r=$(sqlite3 s.db "SELECT count(*) FROM trial_intermediate_values")
  echo "$n heartbeats, $r reports" >&2; [ "$r" -ge 30 ] && [ "$n" -le $((r + 2)) ]'
test_expect_success "... and completes" '[ "$(jq -r .state out)" = COMPLETE ]'

# a RUNNING trial, beating now: no grace, however long, makes it stale
cp "$WS_ROOT/tests/cli/study.json" k.json
suggest --db k.db --config k.json >/dev/null
sqlite3 k.db "INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (1, CURRENT_TIMESTAMP)
              ON CONFLICT (trial_id) DO UPDATE SET heartbeat = excluded.heartbeat"
for g in 1e300 inf 1e17; do
  test_expect_code 0 "suggest --grace $g" suggest --db k.db --config k.json --n 0 --grace "$g"
  test_expect_success "... fails no trial and says nothing" '
    [ ! -s err ] && [ "$(sqlite3 k.db "SELECT state FROM trials WHERE trial_id = 1")" = RUNNING ]'
done
jq '.heartbeat = {"grace_seconds": 1e300}' k.json >kg.json
test_expect_code 0 "suggest, heartbeat.grace_seconds 1e300" suggest --db kg.db --config kg.json --n 1
test_expect_code 0 "... its next call" suggest --db kg.db --config kg.json --n 0
test_expect_success "... fails no trial and says nothing" '
  [ ! -s err ] && [ "$(sqlite3 kg.db "SELECT state FROM trials")" = RUNNING ]'
test_expect_success "study intact" '[ "$(sqlite3 kg.db "PRAGMA integrity_check")" = ok ] && [ "$(sqlite3 k.db "PRAGMA integrity_check")" = ok ]'
