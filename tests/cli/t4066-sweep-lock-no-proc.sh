#!/usr/bin/env bash
# The pipeline's shell locks (a trial target's .trial-NNN.json.lock, RUNS/monitor.lock, a feature
# cache's .NAME.feat.lock) were told from a FIFO through their descriptor, [ -f /dev/fd/N ]. On
# Linux /dev/fd is a link into /proc (and bash looks at /proc/self/fd/N): without /proc mounted
# (some chroots and minimal containers) that test is false for every file, so every trial ran
# without its lock ("not a regular file; running the trial without a lock"), the cache was made
# without one, and monitor.sh waited 30 s on a directory lock left by a killed run. Where the
# descriptor cannot be looked at, the path is: a plain file is locked, a FIFO still refused (t4061).
# Simulated as root in a mount namespace of its own, an empty tmpfs over /proc.
# runner: waits (the pipeline's locks held)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
# no_proc COMMAND...: COMMAND where /proc is empty (as unmounted: /dev/fd/N leads nowhere)
no_proc() { unshare -m bash -c 'mount -t tmpfs none /proc && exec "$@"' no_proc "$@"; }
cases="trial-lock trial-lock-waits trial-lock-fifo monitor-lock cache-lock cache-lock-waits"
if asan_built train-trial || asan_built featurize; then
  for c in $cases; do test_skip "$c" "the tools are built with AddressSanitizer, whose LeakSanitizer reads /proc/PID/task at exit (a fatal error without /proc)"; done
  exit 0
fi
if ! no_proc bash -c 'exec 8<>probe; [ ! -e /dev/fd/8 ] && [ -f probe ]' 2>probe.err; then
  for c in $cases; do test_skip "$c" "no mount namespace with /proc hidden here (unshare -m and mount need root): $(head -c 200 probe.err)"; done
  exit 0
fi
make_tone_cache tones
tone_sweep_config c.json no-proc-lock 1
# trial RUNS ARGS...: the trial target RUNS/trial-000.json made alone (no monitor: it needs /proc)
trial() {
  local runs=$1; shift
  no_proc timeout 60 make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" "$TMP/$runs/trial-000.json" \
    DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 RUNS="$TMP/$runs" "$@"
}
done_trial() { [ "$(jq -r .state "$1/trial-000.json")" = COMPLETE ]; }
# hold FILE SECONDS: FILE locked (flock, outside the namespace) for SECONDS, from when this returns
hold() {
  flock "$1" sleep "$2" &
  for _ in $(seq 100); do flock -n "$1" true || return 0; sleep 0.05; done
  return 1
}

mkdir r1
test_expect_code 0 "trial-lock: without /proc, a trial target" trial r1
test_expect_success "... trained, and not said to be without a lock" \
  'done_trial r1 && [ -f r1/.trial-000.json.lock ] && ! grep -q "lock" err'

# hold_until FILE TEXT: FILE locked (flock, outside the namespace) from when this returns until
# TEXT is in err (the next case's stderr), or for 30 s at most. A hold of 2 s ran out before a make
# on a loaded machine had come to the lock (the make that trains took longer to read its
# makefiles), and the trial, finding the lock free, said no wait: the case failed once in a fresh
# clone's make check.
hold_until() {
  rm -f err held
  ( exec 9>>"$1" && flock 9 && : >held &&
    for _ in $(seq 600); do grep -qF "$2" err 2>/dev/null && break; sleep 0.05; done ) &
  for _ in $(seq 200); do [ -e held ] && return 0; sleep 0.05; done
  return 1
}
mkdir r2 && : >r2/.trial-000.json.lock
hold_until r2/.trial-000.json.lock "trial-000.json: another make is running this trial; waiting for it"
test_expect_code 0 "trial-lock-waits: ... its lock held by another process" trial r2
test_expect_success "... waits for it, saying so, then trains" \
  'done_trial r2 && grep -q "trial-000.json: another make is running this trial; waiting for it" err && ! grep -q "without a lock" err'
wait

mkdir r3 && mkfifo r3/.trial-000.json.lock
test_expect_code 0 "trial-lock-fifo: ... its lock a FIFO" trial r3
test_expect_success "... still refused: the trial runs without it, saying it is a FIFO; the FIFO left" \
  'done_trial r3 && [ -p r3/.trial-000.json.lock ] && grep -q "trial-000.json: .*\.trial-000\.json\.lock is a FIFO, not a regular file; running the trial without a lock" err'

# monitor.sh stop takes RUNS/monitor.lock; a directory lock left by a killed run (monitor.lock.d)
# is only waited on where flock cannot be had
mkdir -p r4/monitor.lock.d
test_expect_code 0 "monitor-lock: ... monitor.sh stop, a monitor.lock.d left beside" \
  no_proc timeout 20 bash "$WS_ROOT/pipelines/monitor.sh" stop r4
test_expect_success "... takes the flock: no 30 s wait on the directory" '! grep -q "held for 30 s" err && [ -e r4/monitor.stopped ]'

cache() {
  no_proc timeout 60 make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" features \
    DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/$1"
}
test_expect_code 0 "cache-lock: ... make features" cache f.feat
test_expect_success "... makes the cache, not saying it goes without a lock" '[ -s f.feat ] && ! grep -q "without a lock" err'

: >.g.feat.lock
hold .g.feat.lock 2
released=$(date -d "+2 seconds" +%s.%N)
test_expect_code 0 "cache-lock-waits: ... make features, its lock held by another process" cache g.feat
test_expect_success "... featurize starts once the lock is released (the cache's time)" \
  '[ -s g.feat ] && awk -v m="$(stat -c %.9Y g.feat)" -v r="$released" "BEGIN { exit !(m >= r - 0.3) }"'
wait
