#!/usr/bin/env bash
# pipelines/slurm-array.sh [NAME=VALUE...] [-- SBATCH_OPTION...] — a sweep as one Slurm job
# array: task i builds trial target i of pipelines/sweep.mk (`make RUNS/trial-iii.json`: one
# suggest | train-trial through pipelines/trial.sh, written to a temporary file and renamed), at
# most PARALLEL tasks at once (sbatch --array=0-TRIALS-1%PARALLEL). One index per target, so no
# two tasks build the same file, and a re-submitted array skips the finished ones.
#   NAME=VALUE   the sweep's make variables (CONFIG DB DATA FEATURES TRIALS RUNS BUILD BIN DEVICE
#                THREADS ...), and PARALLEL (default 16)
#   SBATCH_OPTION  passed to sbatch: -c N (each trial's threads follow SLURM_CPUS_PER_TASK),
#                --gres=gpu:1, -p PART, --wait (wait for the array, then make the report)
# Run it from the repository on shared storage, with FEATURES there and DB a PostgreSQL URL
# (SQLite must not be shared between machines: a SQLite DB on a network file system is warned of).
# The tools and the feature cache are built here
# first, so tasks only train. Task logs: RUNS/slurm-JOB_TASK.out; the batch script: RUNS/slurm-array.sh.
#   pipelines/slurm-array.sh CONFIG=configs/studies/kws-default.json TRIALS=200 PARALLEL=16 \
#       DB=postgresql://me@db:5432/sweeps FEATURES=/shared/kws.feat -- -c4 --gres=gpu:1
# Without --wait it prints the job id; `make sweep` with the same variables writes the report
# once every task has finished. Exit status: sbatch's (with --wait: the highest task's; then 1
# when a task left its trial without a file, which is named, and no report is made), 2 on bad
# arguments.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# trials: make's TRIALS ?= 20, which takes one from the environment too (the array must hold
# exactly the targets each task's make knows)
vars=() sb=() parallel=16 trials=${TRIALS-20} wait=0
usage() { echo "slurm-array.sh: $*" >&2; echo "usage: pipelines/slurm-array.sh [NAME=VALUE...] [-- SBATCH_OPTION...]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --) shift; sb=("$@"); break ;;
    -h | --help) sed -n '2,/^set /{/^set /d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    PARALLEL=*) parallel=${1#*=} ;;
    TRIALS=*) trials=${1#*=}; vars+=("$1") ;;
    [A-Za-z_]*=*) vars+=("$1") ;;
    *) usage "$1: expected NAME=VALUE, or -- before sbatch options" ;;
  esac
  shift
done
# TRIALS as make checks it (each task's make refuses any other: the whole array would fail)
msg=$(bash "$root/pipelines/check-vars.sh" count TRIALS "$trials"); [ -z "$msg" ] || usage "$msg"
[[ $parallel =~ ^[1-9][0-9]*$ ]] || usage "PARALLEL=$parallel: expected a positive integer"
for o in "${sb[@]}"; do [ "$o" != --wait ] && [ "$o" != -W ] || wait=1; done

mk=(make -s --no-print-directory -C "$root" "${vars[@]}")
# Once, here: tasks starting together must not race to build the tools or the cache. Between
# the two, the sweep's variables, as each task's make checks them (a bad DEVICE, CONFIG, DB...
# would fail every task of the array): sweep-check does nothing else. After the tools (the
# CONFIG check runs suggest), before the cache, as make sweep checks them before anything runs:
# a bad one was found only once the whole corpus had been featurized.
"${mk[@]}" all
"${mk[@]}" sweep-check || exit 2
"${mk[@]}" features
# RUNS as sweep.mk computes it (from CONFIG's study name unless given): the task's target must
# be spelled as make spells it. Quoted (ws_q) for the shell that prints it, as the recipes quote
# it: a ' or " there was a syntax error, a & or > ran or wrote something else.
# shellcheck disable=SC2016  # $(RUNS) is for make
runs=$("${mk[@]}" --eval 'ws-print-runs: ; @printf "%s\n" $(call ws_q,$(RUNS))' ws-print-runs)
case $runs in /*) abs=$runs ;; *) abs=$root/$runs ;; esac
mkdir -p "$abs"
# DB as sweep.mk computes it. A SQLite file on a network file system (the shared storage that tasks
# on other nodes reach it through) is written by several machines at once, which SQLite's locking
# does not survive there (a corrupt study): said before anything is submitted. A local folder (one
# node) is fine, so it is a warning, not a refusal.
# shellcheck disable=SC2016  # $(DB) is for make
db=$("${mk[@]}" --eval 'ws-print-db: ; @printf "%s\n" $(call ws_q,$(DB))' ws-print-db)
case $db in
  postgresql://* | postgres://*) ;;
  *)
    case $db in /*) dbdir=$(dirname "$db") ;; *) dbdir=$(dirname "$root/$db") ;; esac
    fs=$(stat -f -c %T "$dbdir" 2>/dev/null || true)
    case $fs in
      nfs* | cifs | smb* | lustre | gpfs | beegfs | ceph* | fuse.sshfs | afs | 9p | glusterfs | fuse.glusterfs)
        echo "slurm-array.sh: warning: DB=$db is a SQLite file on $fs, a network file system: tasks on several nodes writing it at once can corrupt the study (SQLite's locking does not hold there); give DB a PostgreSQL URL" >&2 ;;
    esac ;;
esac

script=$abs/slurm-array.sh
{
  echo '#!/usr/bin/env bash'
  echo '# written by pipelines/slurm-array.sh: array task i builds trial target i'
  echo "target=\$(printf $(printf %q "$runs/trial-%03d.json") \"\$SLURM_ARRAY_TASK_ID\")"
  echo "exec $(printf '%q ' "${mk[@]}")\"\$target\""
} >"$script.tmp.$$"
mv "$script.tmp.$$" "$script"

rc=0
sbatch --array="0-$((trials - 1))%$parallel" --job-name=ws-sweep --output="$abs/slurm-%A_%a.out" \
  --parsable "${sb[@]}" "$script" || rc=$?
[ "$rc" = 0 ] && [ "$wait" = 1 ] || exit "$rc"
# --wait: the report, once every trial has its file. A task whose trial command failed (a trial
# it could not start: its make goes on and ends 0) leaves its target without one, which make
# sweep would train here, on the submitting host, and end 0: named instead, exit 1; the array
# submitted again runs only those.
missing=()
for ((i = 0; i < trials; i++)); do
  printf -v f 'trial-%03d.json' "$i"
  [ -e "$abs/$f" ] || missing+=("$f")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "slurm-array.sh: ${#missing[@]} of $trials trials have no file (${missing[*]:0:5}${missing[5]:+ ...}): their tasks could not run them (see $abs/slurm-*.out); submit the array again to run them, and make the report" >&2
  exit 1
fi
"${mk[@]}" sweep
