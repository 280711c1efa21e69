#!/usr/bin/env bash
# gpu-monitor stops cleanly on SIGTERM and SIGINT: exit 0, every line whole, NVML shut down, the
# database closed with one sample per line; a long interval does not delay the stop.
# runner: waits (gpu-monitor's intervals and durations)
. "$WS_ROOT/tests/cli/lib.sh"
FAKE=$WS_BUILD/fake_nvml
unset FAKE_NVML_DEVICES FAKE_NVML_FAIL FAKE_NVML_LOST FAKE_NVML_PROCS FAKE_NVML_NPROCS FAKE_NVML_STATS

# run_until_lines N SIGNAL CMD...: starts CMD in the background (stdout → o, stderr → e), sends
# SIGNAL once o has N lines (so its handlers are in place: a background job starts with SIGINT
# ignored), and prints CMD's exit status (124 when it had not stopped 10 s later).
run_until_lines() {
  local n=$1 sig=$2; shift 2
  rm -f o e; : >o
  "$@" >o 2>e & local pid=$!
  for _ in $(seq 200); do [ "$(wc -l <o)" -ge "$n" ] && break; sleep 0.05; done
  kill -"$sig" "$pid"
  for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; wait "$pid"; echo 124; return; fi
  local rc=0; wait "$pid" || rc=$?
  echo "$rc"
}
whole_lines() { [ -s o ] && [ "$(tail -c 1 o | od -An -c | tr -d ' ')" = '\n' ] && jq -e -s 'length >= 2' o >/dev/null; }

for sig in TERM INT; do
  test_expect_success "sig$sig-proc" '
    read -r rc < <(run_until_lines 2 $sig gpu-monitor --nvml-library /nonexistent -q -i 0.05 --db s.db)
    [ "$rc" = 0 ] && whole_lines && [ ! -s e ] &&
    [ "$(sqlite3 s.db "SELECT count(DISTINCT sample) FROM wakesweep_gpu_samples")" = "$(wc -l <o)" ]'
  rm -f s.db*
done
if [ -e "$FAKE/libnvidia-ml.so.1" ]; then
  test_expect_success sigTERM-nvml-shutdown '
    read -r rc < <(LD_LIBRARY_PATH=$FAKE FAKE_NVML_STATS=$PWD/stats run_until_lines 3 TERM gpu-monitor -i 0.05)
    [ "$rc" = 0 ] && whole_lines && grep -q "^init=1 shutdown=1 samples=" stats'
else
  test_skip sigTERM-nvml-shutdown "no fake NVML in $FAKE"
fi
# A 60 s interval: the signal ends the sleep at once (sent once the INT and TERM handlers are in).
test_expect_success sigTERM-long-interval '
  rm -f o e; gpu-monitor --nvml-library /nonexistent -q -i 60 >o 2>e & pid=$!
  for _ in $(seq 100); do grep -q "^SigCgt:.*4002$" /proc/$pid/status 2>/dev/null && break; sleep 0.02; done   # handlers in
  s=$(date +%s%N); kill -TERM $pid
  for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.02; done
  ms=$(( ($(date +%s%N) - s) / 1000000 ))
  kill -KILL $pid 2>/dev/null; rc=0; wait $pid || rc=$?
  [ "$rc" = 0 ] && [ ! -s o ] && [ ! -s e ] && [ "$ms" -lt 2000 ]'

# The signal lands after the loop's last look at its flag and before the wait begins (a preload
# raises it just before the first sleep or poll): the wait still ends at once, not at the first
# sample 30 s later. timeout ends a monitor that sleeps the interval out (exit 124).
RAISE=$WS_BUILD/tests/gpu-monitor/libraise-before-wait.so
# An ASan build's runtime must come first among the preloaded libraries.
asan=$(asan_lib gpu-monitor)
for sig in TERM INT; do
  if [ -e "$RAISE" ]; then
    test_expect_success sig$sig-just-before-the-wait '
      rm -f o e; s=$(date +%s%N); rc=0
      timeout -k 1 10 env LD_PRELOAD="$asan${asan:+ }$RAISE" RAISE_BEFORE_WAIT=$sig \
        gpu-monitor --nvml-library /nonexistent -q -i 30 >o 2>e || rc=$?
      ms=$(( ($(date +%s%N) - s) / 1000000 ))
      echo "stopped after $ms ms, exit $rc; stderr: $(cat e)" >&2
      [ "$rc" = 0 ] && [ "$ms" -lt 2000 ] && [ ! -s o ] && [ ! -s e ]'
  else
    test_skip sig$sig-just-before-the-wait "no $RAISE"
  fi
done

# Another connection holds the database locked for 20 s while samples wait to be written: SIGTERM
# still stops the monitor at once, not after the 30 s busy wait. Sampling and its lines went on
# meanwhile; the waiting samples are not stored, each named (before, the one sample waiting was
# dropped without a word, and no other was taken while it waited).
test_expect_success sigTERM-while-db-locked '
  rm -f o e l.db*; gpu-monitor --nvml-library /nonexistent -q -i 0.05 -n 1 --db l.db >/dev/null &&
  rm -f hold.fifo && mkfifo hold.fifo || exit 1
  sqlite3 l.db <hold.fifo & holder=$!
  { printf "BEGIN EXCLUSIVE;\nINSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind) VALUES (0, 0, 0, 0, 0);\n";
    sleep 20; echo "ROLLBACK;"; } >hold.fifo & writer=$!
  for _ in $(seq 100); do command sqlite3 l.db "BEGIN IMMEDIATE; ROLLBACK;" 2>/dev/null || break; sleep 0.05; done   # lock taken
  gpu-monitor --nvml-library /nonexistent -q -i 0.05 --db l.db >o 2>e & pid=$!
  sleep 1; s=$(date +%s%N); kill -TERM $pid
  for _ in $(seq 200); do kill -0 $pid 2>/dev/null || break; sleep 0.02; done
  ms=$(( ($(date +%s%N) - s) / 1000000 ))
  kill -KILL $pid 2>/dev/null; rc=0; wait $pid || rc=$?
  pkill -P $writer 2>/dev/null; kill $writer $holder 2>/dev/null; wait $writer $holder 2>/dev/null   # the sleep first: it holds the fifo open
  echo "stopped after $ms ms, exit $rc" >&2
  n=$(wc -l <o) named=$(grep -c "^gpu-monitor: l.db: sample of .* not stored: database is locked (stopped while waiting for it)$" e)
  [ "$rc" = 0 ] && [ "$ms" -lt 3000 ] && [ "$n" -ge 10 ] && [ "$named" = "$n" ] && [ "$(wc -l <e)" = $((n + 1)) ] &&
  [ "$(tail -n 1 e)" = "gpu-monitor: l.db: $n of $n samples not stored (another connection held the file'"'"'s lock; each is named above)" ] &&
  [ "$(sqlite3 l.db "SELECT count(*) FROM wakesweep_gpu_samples")" = 1 ]'

# The same lock met while the monitor opens the file (a new study file that a suggest is setting
# up, in rollback-journal mode: switching it to WAL and creating the samples table wait for the
# lock): SIGTERM stops it at once there too, exit 0, not once the lock is gone.
test_expect_success sigTERM-while-db-locked-at-open '
  rm -f o e n.db* hold.fifo; command sqlite3 n.db "CREATE TABLE x (a);" && mkfifo hold.fifo || exit 1
  sqlite3 n.db <hold.fifo & holder=$!
  { printf "BEGIN EXCLUSIVE;\nINSERT INTO x VALUES (1);\n"; sleep 20; echo "ROLLBACK;"; } >hold.fifo & writer=$!
  for _ in $(seq 100); do command sqlite3 n.db "SELECT count(*) FROM x;" >/dev/null 2>&1 || break; sleep 0.05; done   # lock taken
  gpu-monitor --nvml-library /nonexistent -q -i 0.05 --db n.db >o 2>e & pid=$!
  sleep 1; s=$(date +%s%N); kill -TERM $pid
  for _ in $(seq 200); do kill -0 $pid 2>/dev/null || break; sleep 0.02; done
  ms=$(( ($(date +%s%N) - s) / 1000000 ))
  kill -KILL $pid 2>/dev/null; rc=0; wait $pid || rc=$?
  pkill -P $writer 2>/dev/null; kill $writer $holder 2>/dev/null; wait $writer $holder 2>/dev/null
  echo "stopped after $ms ms, exit $rc" >&2
  [ "$rc" = 0 ] && [ "$ms" -lt 3000 ] && [ ! -s e ] && [ ! -s o ]'

# stdout blocked: a reader that holds the pipe open and never reads, so the monitor waits in
# write() once the pipe is full. SIGTERM stops it at once, exit 0, as it does anywhere else; the
# interrupted write made it exit 3 ("stdout: write error: Interrupted system call"), and one
# interrupted after part of a line, retried by stdio, waited for a reader forever.
if [ -e "$FAKE/libnvidia-ml.so.1" ]; then
  test_expect_success sigTERM-while-stdout-blocked '
    rm -f o e full.fifo; mkfifo full.fifo || exit 1
    sleep 60 <full.fifo & reader=$!   # opens the fifo for reading, never reads
    LD_LIBRARY_PATH=$FAKE FAKE_NVML_DEVICES=4 gpu-monitor -q -i 0.01 >full.fifo 2>e & pid=$!
    for _ in $(seq 500); do   # until it waits in write on the full pipe (at most 10 s)
      case $(cat /proc/$pid/wchan 2>/dev/null) in *pipe_write) break ;; esac; sleep 0.02
    done
    w=$(cat /proc/$pid/wchan 2>/dev/null)
    s=$(date +%s%N); kill -TERM $pid
    for _ in $(seq 500); do kill -0 $pid 2>/dev/null || break; sleep 0.02; done   # at most 10 s
    ms=$(( ($(date +%s%N) - s) / 1000000 ))
    kill -KILL $pid 2>/dev/null; rc=0; wait $pid || rc=$?
    kill $reader 2>/dev/null; wait $reader 2>/dev/null
    echo "waiting in $w; stopped after $ms ms, exit $rc; stderr: $(cat e)" >&2
    case $w in *pipe_write) ;; *) exit 1 ;; esac
    [ "$rc" = 0 ] && [ "$ms" -lt 3000 ] && [ ! -s e ]'
else
  test_skip sigTERM-while-stdout-blocked "no fake NVML in $FAKE"
fi
# The same, with the signal landing after the monitor's last look at its flag and before the write
# that waits for room begins (the preload raises it there): the write waited for the reader for
# ever (timeout ended it, exit 124); an alarm the stop starts ends it within a second.
if [ -e "$FAKE/libnvidia-ml.so.1" ] && [ -e "$RAISE" ]; then
  test_expect_success sigTERM-just-before-a-blocked-write '
    rm -f o e rc full.fifo; mkfifo full.fifo || exit 1
    sleep 60 <full.fifo & reader=$!   # opens the fifo for reading, never reads
    s=$(date +%s%N); rc=0
    timeout -k 1 10 env LD_LIBRARY_PATH=$FAKE FAKE_NVML_DEVICES=4 LD_PRELOAD="$asan${asan:+ }$RAISE" \
      RAISE_BEFORE_FULL_WRITE=TERM gpu-monitor -q -i 0.01 >full.fifo 2>e || rc=$?
    ms=$(( ($(date +%s%N) - s) / 1000000 ))
    kill $reader 2>/dev/null; wait $reader 2>/dev/null
    echo "ran $ms ms in all, exit $rc; stderr: $(cat e)" >&2
    [ "$rc" = 0 ] && [ "$ms" -lt 8000 ] && [ ! -s e ]'
else
  test_skip sigTERM-just-before-a-blocked-write "no fake NVML in $FAKE or no $RAISE"
fi
