#!/usr/bin/env bash
# make sweep: a trial whose train-trial could not store its result (the study locked past
# WS_DB_BUSY_S as it finished: exit 3, the result line printed) is recorded by its script,
# pipelines/trial.sh, with tell (t4069). Another trial's suggest --reap, run in the moment between
# train-trial's exit and that tell, found the trial's recorded process (train-trial's) gone, failed
# the trial and queued it again: the result was lost, the script's tell refused, and the target
# left unmade (make failed). Now the script that claimed the trial (suggest --pid $$) stays its
# owner (wakesweep:owner_pid) while train-trial runs under it, and --reap fails a trial only once
# both are gone (t4070): the script records the result, as it does without the reap.
# The moment, made certain: train-trial (through a BIN shim) preloads t4069's slow pthread_join,
# a Python sqlite3 connection locks the study for 4 s once the last of 6 intermediate values is
# in, and where train-trial exits 3 the shim runs suggest --reap (another trial's) before it exits.
# runner: waits (its study held locked past WS_DB_BUSY_S)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
slow_join_shim "sweep-records-despite-reap" || exit 0
asan=$(asan_lib train-trial) || asan=
make_tone_cache tones
tone_sweep_config c.json reaped 6
bin_but b train-trial
cat >b/train-trial <<SH
#!/usr/bin/env bash
rc=0
env WS_DB_BUSY_S=1 LD_PRELOAD="$asan${asan:+ }$TMP/join.so" "$WS_BIN/train-trial" "\$@" || rc=\$?
if [ "\$rc" = 3 ]; then
  "$WS_BIN/suggest" --db "\$DB" --config "\$CONFIG" --reap -n 0 >/dev/null 2>>"$TMP/reap.err" && echo reaped >>"$TMP/reap.ran"
fi
exit "\$rc"
SH
chmod +x b/train-trial
mkdir r
/usr/bin/python3 "$WS_ROOT/tests/cli/hold-study-lock.py" r/study.db "sql:SELECT count(*) >= 6 FROM trial_intermediate_values" 4 >held &
holder=$!
test_expect_code 0 "sweep-records-despite-reap: make sweep, the study locked as the trial finishes, then a suggest --reap before the sweep's tell" \
  timeout 120 make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$TMP/b" DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" \
  CONFIG="$TMP/c.json" TRIALS=1 THREADS=1 DEVICE=cpu RUNS="$TMP/r" MONITOR_INTERVAL=0.2 sweep
wait "$holder"
cp err sweep.err
test_expect_success "... the lock was held then and train-trial met it, and the reap ran after its exit 3 (the test's own checks)" \
  'grep -qx held held && grep -q "^train-trial: .*r/study.db: beginning a write transaction: database is locked" sweep.err &&
   [ "$(cat reap.ran)" = reaped ]'
test_expect_success "... the reap left the trial alone: one trial in the study, COMPLETE with the value of its file" \
  '[ "$(sqlite3 r/study.db "SELECT count(*) FROM trials")" = 1 ] &&
   [ "$(sqlite3 r/study.db "SELECT state FROM trials WHERE number = 0")" = COMPLETE ] &&
   jq -e --argjson v "$(sqlite3 r/study.db "SELECT printf(\"%.17g\", value) FROM trial_values")" ".trial == 0 and .state == \"COMPLETE\" and .value == \$v" r/trial-000.json'
test_expect_success "... the message says the sweep recorded it" \
  'cat sweep.err >&2; grep -q "trial 0.s result, not stored by train-trial, was recorded by the sweep" sweep.err &&
   ! grep -q "could not record" sweep.err'
