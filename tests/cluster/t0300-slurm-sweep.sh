#!/usr/bin/env bash
# The sweep on Slurm: a one-node cluster (tests/cluster/slurm.sh: munged, slurmctld, slurmd, all
# in this test's directory) runs an 8-trial sweep with every trial in a Slurm job of its own
# (LAUNCH="srun ..."), the study on the PostgreSQL server of tests/cluster/run.sh. Every trial
# completes, and the sweep's report.json equals `report` read from the study afterwards. Faults:
# the server restarted in the middle of a sweep and one srun step cancelled mid-trial; the
# re-run completes, the cancelled trial is FAIL and retried with its params, nothing is lost.
# Skips when slurm-wlm is not installed or not root. Slurm is stopped and removed whatever happens.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
. "$WS_ROOT/tests/cluster/db.sh"
. "$WS_ROOT/tests/cluster/pg.sh"
. "$WS_ROOT/tests/cluster/slurm.sh"
why=$(slurm_missing)
if [ -n "$why" ]; then test_skip slurm "$why"; exit 0; fi
SL=$TMP/slurm
mkdir -p "$SL"
chmod 0755 "$TMP"   # munged runs as munge and must reach its directory
trap 'slurm_stop "$SL"; [ -n "${WS_KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
t0=$(date +%s%N)
if ! slurm_start "$SL" 2>slurm.err; then
  echo "FAIL slurm: the one-node cluster did not start: $(cat slurm.err; tail -n 3 "$SL"/*.log 2>/dev/null | tr '\n' ' ')"
  exit 1
fi
echo "ok slurm: munged, slurmctld and slurmd started, node idle in $((($(date +%s%N) - t0) / 1000000)) ms"

make_tone_cache tones
cat >c.json <<J
{"study": "slurm-sweep", "direction": "maximize", "objective": "f1",
 "sampler": {"name": "tpe", "seed": 3, "n_startup_trials": 4, "constant_liar": true}, "pruner": {"name": "nop"},
 "budget": {"epochs": 2},
 "space": {"learning_rate": {"type": "float", "low": 0.005, "high": 0.02, "log": true},
           "batch_size": {"type": "categorical", "choices": [4, 8]}},
 "fixed": {"model": "dscnn", "channels": 16, "blocks": 1, "positive": "hey_nova", "validate_every": 1,
           "features": "$WS_ROOT/configs/features/default.json"}}
J
# sweep RUNS DB CONFIG CPUS_PER_TRIAL TRIALS: the sweep of the issue, each trial in `srun -n1 -c CPUS`.
sweep() {
  make -s -C "$WS_ROOT" -j4 sweep BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/tones/manifest.jsonl" \
    FEATURES="$TMP/tones.feat" CONFIG="$TMP/$3" TRIALS="$5" RUNS="$TMP/$1" MONITOR_INTERVAL=0.5 \
    LAUNCH="srun -n1 -c$4 --quiet" DB="$2"
}
jobs_in() { scontrol -o show job 2>/dev/null | grep -c "JobState=$1"; }
q() { dbq "$DB" "$1" 2>/dev/null; }

DB=$(db_new slurm) || exit 1
test_expect_success "make -j4 sweep LAUNCH='srun -n1 -c1' runs 8 trials against PostgreSQL" \
  'sweep r1 "$DB" c.json 1 8 >sweep.out 2>sweep.err'
test_expect_success "8 trial files, trials 0..7, all COMPLETE" '
  [ "$(cat r1/trial-*.json | jq .trial | sort -n | tr "\n" " ")" = "0 1 2 3 4 5 6 7 " ] &&
  [ "$(cat r1/trial-*.json | jq -r .state | sort -u)" = COMPLETE ]'
test_expect_success "... each in a Slurm job of its own (8 jobs COMPLETED), 1 thread each (-c1)" '
  [ "$(jobs_in COMPLETED)" = 8 ] && [ "$(grep -c "trial-.*COMPLETE.*(1 thread)" sweep.out)" = 8 ]'
test_expect_success "the study holds the 8 trials COMPLETE, nothing RUNNING" '
  [ "$(q "SELECT count(*), sum(CASE WHEN state = '"'COMPLETE'"' THEN 1 ELSE 0 END) FROM trials")" = "8|8" ]'
# report has no generation timestamp: the two must be the same bytes.
test_expect_success "report.json is byte for byte report --format json read from the study" '
  report --db "$DB" --format json >direct.json && cmp r1/report.json direct.json && [ "$(jq .n_trials direct.json)" = 8 ]'

# Faults: 4 longer trials, -c2 so one runs at a time (and gets 2 threads). While trial A trains,
# the server is restarted (down 2 s); then trial B's job is cancelled in the middle of training.
DB=$(db_new faults) || exit 1
jq '.study = "slurm-faults" | .budget.epochs = 200' c.json >c-long.json
sweep r2 "$DB" c-long.json 2 4 >f1.out 2>f1.err &
mk=$!
running() {  # the trial RUNNING with at least $1 intermediate values, once there is one
  local n i
  for ((i = 0; i < 600; i++)); do
    n=$(q "SELECT t.number FROM trials t JOIN trial_intermediate_values v USING (trial_id) WHERE t.state = 'RUNNING'
           GROUP BY t.number HAVING count(*) >= $1")
    [ -n "$n" ] && { echo "$n"; return 0; }
    kill -0 "$mk" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
a=$(running 10); pg_restart "$WS_PG_DIR" "$WS_PG_PORT" 2 2>restart.err; restarted=$?
# B: the next trial, once it trains; its job is the one running (-c2 fills the node).
for ((i = 0; i < 600; i++)); do b=$(running 20); [ -n "$b" ] && [ "$b" != "$a" ] && break; sleep 0.1; done
job=$(squeue -h -t R -o %A)
scancel "$job"
wait "$mk"; first=$?
b_state=$(q "SELECT state FROM trials WHERE number = $b")
test_expect_success "the server restarted (down 2 s) while trial $a trained; its job then cancelled mid-trial $b" '
  [ "$restarted" = 0 ] && [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ] && [ -n "$job" ] && [ "$(jobs_in CANCELLED)" = 1 ]'
# The cancelled job is a trial command that failed: the sweep goes on without its file (make
# ends 0, saying so); the trials still queued go on, and the first to start fails B (suggest
# --reap: its process is gone) and takes its retry, so B may be FAIL already before the re-run.
test_expect_success "... that sweep went on without B's file, trial $a COMPLETE across the restart, trial $b not COMPLETE" '
  [ "$first" = 0 ] && grep -q "the trial command failed" f1.err &&
  [ "$(q "SELECT state FROM trials WHERE number = $a")" = COMPLETE ] &&
  case $b_state in RUNNING|FAIL) ;; *) false ;; esac'
test_expect_success "the sweep re-run completes: 4 trial files, distinct trials, all COMPLETE, 2 threads each (-c2)" '
  sweep r2 "$DB" c-long.json 2 4 >f2.out 2>f2.err && [ "$(cat r2/trial-*.json | jq -r .state | sort | uniq -c | xargs)" = "4 COMPLETE" ] &&
  [ "$(cat r2/trial-*.json | jq .trial | sort -u | wc -l)" = 4 ] &&
  [ "$(cat f1.out f2.out | grep -c "COMPLETE.*(2 threads)")" = 4 ] && ! ls r2/*.tmp.* 2>/dev/null | grep -q .'
# Optuna's RetryFailedTrialCallback convention: the retry's system attribute failed_trial is the
# failed trial's number.
fid=$(q "SELECT trial_id FROM trials WHERE number = $b")
test_expect_success "trial $b is FAIL (process gone) and was retried with its params; nothing RUNNING or WAITING" '
  [ "$(q "SELECT state FROM trials WHERE number = $b")" = FAIL ] &&
  r=$(q "SELECT trial_id FROM trial_system_attributes WHERE key = '"'failed_trial'"' AND value_json = '"'$b'"'") && [ -n "$r" ] &&
  [ "$(q "SELECT state FROM trials WHERE trial_id = $r")" = COMPLETE ] &&
  [ "$(q "SELECT param_name, param_value FROM trial_params WHERE trial_id = $fid ORDER BY 1")" = \
    "$(q "SELECT param_name, param_value FROM trial_params WHERE trial_id = $r ORDER BY 1")" ] &&
  [ "$(q "SELECT count(*) FROM trials WHERE state IN ('"'RUNNING'"', '"'WAITING'"')")" = 0 ]'
test_expect_success "nothing lost: 5 trials, 4 COMPLETE with all 200 intermediate values each" '
  [ "$(q "SELECT count(*), sum(CASE WHEN state = '"'COMPLETE'"' THEN 1 ELSE 0 END) FROM trials")" = "5|4" ] &&
  [ "$(q "SELECT count(*) FROM trial_intermediate_values v JOIN trials t USING (trial_id) WHERE t.state = '"'COMPLETE'"'")" = 800 ] &&
  [ "$(db_integrity "$DB")" = ok ]'
test_expect_success "report.json is byte for byte the report read from the study" '
  report --db "$DB" --format json >direct2.json && cmp r2/report.json direct2.json'

# The job array: 4 trials, at most 2 at once, each task one `make RUNS/trial-iii.json`.
DB=$(db_new array) || exit 1
jq '.study = "slurm-array"' c.json >c-array.json
test_expect_success "pipelines/slurm-array.sh TRIALS=4 PARALLEL=2 -- -c1 --wait: array done, report made" '
  bash "$WS_ROOT/pipelines/slurm-array.sh" BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/tones/manifest.jsonl" \
    FEATURES="$TMP/tones.feat" CONFIG="$TMP/c-array.json" TRIALS=4 RUNS="$TMP/r3" DB="$DB" MONITOR_INTERVAL=0.5 \
    PARALLEL=2 -- -c1 --wait >array.out 2>array.err || { s=$?; tail -n 5 array.err >&2; exit $s; }'
jid=$(head -n 1 array.out)
test_expect_success "4 trial files, trials 0..3, all COMPLETE, 1 thread each (-c1)" '
  [ "$(cat r3/trial-*.json | jq .trial | sort -n | tr "\n" " ")" = "0 1 2 3 " ] &&
  [ "$(cat r3/trial-*.json | jq -r .state | sort -u)" = COMPLETE ] && [ "$(cat r3/slurm-*.out | grep -c "(1 thread)")" = 4 ]'
test_expect_success "... from 4 array tasks of job $jid, all COMPLETED, throttled to 2 (%2)" '
  scontrol -o show job "$jid" >jobs.txt && [ "$(grep -c "JobState=COMPLETED" jobs.txt)" = 4 ] &&
  [ "$(grep -c "ArrayJobId=$jid " jobs.txt)" = 4 ] && grep -q "ArrayTaskThrottle=2" jobs.txt'
test_expect_success "report.json is byte for byte the report read from the study" '
  report --db "$DB" --format json >direct3.json && cmp r3/report.json direct3.json && [ "$(jq .n_trials direct3.json)" = 4 ]'
