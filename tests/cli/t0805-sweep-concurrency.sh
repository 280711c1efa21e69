#!/usr/bin/env bash
# The sweep when processes overlap or die at bad moments: a stale monitor.pid whose pid is now
# another process's is neither trusted nor killed; two make sweep in one RUNS train each trial
# target once; make run again after a kill -9 of make alone (its trials live on) waits for those
# trials instead of training their targets again; a trial killed right after its file was renamed
# leaves no temporaries; on a file system without locks the trials run without one and the
# monitor is started once (a lock directory); two makes featurizing one corpus at once both succeed.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
sweep() {  # RUNS CONFIG [make args...]
  local runs=$1 config=$2; shift 2
  make -s -C "$WS_ROOT" -j2 sweep BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" \
      CONFIG="$TMP/$config" TRIALS=4 RUNS="$TMP/$runs" MONITOR_INTERVAL=0.2 "$@"
}
count() { sqlite3 "$1/study.db" "SELECT count(*) FROM trials${2:+ WHERE state = '$2'}"; }

# A monitor.pid left by a killed sweep, whose pid an unrelated process has now.
mkdir m
mon() { bash "$WS_ROOT/pipelines/monitor.sh" "$@"; }
sleep 300 &
other=$!
echo "$other" >m/monitor.pid
test_expect_success "a stale monitor.pid naming another process: start starts gpu-monitor" '
  mon clear m && mon start m "$TMP/m/s.db" "$WS_BIN" 0.2 && pid=$(cat m/monitor.pid) && [ "$pid" != "$other" ] &&
  for _ in $(seq 50); do   # (bash execs it a moment after the start)
    [ "$(tr "\0" "\n" </proc/"$pid"/cmdline | head -n 1)" = "$WS_BIN/gpu-monitor" ] && exit 0; sleep 0.1
  done; exit 1'
test_expect_success "... and stop stops it" '
  pid=$(cat m/monitor.pid) && mon stop m && [ ! -e m/monitor.pid ] &&
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.1; done; exit 1'
test_expect_success "stop with a stale monitor.pid leaves the process it names alone" '
  echo "$other" >m/monitor.pid && mon stop m && [ ! -e m/monitor.pid ] && sleep 0.3 && kill -0 "$other"'
kill "$other" 2>/dev/null

# Two makes making one feature cache at once (a new one, or one older than bin/featurize): both
# succeed and the cache stays (each writes its .source through a temporary of its own).
features_make() { make -s -C "$WS_ROOT" features BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/fresh/$1.feat"; }
fm_pairs() {
  local i failed=0
  mkdir -p fresh
  for i in 1 2 3 4 5 6; do
    features_make f$i >fm$i-a.out 2>fm$i-a.err & features_make f$i >fm$i-b.out 2>fm$i-b.err &
    wait %1 || failed=$((failed + 1)); wait %2 || failed=$((failed + 1))
    featurize --describe "fresh/f$i.feat" >/dev/null 2>&1 || failed=$((failed + 1))
  done
  echo "$failed"
}
test_expect_success "two makes featurize one corpus at once, six times: all succeed, the caches stay" '[ "$(fm_pairs)" = 0 ]'

# A BIN whose train-trial waits, before it trains, until the file release is there (at most 300
# s): trials that run for as long as the test needs, on a fast machine or under the sanitizers,
# where trials of 100 and 400 epochs stood for them (seconds of training each, and a race still).
bin_but shim train-trial
cat >shim/train-trial <<EOF
#!/usr/bin/env bash
case " \$* " in *" --result-of "*) ;; *) for _ in \$(seq 3000); do [ -e "$TMP/release" ] || [ ! -d "$TMP" ] && break; sleep 0.1; done ;; esac
exec "$WS_BIN/train-trial" "\$@"
EOF
chmod +x shim/train-trial
# said FILE...: waits (at most 120 s) until one of the FILEs says a make waits for another's trial.
said() {
  for _ in $(seq 1200); do
    cat "$@" 2>/dev/null | grep -q "another make is running this trial; waiting for it" && return 0; sleep 0.1
  done
  return 1
}

# Two make sweep at once in one RUNS, their trials held until one make waits for the other's.
tone_sweep_config c1t.json tones-twice 1
rm -f release
sweep two c1t.json BIN="$TMP/shim" >two-a.out 2>two-a.err &
a=$!
sweep two c1t.json BIN="$TMP/shim" >two-b.out 2>two-b.err &
b=$!
said two-a.err two-b.err
touch release
rc_a=0 rc_b=0
wait "$a" || rc_a=$?
wait "$b" || rc_b=$?
test_expect_success "two make sweep at once in one RUNS both finish" '[ "$rc_a" = 0 ] && [ "$rc_b" = 0 ]'
test_expect_success "... and train 4 trials in all, one per target, all COMPLETE" '
  [ "$(count two)" = 4 ] && [ "$(count two COMPLETE)" = 4 ] &&
  [ "$(cat two/trial-*.json | jq .trial | sort -n | tr "\n" " ")" = "0 1 2 3 " ]'
test_expect_success "... the second waited for the first one's trials, saying so" '
  cat two-a.err two-b.err | grep -q "another make is running this trial; waiting for it"'
test_expect_success "... a whole report, no temporaries left" '
  [ "$(jq .n_trials two/report.json)" = 4 ] && ! ls two/*.tmp* 2>/dev/null | grep -q .'

# kill -9 of make alone: its two trials go on (held until the make run again waits for them);
# make run again must not train their targets.
tone_sweep_config c1o.json tones-orphans 1
rm -f release
sweep orph c1o.json BIN="$TMP/shim" >orph-1.out 2>orph-1.err &
mk=$!
for _ in $(seq 300); do
  [ "$(sqlite3 orph/study.db "SELECT count(*) FROM trial_system_attributes WHERE key = 'wakesweep:pid'" 2>/dev/null)" = 2 ] && break
  sleep 0.1
done
sleep 0.5
# $mk is the subshell that runs the function, make its child (a kill -9 of $mk left make running:
# it ran trial 3 and the reports beside the make run again below); $mk itself where a bash execs it.
mkpid=$(pgrep -P "$mk" -x make || { [ "$(cat /proc/"$mk"/comm 2>/dev/null)" = make ] && echo "$mk"; })
[ -z "$mkpid" ] || { kill -9 "$mkpid"; wait "$mk"; }
running=$(count orph RUNNING)
test_expect_success "make killed alone: two trials still RUNNING, their processes alive" '
  [ -n "$mkpid" ] && ! kill -0 "$mkpid" 2>/dev/null && [ "$running" = 2 ] && pgrep -f "pipelines/trial.sh $TMP/orph/" >/dev/null'
test_expect_success "make sweep run again finishes" '
  { sweep orph c1o.json BIN="$TMP/shim" >orph-2.out 2>orph-2.err & } && m2=$! && { said orph-2.err; touch release; wait "$m2"; }'
test_expect_success "... after waiting for the orphaned trials, whose targets it did not train again" '
  grep -q "another make is running this trial; waiting for it" orph-2.err &&
  [ "$(count orph)" = 4 ] && [ "$(count orph COMPLETE)" = 4 ] && [ "$(cat orph/trial-*.json | jq .trial | sort -u | wc -l)" = 4 ]'
test_expect_success "... no temporaries left" '! ls orph/*.tmp* 2>/dev/null | grep -q .'

# A trial killed (SIGKILL: no trap runs) just after the rename of its file: an mv that kills its
# caller once it has renamed a trial file into place.
mkdir mvkill
cat >mvkill/mv <<'EOF'
#!/usr/bin/env bash
/bin/mv "$@" || exit
case ${!#} in */trial-*.json) kill -9 "$PPID" ;; esac
EOF
chmod +x mvkill/mv
tone_sweep_config c1.json tones-killed 1
test_expect_success "trials killed right after their rename: the sweep goes on" '
  sweep kr c1.json TRIALS=2 LAUNCH="env PATH=$TMP/mvkill:$PATH" >kr.out 2>kr.err &&
  [ "$(ls kr/trial-*.json | wc -l)" = 2 ] && grep -q "exit status 137" kr.err'
test_expect_success "... and leaves no temporary files behind" '! ls kr/*.tmp* 2>/dev/null | grep -q .'

# A file system without locks (flock fails with another status than "held": Lustre without -o
# flock, some NFS mounts): each trial says so once and runs without the lock.
mkdir nolock
printf '#!/bin/sh\necho "flock: $*: No locks available" >&2\nexit 71\n' >nolock/flock
chmod +x nolock/flock
tone_sweep_config c1n.json tones-nolock 1
nolock_sweep() { PATH="$TMP/nolock:$PATH" sweep "$@"; }
test_expect_code 0 "a sweep where flock cannot lock" nolock_sweep rn c1n.json TRIALS=2
test_expect_success "... runs its trials, saying why there is no lock" '
  [ "$(count rn COMPLETE)" = 2 ] && [ -s rn/trial-000.json ] && [ -s rn/trial-001.json ] &&
  grep -q "trial-000.json: no lock on this file system (flock exit status 71)" err'
# (the sweep's stop waits for the monitor to be gone: none is left once make returns)
monitors_of() { local p; for p in /proc/[0-9]*; do [ "$p/fd/1" -ef "$1" ] 2>/dev/null && { tr "\0" " " <"$p/cmdline"; echo; }; done; }
test_expect_success "... and one gpu-monitor, locked by a directory, stopped with the sweep" '
  [ -z "$(monitors_of rn/monitor.jsonl)" ] || { echo "left running: $(monitors_of rn/monitor.jsonl)" >&2; exit 1; }
  [ ! -e rn/monitor.lock.d ] && [ ! -e rn/monitor.pid ]'
# Two trials starting the monitor at the same moment, without locks, eight times over: each time
# one monitor starts, and stop leaves none once it returns (a pidfile naming one of two never
# stopped the other).
monitor_pairs() {
  local i d k started=0 left=0
  for i in 1 2 3 4 5 6 7 8; do
    d=pair$i; mkdir -p "$d"
    for k in 1 2; do PATH="$TMP/nolock:$PATH" bash "$WS_ROOT/pipelines/monitor.sh" start "$d" "$d/study.db" "$WS_BIN" 0.2 & done
    wait
    # (a monitor forked just now may not have its output set up yet)
    for _ in $(seq 30); do [ -n "$(monitors_of "$d/monitor.jsonl")" ] && break; sleep 0.1; done
    sleep 0.2
    [ "$(monitors_of "$d/monitor.jsonl" | wc -l)" = 1 ] || started=$((started + 1))
    PATH="$TMP/nolock:$PATH" bash "$WS_ROOT/pipelines/monitor.sh" stop "$d"   # which waits for it to be gone
    [ -z "$(monitors_of "$d/monitor.jsonl")" ] || { left=$((left + 1)); monitors_of "$d/monitor.jsonl" >&2; }
  done
  echo "$started $left"
}
test_expect_success "two monitor starts at once without locks: one monitor each time, none left when stop returns" '
  [ "$(monitor_pairs)" = "0 0" ]'
# Without locks (a lock directory, freed when start exits), a monitor whose output takes a while
# to set up (here monitor.jsonl is a FIFO that nobody reads yet, so the forked shell's open of it
# waits): a second start meanwhile starts no second monitor. (Before start waited for it, the
# first start returned at once, the second found no monitor writing monitor.jsonl and started
# another: two, of which stop would stop one. With flock the monitor's shell holds the lock's
# descriptor until its output is set up.)
mkdir slow && mkfifo slow/monitor.jsonl
PATH="$TMP/nolock:$PATH" mon start slow "$TMP/slow/s.db" "$WS_BIN" 0.2 & s1=$!
sleep 0.5
PATH="$TMP/nolock:$PATH" mon start slow "$TMP/slow/s.db" "$WS_BIN" 0.2 & s2=$!
sleep 0.5
cat slow/monitor.jsonl >slow.out & reader=$!
wait "$s1" "$s2"
sleep 0.5
test_expect_success "a second start while the first monitor's output is being set up starts none" '
  n=$(monitors_of slow/monitor.jsonl | wc -l) && [ "$n" = 1 ] || { echo "$n monitors" >&2; exit 1; }'
for p in /proc/[0-9]*; do [ "$p/fd/1" -ef slow/monitor.jsonl ] 2>/dev/null && kill "${p#/proc/}"; done
wait "$reader" 2>/dev/null
