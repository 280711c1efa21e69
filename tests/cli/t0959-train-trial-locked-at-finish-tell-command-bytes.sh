#!/usr/bin/env bash
# The tell command of train-trial's message (t4067: the study locked past WS_DB_BUSY_S as the
# result is stored) for words holding control characters or bytes that are not UTF-8: a study
# file in a folder "my<TAB>runs", and a trial failed in training with a reason that quotes its
# --ckpt-dir "caf\xe9<NEWLINE>x" (a folder where its checkpoint goes). The message is shown as
# every message is (ws_text_show: such bytes as \xNN), and the command's words, in single quotes,
# with it: --db 'my\x09runs/s.db' named no file (tell refused it, exit 2, the trial left RUNNING),
# and a reason's newline was recorded as the four characters \x0a, not as finish records it. Such
# a word is now written $'...' (bash's printf %q form, which POSIX.1-2024 sh reads too), with
# \xNN for those bytes: run as given, the command finishes the trial FAIL with the result line's
# reason (that of finish: the bytes that are not UTF-8 as the text \xNN), read back by Optuna 3.1.
# The moment: an LD_PRELOAD shim makes pthread_join (the heartbeat's stop, once training ends) take
# 1.5 s, and a Python sqlite3 connection takes BEGIN EXCLUSIVE, held 6 s, once the first
# validation has recorded the study's data (just before the checkpoint that fails the trial).
# runner: waits (its study held locked past WS_DB_BUSY_S)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
slow_join_shim "tell-command-reason" || exit 0
asan=$(asan_lib train-trial) || asan=
make_tone_cache tones
tone_study_config c0.json
jq '.budget.epochs = 2' c0.json >c.json
runs=$(printf 'my\truns'); mkdir "$runs"
db=$runs/s.db
suggest --db "$db" --config c.json >line
bad=$(printf 'caf\351\nx')   # Latin-1 e-acute (not UTF-8) and a newline
mkdir -p "$bad/trial-0.ckpt"   # a folder where the first validation's checkpoint goes
/usr/bin/python3 "$WS_ROOT/tests/cli/hold-study-lock.py" "$db" "sql:SELECT count(*) FROM study_system_attributes WHERE key = 'wakesweep:data'" 6 >held &
holder=$!
test_expect_code 3 "a trial failed by its checkpoint in caf\\xe9\\nx/, the study locked as it ends (WS_DB_BUSY_S=1): exit 3" \
  env WS_DB_BUSY_S=1 LD_PRELOAD="$asan${asan:+ }$TMP/join.so" timeout 60 \
  train-trial --db "$db" --features tones.feat --ckpt-dir "$bad" --threads 1 --quiet line
wait "$holder"
cp out result; cp err result.err
test_expect_success "... the lock was held then (the test's own check), and met: the message names it" \
  'grep -qx held held && grep -q "^train-trial: my.x09runs/s.db: beginning a write transaction: database is locked" result.err'
test_expect_success "... the result line: FAIL, the reason naming caf\\xe9<NEWLINE>x/trial-0.ckpt" \
  'jq -e ".trial == 0 and .state == \"FAIL\" and (.reason | startswith(\"caf\\\\xe9\\nx/trial-0.ckpt: \"))" result'
expect_printed_tell_records_fail "tell-command-reason" "$db"
