#!/usr/bin/env bash
# pipelines/trial.sh OUT — one trial target of the sweep: suggest | train-trial, with the
# result line written to OUT through a temporary file and a rename. The environment carries
# BIN DB CONFIG STUDY FEATURES THREADS DEVICE RUNS MONITOR_INTERVAL SUGGEST_ARGS
# (pipelines/sweep.mk sets them).
set -euo pipefail
out=$1
# THREADS=auto: the CPUs this trial may use. In a Slurm step of its own (LAUNCH="srun -c N ...":
# this script runs inside the step, where srun sets SLURM_JOB_ID.SLURM_STEP_ID to other values
# than make saw, SWEEP_SLURM_STEP) that is SLURM_CPUS_PER_TASK. Trials sharing make's CPUs (no
# LAUNCH; make maybe inside an allocation or array task) divide them by make's -j.
if [ "${THREADS:-auto}" = auto ]; then
  if [ -n "${SLURM_CPUS_PER_TASK:-}" ] && [ "${SLURM_JOB_ID:-}.${SLURM_STEP_ID:-}" != "${SWEEP_SLURM_STEP:-.}" ]; then
    THREADS=$SLURM_CPUS_PER_TASK
  else
    jobs=$(sed -n 's/.*-j *\([0-9][0-9]*\).*/\1/p' <<<" ${MAKEFLAGS:-}")
    THREADS=$(( ${SLURM_CPUS_PER_TASK:-$(nproc)} / ${jobs:-1} )); [ "$THREADS" -ge 1 ] || THREADS=1
  fi
fi
rm -f "$out".tmp.*   # left by a trial of this target that was killed
# A trial of this target that finished before a kill, but whose file was not renamed yet, is
# not trained again: its result line is rebuilt from the study.
if "$BIN/train-trial" --db "$DB" --result-of "$out" >"$out.tmp.study" 2>/dev/null; then
  mv "$out.tmp.study" "$out"; exit 0
fi
rm -f "$out.tmp.study"
# On any exit the trial's temporaries go; exit 2 (bad input: a config suggest refuses, a cache
# train-trial refuses) stops the sweep, and its monitor with it.
here=$(dirname "$0") tmp=
on_exit() {
  local rc=$?
  [ -z "$tmp" ] || rm -f "$tmp" "$tmp.err"
  [ "$rc" -ne 2 ] || bash "$here/monitor.sh" stop "$RUNS"
}
trap on_exit EXIT
bash "$here/monitor.sh" start "$RUNS" "$DB" "$BIN" "$MONITOR_INTERVAL"
# --reap: trials of a killed sweep whose process is gone are failed and queued again.
# shellcheck disable=SC2086  # SUGGEST_ARGS is a list of options
# --pid $$: this script owns the trial until train-trial records its own pid.
study=(); [ -z "${STUDY:-}" ] || study=(--study "$STUDY")
line=$("$BIN/suggest" --db "$DB" --config "$CONFIG" "${study[@]}" --reap --pid $$ --tag "$out" ${SUGGEST_ARGS:-})
tmp=$(mktemp "$out.tmp.XXXXXX")
# Checkpoints go to RUNS, the sweep's own folder: beside the study file for a plain sweep, but a
# stage of `make staged` shares its study file with the other stage, whose trial-N.ckpt and
# best.ckpt it must not overwrite (and a PostgreSQL study has no folder).
rc=0
"$BIN/train-trial" --db "$DB" --features "$FEATURES" --threads "$THREADS" --device "$DEVICE" --ckpt-dir "$RUNS" --quiet - \
    <<<"$line" >"$tmp" 2>"$tmp.err" || rc=$?
cat "$tmp.err" >&2
if [ "$rc" -eq 2 ] && grep -q "not RUNNING" "$tmp.err" && "$BIN/train-trial" --db "$DB" --result-of "$out" >"$tmp"; then
  # Not bad input: this trial was finished under it (failed as stale while the machine slept,
  # say). Its file holds the study's result line; the other trials go on.
  :
elif [ "$rc" -eq 2 ]; then
  # Bad input (the trial line, the cache): every trial would meet it, so the sweep stops here
  # with train-trial's message; the trial is already FAIL in the study.
  exit 2
elif [ "$rc" -ne 0 ]; then
  # A crash, an out-of-memory kill: this trial is over and FAIL, as in Optuna when the objective
  # raises; the other trials go on. The trial file holds tell's result line, or the study's
  # own when train-trial finished the trial before it died.
  why="train-trial exited with status $rc"
  [ "$rc" -gt 128 ] && why="train-trial was killed by signal $((rc - 128)) ($(kill -l $((rc - 128)) 2>/dev/null || echo ?))"
  "$BIN/tell" --db "$DB" --study "$(jq -r .study <<<"$line")" --trial "$(jq -r .trial <<<"$line")" --state fail \
      --reason "$why" >"$tmp" 2>/dev/null || "$BIN/train-trial" --db "$DB" --result-of "$out" >"$tmp"
fi
mv "$tmp" "$out"
echo "$(basename "$out"): $(jq -r '"trial \(.trial) \(.state) \(.value // "-") in \(.seconds.total // 0 | floor) s \(.reason // "")"' "$out") ($THREADS threads)"
