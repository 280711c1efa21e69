#!/usr/bin/env bash
# train-trial killed mid-trial (SIGTERM): what its man page's SIGNALS says. It dies of the
# signal, its trial stays RUNNING with its pid, and suggest --reap marks it FAIL ("process N on
# HOST is gone") and queues its params again; no half-written checkpoint is left.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_training
kill -TERM $pid
killed=0; wait $pid || killed=$?   # (not "rc": test_expect_success has its own)
test_expect_success "SIGTERM mid-trial: it dies of the signal (status 143), printing no result line" '[ "$killed" = 143 ] && [ ! -s out ]'
test_expect_success "... after a validation was reported" '[ "$(sqlite3 runs/s.db "SELECT count(*) FROM trial_intermediate_values")" -gt 0 ]'
test_expect_success "... the trial stays RUNNING with its pid" '
  [ "$(sqlite3 runs/s.db "SELECT state FROM trials WHERE number = 0")" = RUNNING ] &&
  [ "$(sqlite3 runs/s.db "SELECT value_json FROM trial_system_attributes WHERE key = \"wakesweep:pid\"")" = $pid ]'
test_expect_success "... no half-written checkpoint left" '! ls runs | grep -v "^trial-0.ckpt$\|^best.ckpt$\|^s.db\|^\.best.lock$" | grep .'
test_expect_code 0 "suggest --reap" suggest --db runs/s.db --config long.json --reap
cp out again
test_expect_success "... marks it FAIL: its process is gone" '
  [ "$(sqlite3 runs/s.db "SELECT state FROM trials WHERE number = 0")" = FAIL ] &&
  sqlite3 runs/s.db "SELECT value_json FROM trial_system_attributes a JOIN trials t USING (trial_id)
    WHERE t.number = 0 AND a.key = \"wakesweep:reason\"" | grep -q "process $pid on .* is gone"'
test_expect_success "... and its params go again" 'jq -e --slurpfile l line ".params == \$l[0].params and .trial == 1" again'
