#!/usr/bin/env bash
# The pipeline's shell locks (a trial target's .trial-NNN.json.lock, RUNS/monitor.lock, a feature
# cache's .NAME.feat.lock) were opened for writing (exec 8>>FILE, exec 9>FILE): where one is a
# FIFO (mkfifo, by hand or by another program), open() waits for a reader that never comes, and
# make sweep (or features) hung for good, saying nothing. As train-trial's .best.lock (t0943), a
# lock that is not a regular file is no lock: opened read-write (which does not wait on a FIFO)
# and looked at through its descriptor, it is not taken, the step goes on as on a file system
# without locks (trial.sh and the cache saying so, naming the file; monitor.sh's directory lock
# in its place), and the FIFO is left as it was.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json fifo-lock 1
sweep() {
  local runs=$1; shift
  timeout 60 make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" sweep DATA="$TMP/tones/manifest.jsonl" \
    FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 RUNS="$TMP/$runs" MONITOR_INTERVAL=0.2 "$@"
}
done_trial() { [ "$(jq -r .state "$1/trial-000.json")" = COMPLETE ]; }

# the trial target's lock
mkdir r1 && mkfifo r1/.trial-000.json.lock
test_expect_code 0 "a trial target's lock that is a FIFO: make sweep" sweep r1
test_expect_success "... ends (no wait on the FIFO), the trial trained, the FIFO left as it was" \
  'done_trial r1 && [ -p r1/.trial-000.json.lock ]'
test_expect_success "... saying the trial ran without a lock, naming the file and what it is" \
  'grep -q "trial-000.json: .*\.trial-000\.json\.lock is a FIFO, not a regular file; running the trial without a lock" err'

# the monitor's lock
mkdir r2 && mkfifo r2/monitor.lock
test_expect_code 0 "RUNS/monitor.lock a FIFO: make sweep" sweep r2
test_expect_success "... ends, the trial trained, the monitor started and stopped, the FIFO left" \
  'done_trial r2 && [ -p r2/monitor.lock ] && [ ! -e r2/monitor.pid ] && [ -s r2/monitor.jsonl ] && [ ! -e r2/monitor.lock.d ]'

# a feature cache's lock (make features)
mkfifo .f.feat.lock
test_expect_code 0 "a feature cache's lock that is a FIFO: make features" \
  timeout 60 make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" features DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/f.feat"
test_expect_success "... ends, the cache made, the FIFO left, saying so" \
  '[ -s f.feat ] && [ -p .f.feat.lock ] && grep -q "\.f\.feat\.lock is a FIFO, not a regular file; making it without a lock" err'
