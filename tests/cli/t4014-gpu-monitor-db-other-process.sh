#!/usr/bin/env bash
# gpu-monitor --db watches the pids of the file's RUNNING trials. A trainer records its host and
# when its process started beside its pid (wakesweep:host, wakesweep:pid_start, as suggest --reap
# reads them), but the monitor took every recorded pid for the trial's trainer, and reported, and
# stored, that process's CPU and memory as the trial's:
# - a pid recorded on another node (make sweep LAUNCH="srun ..." with the study file on a shared
#   disk) names whatever process holds that pid here;
# - a trainer killed (kill -9, the OOM killer) leaves its trial RUNNING until it is found dead,
#   and its pid may be handed to any new process meanwhile.
# Each case: trial 1 is this host's live trainer, trial 2 the pid that is not its trainer.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
host=$(uname -n)   # gethostname(2), as the tools take it
start() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20; }   # field 22, starttime

# monitor_case NAME DB: trial 1's process is $ours, trial 2's recorded pid $other
monitor_case() {
  db=$2   # (the checks are eval'ed where $2 is no longer this function's)
  test_expect_code 0 "gpu-monitor --db with $1" \
    gpu-monitor --nvml-library /nonexistent/libnvidia-ml.so.1 -q -n 1 -i 0.01 --db "$db"
  test_expect_success "... watches the trial's own process only" '
    [ "$(jq -c "[.processes[] | [.pid, .trial]]" out)" = "[[$ours,0]]" ]'
  test_expect_success "... nor stores the other as trial 2's" '
    [ "$(sqlite3 "$db" "SELECT pid, trial_id FROM wakesweep_gpu_samples WHERE kind = '\''process'\''")" = "$ours|1" ]'
}

suggest --db host.db --config c.json --n 2 >/dev/null
sleep 30 & ours=$!
sleep 30 & other=$!
sqlite3 host.db "INSERT INTO trial_system_attributes (trial_id, key, value_json) VALUES
  (1, 'wakesweep:pid', '$ours'), (1, 'wakesweep:host', '\"$host\"'),
  (2, 'wakesweep:pid', '$other'), (2, 'wakesweep:host', '\"not-$host\"')"
monitor_case "a trial of this host and one of another" host.db
kill $ours $other

suggest --db reused.db --config c.json --n 2 >/dev/null
sleep 30 & ours=$!
sleep 30 & other=$!
sqlite3 reused.db "INSERT INTO trial_system_attributes (trial_id, key, value_json) VALUES
  (1, 'wakesweep:pid', '$ours'), (1, 'wakesweep:host', '\"$host\"'), (1, 'wakesweep:pid_start', '$(start $ours)'),
  (2, 'wakesweep:pid', '$other'), (2, 'wakesweep:host', '\"$host\"'),
  (2, 'wakesweep:pid_start', '$(($(start $other) + 1))')"
monitor_case "a trial's process and a pid now another's" reused.db
kill $ours $other
