#!/usr/bin/env bash
# gpu-monitor --db watches the pids of the file's RUNNING trials. A trainer records when its
# process started beside its pid (wakesweep:pid_start, as suggest --reap reads it: a pid whose
# process started at another time is another process, the trainer is gone). A trainer killed
# (kill -9, the OOM killer) leaves its trial RUNNING until it is found dead, and its pid may be
# handed to any new process meanwhile: the monitor took that process for the trial and
# reported, and stored, its CPU and memory as the trial's.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 2 >/dev/null
sleep 30 & same=$!
sleep 30 & reused=$!
start() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20; }   # field 22, starttime
host=$(uname -n)
sqlite3 s.db "INSERT INTO trial_system_attributes (trial_id, key, value_json) VALUES
  (1, 'wakesweep:pid', '$same'), (1, 'wakesweep:host', '\"$host\"'), (1, 'wakesweep:pid_start', '$(start $same)'),
  (2, 'wakesweep:pid', '$reused'), (2, 'wakesweep:host', '\"$host\"'),
  (2, 'wakesweep:pid_start', '$(($(start $reused) + 1))')"

test_expect_code 0 "gpu-monitor --db with a trial's process and a pid now another's" \
  gpu-monitor --nvml-library /nonexistent/libnvidia-ml.so.1 -q -n 1 -i 0.01 --db s.db
test_expect_success "... watches the trial's process, not the one that took the dead trainer's pid" '
  [ "$(jq -c "[.processes[] | [.pid, .trial]]" out)" = "[[$same,0]]" ]'
test_expect_success "... nor stores it as that trial'\''s" '
  [ "$(sqlite3 s.db "SELECT pid, trial_id FROM wakesweep_gpu_samples WHERE kind = '\''process'\''")" = "$same|1" ]'
kill $same $reused
