#!/usr/bin/env bash
# pipelines/trial.sh OUT — one trial target of the sweep: suggest | train-trial, with the
# result line written to OUT through a temporary file and a rename. The environment carries
# BIN DB CONFIG STUDY FEATURES THREADS DEVICE RUNS MONITOR_INTERVAL SUGGEST_ARGS SWEEP_TRIALS
# SWEEP_SLURM_STEP, SWEEP_MONITOR (1: start the sweep's monitor) and, without LAUNCH, SWEEP_CPUS
# (pipelines/sweep.mk sets them).
set -euo pipefail
# Ctrl-C (SIGINT to make's whole process group) stops the trial wherever it is. Without a trap,
# bash given SIGINT while it waits for a child that then exits normally (suggest just done, or a
# tool that finishes its work on Ctrl-C) takes the signal for the child's to handle and goes on
# ("wait and cooperative exit"): the trial went on to train-trial, which trained a whole trial
# while make, interrupted, waited for it. A trap runs once the child is gone, whatever its status,
# and dies of the signal (the EXIT trap below still runs), so make sees a trial stopped by SIGINT.
# Set first, as monitor.sh's. TERM and HUP need none: bash dies of them at once, a child running
# or not, where a trap would wait for the child (a whole training) before it ran.
trap 'trap - INT; kill -INT $$' INT
out=$1
# Folders and names without forking dirname and basename (nor nproc or jq where none is needed,
# nor a lookup suggest can make): a sweep starts a trial.sh per trial, two at a time, and every
# process started between two trials is milliseconds of a job slot left idle (4 ms at the least).
dir_of() { case $1 in */*) dir=${1%/*}; [ -n "$dir" ] || dir=/ ;; *) dir=. ;; esac; }
dir_of "$out"; out_dir=$dir
out_name=${out##*/}
# One process per trial target at a time: a second make sweep in the same RUNS, or make run again
# after a kill -9 of make alone (its trials live on), waits here for the trial running this
# target, then finds its file made and is done: the same target is never trained twice, and
# the temporaries removed below are never a live trial's. The lock is on a hidden file beside
# the target, kept (removing it could let a third process lock a new file while a second
# still waits on the old one); fd 8 goes to no process that outlives the trial (the monitor).
# flock exits 1 when the lock is held; anything else (a file system without locks: Lustre
# without -o flock, some NFS or FUSE mounts) means no lock can be had, and the trial runs without
# one, as it did before there was a lock, rather than fail every trial of the sweep. So does a
# lock that is not a regular file (a FIFO put there): opened for writing alone (>>), it waited
# for a reader for good; read-write (<>) does not wait, and lock_kind looks at what was opened
# (pipelines/lock-kind.sh: through /dev/fd/8, or the path where there is no /proc).
dir_of "$0"; . "$dir/lock-kind.sh"
lock=$out_dir/.$out_name.lock
exec 8<>"$lock"
rc=0
lock_kind 8 "$lock"   # sets kind
if [ "$kind" != file ]; then
  what="not a regular file"
  [ "$kind" != fifo ] || what="a FIFO, not a regular file"
  echo "$out_name: $lock is $what; running the trial without a lock" >&2
  exec 8>&-
else
  flock -n 8 || rc=$?
  if [ "$rc" = 1 ]; then
    echo "$out_name: another make is running this trial; waiting for it" >&2
    flock 8 || rc=$?
  fi
  if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
    echo "$out_name: no lock on this file system (flock exit status $rc); running the trial without one" >&2
  fi
fi
[ -s "$out" ] && exit 0
# THREADS=auto: the CPUs this trial may use. In a Slurm step of its own (LAUNCH="srun -c N ...":
# this script runs inside the step, where srun sets SLURM_JOB_ID.SLURM_STEP_ID to other values
# than make saw, SWEEP_SLURM_STEP) that is SLURM_CPUS_PER_TASK. Trials sharing make's CPUs (no
# LAUNCH; make maybe inside an allocation or array task) divide them by the number of trials
# make runs at once: its -jN (TRIALS where N is above it), or under a bare -j (no limit) every
# trial of the sweep. (Computed once the trial's temporary is named, below.)
# make_jobs sets trials_at_once. No process is waited for before the training but through a file
# (nproc's and realpath's output go through the trial's temporary, read back with the builtin
# read; $(<file) forks too before bash 5.2): bash drops a Ctrl-C that comes while it waits for a
# command substitution's process (a subshell such as $(make_jobs) was, or a program) that then
# exits normally, trap or not, and the trial went on to train while make, interrupted, waited for
# it (t0991; suggest's line: t0986).
make_jobs() {
  # MAKEFLAGS as GNU make writes it: a first word of single-letter flags (without a dash), then
  # -jN (-j when unlimited), --jobserver-auth=... and other options, each a word of its own, then
  # " -- " and the command line's variables, whose values (RUNS=/x/r-j2) are not make's flags.
  local w words n t
  read -ra words <<<"${MAKEFLAGS:-}"
  for w in "${words[@]}"; do
    case $w in
      --) break ;;
      -j) trials_at_once=${SWEEP_TRIALS:-1}; return ;;
      # no more than TRIALS at once, however many slots: make -j8 sweep TRIALS=2 gave each of its
      # two trials cores / 8 threads, three quarters of the cores idle while both ran
      -j[1-9]*) [[ ${w#-j} =~ ^[0-9]+$ ]] && { n=${w#-j}; t=${SWEEP_TRIALS:-$n}; [ "${#n}" -le 7 ] && [ "$n" -le "$t" ] || n=$t; trials_at_once=$n; return; } ;;
    esac
  done
  trials_at_once=1
}
left=("$out".tmp.*)   # left by a trial of this target that was killed (none is running: the lock)
[ ! -e "${left[0]-}" ] || rm -f "${left[@]}"
# The study this target's trials belong to: suggest --unless-done and --result-of look only
# there, as another study in the same database may have tagged a trial with the same target.
study=(); [ -z "${STUDY:-}" ] || study=(--study "$STUDY")
# On any exit the trial's temporaries go; exit 2 (bad input: a config suggest refuses, a cache
# train-trial refuses) stops the sweep, and its monitor with it.
dir_of "$0"; here=$dir tmp=
on_exit() {
  local rc=$?
  if [ -n "$tmp" ] && [ -e "$tmp" ]; then rm -f "$tmp"; fi
  [ "$rc" -ne 2 ] || bash "$here/monitor.sh" stop "$RUNS" 8>&-
}
trap on_exit EXIT
. "$here/monitor.sh"   # monitor_pid: is the sweep's monitor running?
[ -z "${SWEEP_MONITOR:-}" ] || monitor_pid "$RUNS" || bash "$here/monitor.sh" start "$RUNS" "$DB" "$BIN" "$MONITOR_INTERVAL" 8>&-
# --reap: trials of a killed sweep whose process is gone are failed and queued again.
# --pid $$: this script owns the trial: train-trial records its own pid, and keeps this one as the
# trial's owner (wakesweep:owner_pid), so that another trial's --reap does not fail the trial
# between train-trial's exit and this script's own record of it (record_result, tell FAIL below).
# The lock keeps other runs of this target away, so the temporary's name needs no mktemp (another
# process): the host and pid name it.
tmp=$out.tmp.${HOSTNAME:-host}.$$
# Trials that share make's CPUs may also take those the sweep leaves idle at its end, when no
# other trial of the study is running or waiting (train-trial --grow-threads): all of them,
# rounded down to a multiple of THREADS, so that each thread runs as many of the grow shares.
grow=()
if [ "${THREADS:-auto}" = auto ]; then
  if [ -n "${SLURM_CPUS_PER_TASK:-}" ] && [ "${SLURM_JOB_ID:-}.${SLURM_STEP_ID:-}" != "${SWEEP_SLURM_STEP:-.}" ]; then
    THREADS=$SLURM_CPUS_PER_TASK
  else
    cpus=${SLURM_CPUS_PER_TASK:-${SWEEP_CPUS:-}}   # SWEEP_CPUS: make's nproc, without LAUNCH
    if [ -z "$cpus" ]; then nproc >"$tmp"; IFS= read -r cpus <"$tmp" || :; fi
    make_jobs
    THREADS=$(( cpus / trials_at_once )); [ "$THREADS" -ge 1 ] || THREADS=1
    g=$(( cpus / THREADS * THREADS )); [ "$g" -le "$THREADS" ] || grow=(--grow-threads "$g")
  fi
fi
# The trial's tag (suggest --tag, train-trial --result-of): the target's canonical path, the
# same however RUNS is spelled (rs, rs/, ./rs, its absolute path: each spelling tagged a trial of
# its own, and a removed trial file was trained again as a new trial, not rebuilt), relative to
# make's folder when under it, as the default RUNS (runs/STUDY) spelled it before tags were
# canonical. A study's trial tagged before, as another spelling (RUNS=./runs/x), is found under
# that spelling when RUNS is spelled so again: asked first, where the two differ (the lock keeps
# other runs of this target away meanwhile).
realpath -m --relative-base=. -- "$out" >"$tmp"
IFS= read -r tag <"$tmp" || :   # read by bash itself, no process (see make_jobs)
if [ "$tag" != "$out" ] && "$BIN/train-trial" --db "$DB" "${study[@]}" --result-of "$out" --ckpt-dir "$RUNS" >"$tmp" 2>/dev/null; then
  mv "$tmp" "$out"
  exit 0
fi
# --unless-done: a trial of this target that finished before a kill, but whose file was not
# renamed yet, is not trained again (suggest asks the study, in the transaction that would make
# the trial, and exits 1): its result line is rebuilt from the study, and best.ckpt made the
# study's best's (--ckpt-dir: the kill may have come before the trial copied its weights there,
# and no trial may come after it to copy them).
# SUGGEST_ARGS is split into words at blanks, but not glob-expanded (set -f): a --fixed path with
# a * ? or [ reached suggest as the other files it matched.
# Its line goes through the temporary, not $(...): bash waits for a command substitution's process
# outside the job code that runs the trap above, and a Ctrl-C that came in that wait (suggest's
# output closed, suggest not yet reaped) was dropped, trap or not, and the trial went on to train.
rc=0
set -f
# shellcheck disable=SC2086  # SUGGEST_ARGS is a list of options
"$BIN/suggest" --db "$DB" --config "$CONFIG" "${study[@]}" --reap --pid $$ --tag "$tag" --unless-done ${SUGGEST_ARGS:-} >"$tmp" || rc=$?
set +f
[ "$rc" != 0 ] || IFS= read -r line <"$tmp" || :   # read by bash itself, no process
if [ "$rc" = 1 ]; then
  "$BIN/train-trial" --db "$DB" "${study[@]}" --result-of "$tag" --ckpt-dir "$RUNS" >"$tmp"
  mv "$tmp" "$out"
  exit 0
fi
[ "$rc" = 0 ] || exit "$rc"
# record_result FILE: tells the study the result line in FILE (train-trial's, not stored) whole,
# as train-trial would have stored it: its state, value, constraints and reason, and its
# metrics, seconds and epochs, which train-trial's tell command leaves out (tell --result).
record_result() { "$BIN/tell" --db "$DB" --result "$1"; }
# said_recorded N: train-trial's remedy (the end of its line that says trial N's result is not
# stored, and gives the tell command) replaced by what the sweep did: a command already run, or
# refused once run, is not one to give.
said_recorded() {
  local mark="trial $1's result is not stored (the trial stays RUNNING)" now head rest
  now="trial $1's result, not stored by train-trial, was recorded by the sweep once the study could be written; its result line is the trial's file"
  if [[ $err != *"$mark"* ]]; then err+=${err:+$'\n'}"$out_name: $now"; return; fi
  head=${err%%"$mark"*} rest=${err#*"$mark"}
  case $rest in *$'\n'*) rest=$'\n'${rest#*$'\n'} ;; *) rest= ;; esac
  err=$head$now$rest
}
# Checkpoints go to RUNS, the sweep's own folder: beside the study file for a plain sweep, but a
# stage of `make staged` shares its study file with the other stage, whose trial-N.ckpt and
# best.ckpt it must not overwrite (and a PostgreSQL study has no folder). Its messages are kept
# (in err: no file to remove after) to be read below, and passed on. rc is 0 here.
err=$("$BIN/train-trial" --db "$DB" --features "$FEATURES" --threads "$THREADS" "${grow[@]}" --device "$DEVICE" --ckpt-dir "$RUNS" --quiet - \
    <<<"$line" 2>&1 >"$tmp") || rc=$?
# Another study's checkpoints in RUNS (the tour's folder, trained with train-trial alone, holds no
# trial files for RUNS's check to find): train-trial's remedy is --ckpt-dir, which the sweep sets
# from RUNS, so its user is told the sweep's own.
err=${err//"give this study a folder of its own with --ckpt-dir"/"give this sweep a folder of its own: another RUNS (the sweep's --ckpt-dir)"}
# Exit status 3 with a result line: the training is done, but the study could not be written as
# its result was stored (a lock another process held past WS_DB_BUSY_S, a full disk): the trial
# is RUNNING, and the message ends with the tell command that records the result. Told FAIL
# below as a crash, the result was lost, and that command, run after, refused (the trial
# finished). The sweep records it itself (record_result: the line whole, metrics and all), keeps
# the line as the trial's file, and says so in place of the command; where it cannot
# either, it says so after the message, whose command still records it.
unrecorded=
if [ "$rc" = 3 ] && [ -s "$tmp" ] && jq -e '.state | strings' "$tmp" >/dev/null 2>&1; then
  n=$(jq -r .trial "$tmp")
  if told=$(record_result "$tmp" 2>&1 >/dev/null); then
    rc=0
    said_recorded "$n"
    # best.ckpt, which train-trial brings up to date only once the result is stored
    "$BIN/train-trial" --db "$DB" --study "$(jq -r .study "$tmp")" --result-of "$tag" --ckpt-dir "$RUNS" >/dev/null || :
  else
    unrecorded=$n
    err+=${told:+${err:+$'\n'}$told}
  fi
fi
[ -z "$err" ] || printf '%s\n' "$err" >&2
# The trial's own study (the line's), for the lookups below (only on failure: jq is slow to start).
line_study() { jq -r .study <<<"$line"; }
found=0
if [ "$rc" -eq 2 ] && [[ $err == *"not RUNNING"* ]]; then
  "$BIN/train-trial" --db "$DB" --study "$(line_study)" --result-of "$tag" --ckpt-dir "$RUNS" >"$tmp" || found=$?
fi
if [ "$rc" -eq 2 ] && [[ $err == *"not RUNNING"* ]] && [ "$found" = 0 ]; then
  # Not bad input: this trial was finished under it (told, say). Its file holds the study's
  # result line; the other trials go on.
  :
elif [ "$rc" -eq 2 ] && [[ $err == *"not RUNNING"* ]] && [ "$found" = 1 ]; then
  # Not bad input either: failed as stale while the machine slept, and queued again (so not this
  # target's result, as for a killed sweep's trial). Its params are retried by the next suggest;
  # this target stays unmade and the next make sweep runs it, as when a launcher cannot start it.
  rm -f "$tmp"
  exit 1
elif [ "$rc" -eq 2 ]; then
  # Bad input (the trial line, the cache, the device): every trial would meet it, so the sweep
  # stops here with train-trial's message; the trial is already FAIL in the study, and queued
  # again (it never ran: not this target's result), so the next make sweep, the input put right,
  # trains its params.
  exit 2
elif [ "$rc" -eq 3 ] && [[ $err == *": the file was deleted or replaced while trial "* ]]; then
  # The study file was deleted, or another renamed over it, while the trial trained (train-trial
  # stopped and said so, above). There is no study of this trial to tell: telling it FAIL by
  # number failed that number's trial of a study renamed over it (or, the file deleted, tell was
  # refused). Every trial would meet it, so the sweep stops, nothing told, this target unmade.
  exit 2
elif [ "$rc" -eq 126 ] || [ "$rc" -eq 127 ]; then
  # train-trial could not be run at all (the shell's "not found" and "cannot execute": a build
  # relinking bin/ at this moment, a BIN that lacks it): nothing of the trial ran, and this
  # target stays unmade, as when a launcher cannot start a trial: the other trials go on and
  # the next make sweep runs it again. The trial stays RUNNING under this script's pid, gone
  # once it exits, so the next suggest --reap fails it and queues its params again, as for a
  # trial whose sweep was killed (failing it here would make it this target's result).
  exit "$rc"
elif [ -n "$unrecorded" ]; then
  # train-trial's result, not stored, and the study not written by the sweep's tell either (still
  # locked, say): as for a failure it cannot tell below, the trial's file is the study's line
  # where the trial was finished meanwhile (by another process); else this target stays unmade
  # and the trial RUNNING, its result recorded by the command of train-trial's message, or,
  # failed as stale by a later suggest (or reaped by another trial's, once this script is gone), trained
  # again by the next make sweep. Exit status 3, train-trial's: make says the trial command failed.
  if ! "$BIN/train-trial" --db "$DB" --study "$(line_study)" --result-of "$tag" --ckpt-dir "$RUNS" >"$tmp" 2>/dev/null; then
    echo "$out_name: the sweep could not record trial $unrecorded's result either (tell's message above): this target stays unmade; record the result with train-trial's tell command above once the study can be written (before a suggest fails the trial as stale), or the next make sweep trains the trial again" >&2
    exit 3
  fi
elif [ "$rc" -ne 0 ]; then
  # A crash, an out-of-memory kill: this trial is over and FAIL, as in Optuna when the objective
  # raises; the other trials go on. The trial file holds tell's result line, or the study's
  # own when train-trial finished the trial before it died.
  why="train-trial exited with status $rc"
  [ "$rc" -gt 128 ] && why="train-trial was killed by signal $((rc - 128)) ($(kill -l $((rc - 128)) 2>/dev/null || echo ?))"
  if "$BIN/tell" --db "$DB" --study "$(line_study)" --trial "$(jq -r .trial <<<"$line")" --state fail \
      --reason "$why" >"$tmp" 2>/dev/null; then
    # Killed as it saved a checkpoint, train-trial left its temporary in RUNS, which only a later
    # trial's start removed: none after the sweep's last. --result-of --ckpt-dir removes those of
    # killed processes (and keeps best.ckpt the best's); its line is tell's, already in tmp.
    "$BIN/train-trial" --db "$DB" --study "$(line_study)" --result-of "$tag" --ckpt-dir "$RUNS" >/dev/null || :
  else
    "$BIN/train-trial" --db "$DB" --study "$(line_study)" --result-of "$tag" --ckpt-dir "$RUNS" >"$tmp"
  fi
fi
# A kill before the rename leaves at most a temporary (the next run of this target removes it)
# and a trial finished in the study, whose line that run rebuilds; after it, the target is made
# and never runs again.
mv "$tmp" "$out"
echo "$out_name: $(jq -r '"trial \(.trial) \(.state) \(.value // "-") in \(.seconds.total // 0 | floor) s \(.reason // "")"' "$out") ($THREADS thread$([ "$THREADS" = 1 ] || echo s)${grow[1]:+, ${grow[1]} when alone})"
