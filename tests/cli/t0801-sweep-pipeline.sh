#!/usr/bin/env bash
# The sweep pipeline end to end on a tiny corpus (48 clips of tones, 4 trials, -j2): trial
# files, report.json and report.html; then a resume: the sweep killed with SIGKILL in the middle
# of a trial, run again, ends with the right counts, no trial run twice to completion, the
# killed trial failed and retried, integrity ok; and a finished sweep re-run does nothing.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
sweep() {  # RUNS EPOCHS [make args...]
  local runs=$1 epochs=$2; shift 2
  jq --arg f "$WS_ROOT/configs/features/default.json" --argjson ep "$epochs" '.budget.epochs = $ep | .fixed.features = $f' c.json >c-$epochs.json
  make -s -C "$WS_ROOT" -j2 sweep BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" \
      CONFIG="$TMP/c-$epochs.json" TRIALS=4 RUNS="$TMP/$runs" MONITOR_INTERVAL=0.2 "$@"
}
cat >c.json <<'J'
{"study": "tones-sweep", "direction": "maximize", "objective": "f1",
 "sampler": {"name": "tpe", "seed": 3, "n_startup_trials": 2, "constant_liar": true}, "pruner": {"name": "nop"},
 "budget": {"epochs": 2},
 "space": {"learning_rate": {"type": "float", "low": 0.005, "high": 0.02, "log": true},
           "batch_size": {"type": "categorical", "choices": [4, 8]}},
 "fixed": {"model": "dscnn", "channels": 16, "blocks": 1, "positive": "hey_nova", "validate_every": 1}}
J
test_expect_success "make -j2 sweep runs 4 trials and writes the reports" 'sweep r1 2 >sweep.out 2>sweep.err'
test_expect_success "four trial files, each a finished trial" '
  [ "$(ls r1/trial-*.json | wc -l)" = 4 ] && [ "$(cat r1/trial-*.json | jq -r .state | sort -u)" = COMPLETE ]'
test_expect_success "trial files hold distinct trials 0..3" '[ "$(cat r1/trial-*.json | jq .trial | sort -n | tr "\n" " ")" = "0 1 2 3 " ]'
test_expect_success "report.json agrees with the study" '[ "$(jq .n_trials r1/report.json)" = 4 ] && [ "$(jq .states.COMPLETE r1/report.json)" = 4 ]'
test_expect_success "report.html written" '[ -s r1/report.html ] && grep -q "<svg" r1/report.html'
test_expect_success "gpu-monitor sampled alongside and was stopped" '[ -s r1/monitor.jsonl ] && [ ! -e r1/monitor.pid ] &&
  [ "$(sqlite3 r1/study.db "SELECT count(*) > 0 FROM wakesweep_gpu_samples")" = 1 ]'
# gpu-monitor's first sample falls one interval after it starts: a sweep that ends sooner (here one
# trial of a moment under the default interval, 1 s) still has a sample, the stop waiting for it.
test_expect_success "a sweep shorter than the monitor's interval still has a sample in the study" '
  sweep r3 1 TRIALS=1 MONITOR_INTERVAL=1 >short.out 2>&1 && [ "$(wc -l <r3/monitor.jsonl)" -ge 1 ] && [ ! -e r3/monitor.pid ] &&
  [ "$(sqlite3 r3/study.db "SELECT count(*) > 0 FROM wakesweep_gpu_samples")" = 1 ]'
# A trial target made alone (as pipelines/slurm-array.sh's tasks make theirs) has no report step
# to stop a monitor: it starts none.
test_expect_success "a lone trial target trains and leaves no gpu-monitor running" '
  make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" \
      CONFIG="$TMP/c-1.json" TRIALS=1 RUNS="$TMP/r4" MONITOR_INTERVAL=0.2 "$TMP/r4/trial-000.json" >lone.out 2>&1 &&
  [ "$(jq -r .state r4/trial-000.json)" = COMPLETE ] && [ ! -e r4/monitor.pid ] && [ ! -s r4/monitor.jsonl ] &&
  ! pgrep -f "gpu-monitor --db $TMP/r4/" >/dev/null'
test_expect_success "a finished sweep re-run does nothing" '
  before=$(sqlite3 r1/study.db "SELECT count(*) FROM trials"); sweep r1 2 >again.out 2>&1 &&
  [ "$(sqlite3 r1/study.db "SELECT count(*) FROM trials")" = "$before" ] && ! grep -q "trial-" again.out'

# Resume: long trials (150 epochs: a second or more of training each, which the kill below falls
# within: it comes as soon as the third trial has begun), killed in the middle.
( setsid bash -c "$(declare -f sweep); TMP=$TMP WS_ROOT=$WS_ROOT WS_BUILD=$WS_BUILD WS_BIN=$WS_BIN sweep r2 150" >kill.out 2>&1 & echo $! >make.pid; wait ) &
for _ in $(seq 150); do
  [ -n "$(ls r2/trial-*.json 2>/dev/null)" ] && [ "$(sqlite3 r2/study.db "SELECT count(*) FROM trial_system_attributes WHERE key='wakesweep:pid'" 2>/dev/null)" -ge 3 ] 2>/dev/null && break
  sleep 0.2
done
kill -9 -- -"$(cat make.pid)" 2>/dev/null; sleep 0.5
sqlite3 r2/study.db "SELECT number, state FROM trials" >state.before
running=$(sqlite3 r2/study.db "SELECT count(*) FROM trials WHERE state='RUNNING'")
test_expect_success "killed mid-trial: some trial left RUNNING, not all trial files written" '[ "$running" -ge 1 ] && [ "$(ls r2/trial-*.json | wc -l)" -lt 4 ]'
test_expect_success "every trial file there is whole" 'for f in $(ls r2/trial-*.json 2>/dev/null); do jq -e .state "$f" >/dev/null || exit 1; done'
test_expect_success "the sweep run again completes" 'sweep r2 150 >resume.out 2>resume.err'
test_expect_success "four trial files, distinct trials, all finished" '
  [ "$(ls r2/trial-*.json | wc -l)" = 4 ] && [ "$(cat r2/trial-*.json | jq .trial | sort -u | wc -l)" = 4 ] &&
  [ "$(cat r2/trial-*.json | jq -r .state | sort -u)" = COMPLETE ]'
test_expect_success "the interrupted trials are FAIL (process gone, marked died) and were retried with their params" '
  [ "$(sqlite3 r2/study.db "SELECT count(*) FROM trials WHERE state=\"FAIL\"")" = "$running" ] &&
  [ "$(sqlite3 r2/study.db "SELECT count(*) FROM trial_system_attributes WHERE key=\"failed_trial\"")" = "$running" ] &&
  [ "$(sqlite3 r2/study.db "SELECT count(*) FROM trial_system_attributes WHERE key=\"wakesweep:died\" AND value_json=\"true\"")" = "$running" ] &&
  [ "$(sqlite3 r2/study.db "SELECT count(*) FROM trials WHERE state IN (\"RUNNING\",\"WAITING\")")" = 0 ]'
test_expect_success "no trial ran twice to completion; 4 COMPLETE in the study" '
  [ "$(sqlite3 r2/study.db "SELECT count(*) FROM trials WHERE state=\"COMPLETE\"")" = 4 ]'
test_expect_success "integrity_check ok" '[ "$(sqlite3 r2/study.db "PRAGMA integrity_check")" = ok ]'
test_expect_success "the killed trials' temporary files are gone" '! ls r2/*.tmp.* 2>/dev/null | grep -q .'
