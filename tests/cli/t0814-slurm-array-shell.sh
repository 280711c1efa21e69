#!/usr/bin/env bash
# pipelines/slurm-array.sh without a cluster: an sbatch stand-in notes the options and the batch
# script it is given, prints a job id and, with FAKE_RUN, runs the array's tasks one after
# another (SLURM_ARRAY_TASK_ID set, each task's output in the --output file; FAKE_SKIP=i: task i
# does nothing), exiting with the
# highest task's status as sbatch --wait does. The sweep is the tiny tone study, 1 epoch.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-array 1
mkdir fake
cat >fake/sbatch <<'SH'
#!/usr/bin/env bash
printf '%s\n' "$@" >"$FAKE_DIR/sbatch.args"
script=${*: -1} array= outp= rc=0
for a in "$@"; do case $a in --array=*) array=${a#--array=} ;; --output=*) outp=${a#--output=} ;; esac; done
echo 4242
[ -n "${FAKE_RUN:-}" ] || exit 0
last=${array%%\%*}; last=${last#*-}
for ((i = 0; i <= last; i++)); do
  o=${outp//%A/4242}; o=${o//%a/$i}
  # FAKE_SKIP: that task ends 0 without its trial file, as one whose trial command failed does
  [ "$i" = "${FAKE_SKIP:--1}" ] && { echo "trial command failed" >"$o"; continue; }
  SLURM_ARRAY_TASK_ID=$i bash "$script" >"$o" 2>&1 || { r=$?; [ "$r" -le "$rc" ] || rc=$r; }
done
exit "$rc"
SH
chmod +x fake/sbatch
array() {  # [NAME=VALUE...] [-- SBATCH_OPTION...]
  env FAKE_DIR="$TMP" PATH="$TMP/fake:$WS_BIN:$PATH" bash "$WS_ROOT/pipelines/slurm-array.sh" BUILD="$WS_BUILD" BIN="$WS_BIN" \
    DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=2 MONITOR_INTERVAL=0.2 "$@"
}
run_array() { FAKE_RUN=1 array "$@"; }   # and its tasks

# RUNS as make spells it came from `echo $(RUNS)` in a shell: a RUNS that make sweep takes (a '
# or a " in it) was a shell syntax error there, and slurm-array.sh exited 2 without submitting
# anything (and one with a > wrote its batch script into the checkout's root, with tasks whose
# target, /trial-iii.json, no make knows).
for r in "bob's" 'a&b'; do
  test_expect_code 0 "slurm-array.sh RUNS=.../$r -- --wait: submitted, tasks run, report made" \
    run_array RUNS="$TMP/$r" -- --wait
  test_expect_success "... the batch script in RUNS, 2 trial files, the report" '
    grep -qxF -- "$TMP/$r/slurm-array.sh" sbatch.args && grep -qx -- "--array=0-1%16" sbatch.args &&
    [ "$(cat "$r"/trial-*.json | jq -r .state | sort | uniq -c | xargs)" = "2 COMPLETE" ] &&
    [ "$(jq .n_trials "$r/report.json")" = 2 ] && [ -s "$r/slurm-4242_1.out" ]'
done

# TRIALS from the environment (export TRIALS=3): make's TRIALS ?= 20 takes it, so each task's
# make knew trials 0-2, but the array was sized by the script's own default, 0-19, and its tasks
# 3-19 failed (no rule to make target trial-003.json). The array follows what make takes.
array_env() {
  env TRIALS=3 FAKE_DIR="$TMP" PATH="$TMP/fake:$WS_BIN:$PATH" bash "$WS_ROOT/pipelines/slurm-array.sh" BUILD="$WS_BUILD" BIN="$WS_BIN" \
    DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" RUNS="$TMP/envtrials" "$@"
}
test_expect_code 0 "slurm-array.sh with TRIALS=3 in the environment, none given" array_env
test_expect_success "... its SQLite DB on a local file system: no warning of a network one" '! grep -q "network file system" err'
test_expect_success "... submits the array of make's 3 trial targets (0-2)" 'grep -qx -- "--array=0-2%16" sbatch.args'
test_expect_code 0 "... TRIALS=2 given overrides it, as for make" array_env TRIALS=2
test_expect_success "... (0-1)" 'grep -qx -- "--array=0-1%16" sbatch.args'

# --wait makes the report once the array is done. A task whose trial command failed (its make
# goes on and ends 0: a trial it could not start) leaves its target without a file, and the
# make sweep that followed trained that trial here, on the submitting host, and ended 0. Now it
# names the trials left and ends 1, without training or a report; the array submitted again
# runs only those, and makes the report.
skip_array() { FAKE_SKIP=1 run_array "$@"; }
test_expect_code 1 "slurm-array.sh -- --wait, task 1 ending 0 without its trial file: exit 1" skip_array RUNS="$TMP/skip" -- --wait
test_expect_success "... naming it, nothing trained here, no report" '
  grep -q "1 of 2 trials have no file (trial-001.json)" err && [ -e skip/trial-000.json ] &&
  [ ! -e skip/trial-001.json ] && [ ! -e skip/report.json ]'
test_expect_code 0 "... submitted again: the array runs trial 1, then the report" run_array RUNS="$TMP/skip" -- --wait
test_expect_success "... 2 trials, the report" '[ "$(jq .n_trials skip/report.json)" = 2 ] && [ -s skip/slurm-4242_1.out ]'

# The sweep's variables are checked (make sweep-check) before the feature cache is made, as make
# sweep checks them before anything runs: a bad DEVICE was found only once `make features` had
# featurized the whole corpus (minutes for a real one) on the submitting host.
test_expect_code 2 "slurm-array.sh DEVICE=bogus with no feature cache yet: refused" array RUNS="$TMP/dev" DEVICE=bogus FEATURES="$TMP/new.feat"
test_expect_success "... naming DEVICE, before the cache was made" '
  grep -q "DEVICE: expected auto, cpu or cuda, got .bogus." err && [ ! -e new.feat ] && [ ! -e dev ]'

# A SQLite DB on a network file system (the shared storage the header asks for) is written by tasks
# on several nodes at once, which SQLite's locking does not survive there; nothing said so. Now a
# warning, before the array is submitted (a stat stand-in reports the file system's type).
mkdir fakefs
printf '#!/bin/sh\n[ "$1" = -f ] && { echo "${FAKE_FS:-ext2/ext3}"; exit 0; }\nexec /usr/bin/stat "$@"\n' >fakefs/stat
chmod +x fakefs/stat
fs_array() { env PATH="$TMP/fakefs:$TMP/fake:$WS_BIN:$PATH" FAKE_FS="$1" FAKE_DIR="$TMP" \
  bash "$WS_ROOT/pipelines/slurm-array.sh" BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/tones/manifest.jsonl" \
  FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=2 RUNS="$TMP/nfs"; }
test_expect_code 0 "slurm-array.sh, DB a SQLite file on nfs4: submitted" fs_array nfs4
test_expect_success "... with a warning naming the file system and the way out" '
  grep -qx "slurm-array.sh: warning: DB=$TMP/nfs/study.db is a SQLite file on nfs4, a network file system: tasks on several nodes writing it at once can corrupt the study (SQLite.s locking does not hold there); give DB a PostgreSQL URL" err'
