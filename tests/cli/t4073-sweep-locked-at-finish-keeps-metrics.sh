#!/usr/bin/env bash
# A sweep's trial whose study is locked past WS_DB_BUSY_S just as train-trial stores its result
# (t4069): pipelines/trial.sh records the result itself. It built tell's --state, --value,
# --constraint and --reason from the line with jq, so the study kept the trial's state and value
# but none of what train-trial's finish stores besides: no "metrics", "seconds" or
# "steps_trained" user attributes (report's breakdown and train-trial --result-of read them:
# the trial's seconds came back null). Now the sweep tells the line whole (tell --result): the
# study holds the trial file's metrics, seconds and epochs (as steps_trained), and the file is
# still train-trial's line.
# The moment, as in t4069: train-trial (through a BIN shim) preloads a shim whose pthread_join
# takes 1.5 s, and a Python sqlite3 connection takes BEGIN EXCLUSIVE, held 4 s, once the trial's
# last intermediate value (of 6 epochs) is in.
# runner: waits (its study held locked past WS_DB_BUSY_S)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
slow_join_shim "sweep-keeps-metrics" || exit 0
asan=$(asan_lib train-trial) || asan=
make_tone_cache tones
tone_sweep_config c0.json locked 6
jq '.objective = "macro_f1" | .constraints = {"accuracy": {"min": 0.1}}' c0.json >c.json
bin_but b train-trial
cat >b/train-trial <<SH
#!/usr/bin/env bash
exec env WS_DB_BUSY_S=1 LD_PRELOAD="$asan${asan:+ }$TMP/join.so" "$WS_BIN/train-trial" "\$@"
SH
chmod +x b/train-trial
mkdir r
/usr/bin/python3 "$WS_ROOT/tests/cli/hold-study-lock.py" r/study.db "sql:SELECT count(*) >= 6 FROM trial_intermediate_values" 4 >held &
holder=$!
test_expect_code 0 "sweep-keeps-metrics: make sweep, the study locked as the trial finishes" \
  timeout 120 make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$TMP/b" DATA="$TMP/tones/manifest.jsonl" \
    FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 THREADS=1 DEVICE=cpu RUNS="$TMP/r" MONITOR_INTERVAL=0.2 sweep
wait "$holder"
cp err sweep.err
test_expect_success "... the lock was held then, train-trial met it, and the sweep recorded the result" \
  'grep -qx held held && grep -q "^train-trial: .*r/study.db: beginning a write transaction: database is locked" sweep.err &&
   grep -q "trial 0.s result, not stored by train-trial, was recorded by the sweep" sweep.err &&
   [ "$(sqlite3 r/study.db "SELECT state FROM trials WHERE number = 0")" = COMPLETE ]'
# attr KEY: trial 0's user attribute KEY as the study holds it, compact and key-sorted
attr() { sqlite3 r/study.db "SELECT value_json FROM trial_user_attributes WHERE key = '$1'" | jq -S -c .; }
test_expect_success "... the study holds the trial file's metrics" \
  '[ -n "$(attr metrics)" ] && [ "$(attr metrics)" = "$(jq -S -c .metrics r/trial-000.json)" ]'
test_expect_success "... and its seconds (threads among them)" \
  '[ -n "$(attr seconds)" ] && [ "$(attr seconds)" = "$(jq -S -c .seconds r/trial-000.json)" ] && [ "$(attr seconds | jq .threads)" = 1 ]'
test_expect_success "... and its epochs, as steps_trained" \
  '[ "$(attr steps_trained)" = 6 ] && jq -e ".epochs == 6" r/trial-000.json'
test_expect_code 0 "train-trial --result-of the trial" train-trial --db r/study.db --result-of "$TMP/r/trial-000.json"
test_expect_success "... rebuilds the trial file's line from the study: its seconds too" \
  '[ "$(jq -S -c "del(.best_epoch)" out)" = "$(jq -S -c "del(.best_epoch)" r/trial-000.json)" ]'
