#!/usr/bin/env bash
# gpu-monitor --db watches the pids of the file's RUNNING trials. A trainer records its host
# beside its pid (wakesweep:host, as suggest --reap reads it: only this host's trials are
# reaped), but the monitor took every pid as one of this machine: a trial trained on another
# node (make sweep LAUNCH="srun ..." with the study file on a shared disk) named whatever
# process holds that pid here, whose CPU and memory were then reported, and stored, as the
# trial's.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 2 >/dev/null
sleep 30 & here=$!
sleep 30 & there=$!
host=$(uname -n)   # gethostname(2), as the tools take it
sqlite3 s.db "INSERT INTO trial_system_attributes (trial_id, key, value_json) VALUES
  (1, 'wakesweep:pid', '$here'), (1, 'wakesweep:host', '\"$host\"'),
  (2, 'wakesweep:pid', '$there'), (2, 'wakesweep:host', '\"not-$host\"')"

test_expect_code 0 "gpu-monitor --db with trials on this host and another" \
  gpu-monitor --nvml-library /nonexistent/libnvidia-ml.so.1 -q -n 1 -i 0.01 --db s.db
test_expect_success "... watches this host's trial, not the pid recorded on the other host" '
  [ "$(jq -c "[.processes[] | [.pid, .trial]]" out)" = "[[$here,0]]" ]'
test_expect_success "... nor stores it as that trial'\''s" '
  [ "$(sqlite3 s.db "SELECT pid, trial_id FROM wakesweep_gpu_samples WHERE kind = '\''process'\''")" = "$here|1" ]'
kill $here $there
