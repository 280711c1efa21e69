#!/usr/bin/env bash
# gpu-monitor --db when the study file is deleted, or another file renamed over it, while the
# monitor runs. Before, it went on writing to the file it had open, now nameless: a deleted
# study's samples were stored nowhere and the monitor said nothing (exit 0, as if all were
# stored), and after a replacement its rows went on into a WAL that the new file's next reader
# took for its own. Now it notices at the next sample (SQLite's HAS_MOVED), stores nothing more,
# says so once (also with --quiet: data the user asked for), counts the samples not stored at
# the end, and sampling goes on (exit 0).
# runner: waits (gpu-monitor's intervals and durations)
. "$WS_ROOT/tests/cli/lib.sh"
unset WS_MONITOR_BUSY_S
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)

# run DB ACTION: a monitor of 30 samples 0.05 s apart into DB; ACTION (a command) runs once the
# first sample is stored (not after a fixed sleep: on a loaded machine the monitor may not have
# made the file yet, or may be near its end).
run() {
  gpu-monitor "${NOGPU[@]}" -i 0.05 -n 30 --db "$1" >o 2>e & pid=$!
  for _ in $(seq 500); do
    [ "$(sqlite3 "file:$1?mode=ro" "SELECT count(*) FROM wakesweep_gpu_samples" 2>/dev/null)" -gt 0 ] 2>/dev/null && break
    sleep 0.02
  done
  eval "$2"
  rc=0; wait $pid || rc=$?
}

run del.db "rm del.db"
test_expect_success "study file deleted: sampling goes on, exit 0" '[ "$rc" = 0 ] && [ "$(wc -l <o)" = 30 ]'
test_expect_success "... says once that the file is gone and samples are not stored" '
  cat e >&2
  [ "$(grep -c "del.db: the file was deleted or replaced while gpu-monitor ran: samples from .* not stored; sampling goes on$" e)" = 1 ]'
test_expect_success "... and counts them at the end" '
  grep -qE "^gpu-monitor: del.db: [0-9]+ of 30 samples not stored \(the file was deleted or replaced while gpu-monitor ran\)$" e'
test_expect_success "... no file made again behind the user" '[ ! -e del.db ]'
test_expect_success "... a new study at that path holds no row of the old one" '
  gpu-monitor "${NOGPU[@]}" -i 0.01 -n 2 --db del.db >/dev/null 2>&1 &&
  [ "$(sqlite3 del.db "SELECT count(*) FROM wakesweep_gpu_samples")" = 2 ]'

# Another study renamed over the monitored one: that study is left as it was.
gpu-monitor "${NOGPU[@]}" -i 0.01 -n 5 --db other.db >/dev/null 2>&1
sqlite3 other.db "PRAGMA journal_mode = DELETE" >/dev/null
cp other.db other.orig
run rep.db "cp other.db new.db && mv new.db rep.db"
test_expect_success "study file replaced: sampling goes on, exit 0, said" '
  [ "$rc" = 0 ] && [ "$(wc -l <o)" = 30 ] && grep -q "rep.db: the file was deleted or replaced while gpu-monitor ran" e'
test_expect_success "... the study renamed over it is left as it was: none of the monitor's rows show in it" '
  [ "$(sqlite3 rep.db "SELECT count(*) FROM wakesweep_gpu_samples; PRAGMA integrity_check")" = "5
ok" ] && cmp rep.db other.orig'
test_expect_success "... the count of samples not stored" '
  n=$(sed -n "s/^gpu-monitor: rep.db: \([0-9]*\) of 30 samples not stored.*/\1/p" e) && [ "$n" -ge 20 ]'

# Unmoved: no such note, every sample stored.
run same.db ":"
test_expect_success "a file left alone: every sample stored, nothing said" '
  [ "$rc" = 0 ] && [ ! -s e ] && [ "$(sqlite3 same.db "SELECT count(DISTINCT sample) FROM wakesweep_gpu_samples")" = 30 ]'
