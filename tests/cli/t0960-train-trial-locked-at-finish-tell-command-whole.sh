#!/usr/bin/env bash
# The tell command of train-trial's message (t4067: the study locked past WS_DB_BUSY_S as the
# result is stored) where the message is long: a study file in a folder of 200 characters, and a
# trial failed in training with a reason that quotes its --ckpt-dir, 200 characters too (a folder
# where its checkpoint goes). The message (the store's "database is locked", then "trial 0's
# result is not stored ... with: tell ...") was cut at the 1023 bytes a message holds, inside
# the tell command: the command given ended in an open quote, and run as given it failed (exit
# 2, "unexpected EOF"), the trial left RUNNING. The command is now given whole: the store's part
# before it is shortened in its middle ("...": the file's name cut, "database is locked" kept)
# where both do not fit, the store's "set WS_DB_BUSY_S to wait longer" after it kept whole. Run
# as given, the command finishes
# the trial FAIL with the result line's reason (read back by Optuna 3.1).
# runner: waits (its study held locked past WS_DB_BUSY_S)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
slow_join_shim "tell-command-whole" || exit 0
asan=$(asan_lib train-trial) || asan=
make_tone_cache tones
tone_study_config c0.json
jq '.budget.epochs = 2' c0.json >c.json
runs=$(printf 'r%.0s' $(seq 200)); mkdir "$runs"
db=$runs/s.db
suggest --db "$db" --config c.json >line
bad=$(printf 'c%.0s' $(seq 200))
mkdir -p "$bad/trial-0.ckpt"   # a folder where the first validation's checkpoint goes
/usr/bin/python3 "$WS_ROOT/tests/cli/hold-study-lock.py" "$db" "sql:SELECT count(*) FROM study_system_attributes WHERE key = 'wakesweep:data'" 6 >held &
holder=$!
test_expect_code 3 "a trial failed by its checkpoint in a folder of 200 characters, the study locked as it ends (WS_DB_BUSY_S=1): exit 3" \
  env WS_DB_BUSY_S=1 LD_PRELOAD="$asan${asan:+ }$TMP/join.so" timeout 60 \
  train-trial --db "$db" --features tones.feat --ckpt-dir "$bad" --threads 1 --quiet line
wait "$holder"
cp out result; cp err result.err
test_expect_success "... the lock was held then (the test's own check), and met: the message names it" \
  'grep -qx held held && grep -q "^train-trial: rrrr.*database is locked: another process held the lock" result.err'
test_expect_success "... the result line: FAIL, the reason naming $bad/trial-0.ckpt" \
  'jq -e --arg d "$bad" ".trial == 0 and .state == \"FAIL\" and (.reason | startswith(\$d + \"/trial-0.ckpt: \"))" result'
test_expect_success "... the store's advice kept whole before the remedy: set WS_DB_BUSY_S to wait longer" \
  'grep -q "; set WS_DB_BUSY_S to wait longer; trial 0.s result is not stored .* with: tell --db " result.err &&
   [ "$(wc -c <result.err)" -le 1037 ]'
expect_printed_tell_records_fail "tell-command-whole" "$db"
