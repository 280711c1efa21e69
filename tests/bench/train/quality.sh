#!/usr/bin/env bash
# tests/bench/train/quality.sh — does train-trial learn as well as PyTorch? The study's default
# model (the one tests/bench/sweep/run.sh times as W1 and P1; or PARAMS, another point of the
# study's space) trained with S seeds on each side, each seed once with train-trial and once with
# PyTorch (tests/bench/sweep/sweep_ref.py --params), both on one thread, and the validation F1 (of
# the wake word against the rest, argmax decisions), accuracy and mean cross-entropy at the end of
# training compared: per seed, mean ± sd a side, the difference with Welch's t and an exact
# permutation test (tests/bench/train/quality_ref.py).
#
# The same on both sides: the feature cache and its train/validation split; the standardization
# (per mel band over <= 512 training clips; checked equal to 1e-6); the model (dscnn, layer for
# layer), the hyperparameters (the study's fixed settings and the default params as run.sh picks
# them, or PARAMS; suggest --fixed), optimizer (AdamW), cosine schedule stepped per batch over all
# steps, batch size, epochs, no augmentation (the study has none; sweep_ref refuses any), no early
# stopping or pruning (full_length_config). The end-of-training metrics are train-trial's own
# (it validates only after the last epoch here: fixed.validate_every = epochs, so its metrics and
# checkpoint are the final weights'; the weights are bit for bit those of validating every epoch,
# checked at 3 epochs); its loss, which it does not report, is computed by torch from that
# checkpoint (whose F1 and accuracy there must match train-trial's: a check that the weights were
# read right).
# What differs unavoidably: the random streams. The initial weights (each side draws PyTorch's
# default schemes, kaiming-uniform with a = sqrt(5) for convolutions and the linear layer, from
# its own generator), the order of the training clips in each epoch and the dropout masks come
# from train-trial's seed (suggest --seed S derives the trial's) and from torch.manual_seed(S);
# seed S on one side has nothing to do with seed S on the other, so the seeds are paired by name
# only and the comparison is of two samples. Floating-point sums differ in order too.
#
# Usage: [VAR=...] nice -n 10 bash tests/bench/train/quality.sh
# Environment (defaults in brackets):
#   S [5]              seeds a side (1..S), or SEEDS ["1 2 ..."] to name them
#   EPOCHS [config]    epochs of every training (the study's budget.epochs, 12 for kws-default)
#   PARAMS             a JSON file of params (an object, or a trial line: its "params") to train
#                      instead of the default model: a value for each parameter of the space
#   CONFIG [configs/studies/kws-default.json]   FEATURES [features/demo.feat: make data features]
#   SIDE_BY_SIDE [1]   1: each seed's two trainings at once (one thread each; 2 cores: fair when
#                      the machine is otherwise idle, and half the time); 0: one after the other
#   BUILD [build], BIN [bin, or BUILD/bin]   WORK [mktemp -d $TMPDIR/ws-bench-quality.XXXXXX] (kept)
#   OUT                a file to append the table to (with the date, commit and command)
# Time (2 cores shared, 2026-12-07): 12 epochs of the default model take train-trial 44-57 s and
# torch 105-155 s on one thread each, side by side, at a load of 2-3: the default run ~12 min;
# batch 32 (PARAMS) at a load of 4-5 ~17 min; EPOCHS=3 S=3 ~2 min. The runs and their reading:
# tests/bench/train/results-quality.txt. Not part of make check.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
here=$root/tests/bench/train
cd "$root"
PY=${PY:-/usr/bin/python3}
BUILD=${BUILD:-build}
if [ -z "${BIN:-}" ]; then if [ "$BUILD" = build ]; then BIN=bin; else BIN=$BUILD/bin; fi; fi
S=${S:-5} EPOCHS=${EPOCHS:-} CONFIG=${CONFIG:-configs/studies/kws-default.json}
FEATURES=${FEATURES:-features/demo.feat} SIDE_BY_SIDE=${SIDE_BY_SIDE:-1} PARAMS=${PARAMS:-}
die() { echo "bench-quality: $*" >&2; exit 2; }
[[ $S =~ ^[1-9][0-9]*$ ]] || die "S must be a positive number, got '$S'"
SEEDS=${SEEDS:-$(seq -s ' ' 1 "$S")}
for s in $SEEDS; do [[ $s =~ ^[0-9]+$ ]] || die "SEEDS: '$s' is not a seed (0, 1, ...)"; done
[ "$(wc -w <<<"$SEEDS")" -ge 2 ] || die "at least 2 seeds a side are needed for a standard deviation"
[ -z "$EPOCHS" ] || [[ $EPOCHS =~ ^[1-9][0-9]*$ ]] || die "EPOCHS must be a positive number, got '$EPOCHS'"
[[ $SIDE_BY_SIDE =~ ^[01]$ ]] || die "SIDE_BY_SIDE must be 0 or 1, got '$SIDE_BY_SIDE'"
[ -f "$CONFIG" ] || die "$CONFIG: no such study config"
for t in jq make /usr/bin/time; do command -v "$t" >/dev/null || die "$t not found"; done
"$PY" -c 'import optuna, torch, numpy' 2>/dev/null || die "$PY lacks optuna/torch/numpy (apt-get install python3-optuna python3-torch)"
[ -f "$FEATURES" ] || die "$FEATURES: no such feature cache (make data features)"
[ -z "$PARAMS" ] || [ -f "$PARAMS" ] || die "PARAMS: $PARAMS: no such file"

make -s BUILD="$BUILD" BIN="$BIN" "$BIN/train-trial" "$BIN/suggest" >&2
. tests/bench/same_blas_kernels.sh   # torch's GEMMs in the OpenBLAS kernels ours use
same_blas_kernels "$BIN/train-trial"
. tests/bench/sweep/default_model.sh

WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/ws-bench-quality.XXXXXX")}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
log() { echo "# $*" >&2; }

# --- the configs: one study copy (EPOCHS applied), the torch side's full length, ours validating
# only at the end (the same training: validation neither draws random numbers nor moves weights)
if [ -n "$EPOCHS" ]; then jq --argjson e "$EPOCHS" '.budget.epochs = $e' "$CONFIG" >"$WORK/study.json"
else cp "$CONFIG" "$WORK/study.json"; fi
epochs=$(jq -r '.budget.epochs' "$WORK/study.json")
[[ $epochs =~ ^[0-9]+$ ]] || die "$CONFIG: budget.epochs is a schedule; set EPOCHS"
full_length_config "$WORK/study.json" "$WORK/torch-config.json"
jq --argjson e "$epochs" '.fixed.validate_every = $e' "$WORK/torch-config.json" >"$WORK/ours-config.json"
if [ -n "$PARAMS" ]; then   # a whole point of the space: suggest would draw the parameters left out
  jq '.params // .' "$PARAMS" >"$WORK/defaults.json" 2>/dev/null || die "PARAMS: $PARAMS: not JSON"
  params_in_space "$WORK/study.json" "$WORK/defaults.json" &&
    jq -e --slurpfile c "$WORK/study.json" 'keys == ($c[0].space | keys)' "$WORK/defaults.json" >/dev/null ||
    die "PARAMS: $PARAMS: expected a value in the space of $CONFIG for each of its parameters ($(jq -c '.space | keys' "$WORK/study.json")), got $(jq -c . "$WORK/defaults.json")"
else
  default_params "$WORK/study.json" "$WORK/defaults.json" || die "$CONFIG: no default model (above)"
fi
log "work: $WORK; $epochs epochs; seeds $SEEDS; params $(jq -c . "$WORK/defaults.json"); fixed $(jq -c .fixed "$WORK/study.json")"
log "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"

ours() {   # seed dir: one training with train-trial, timed from suggest to train-trial's exit
  /usr/bin/time -f %e -o "$2/ours.time" bash -c '"$1/suggest" --db "$2/study.db" --config "$3" --fixed "$4" --seed "$5" >"$2/trial.json" &&
    "$1/train-trial" --db "$2/study.db" --features "$6" --threads 1 --ckpt-dir "$2" --quiet "$2/trial.json" >"$2/ours.json"' \
    _ "$BIN" "$2" "$WORK/ours-config.json" "$WORK/defaults.json" "$1" "$FEATURES"
}
theirs() {   # seed dir: one training with PyTorch, timed from the process's start (imports included)
  /usr/bin/time -f %e -o "$2/torch.time" "$PY" tests/bench/sweep/sweep_ref.py --features "$FEATURES" \
    --config "$WORK/torch-config.json" --params "$WORK/defaults.json" --threads 1 --seed "$1" >"$2/torch.json"
}

kill_tree() {   # pid: it and every process below it
  local c
  for c in $(pgrep -P "$1"); do kill_tree "$c"; done
  kill "$1" 2>/dev/null || :
}
for s in $SEEDS; do
  d=$WORK/seed-$s
  rm -rf "$d" && mkdir -p "$d"
  log "seed $s: train-trial and torch$([ "$SIDE_BY_SIDE" = 1 ] && echo ' side by side') (load $(cut -d' ' -f1 /proc/loadavg))"
  if [ "$SIDE_BY_SIDE" = 1 ]; then
    ours "$s" "$d" & p1=$!
    theirs "$s" "$d" & p2=$!
    # the side that failed first stops the other: its training (python under time, under the
    # subshell) would go on for minutes after the script has said so and exited
    wait "$p1" || { kill_tree "$p2"; die "seed $s: train-trial failed ($d)"; }
    wait "$p2" || die "seed $s: sweep_ref.py failed ($d)"
  else
    ours "$s" "$d" || die "seed $s: train-trial failed ($d)"
    theirs "$s" "$d" || die "seed $s: sweep_ref.py failed ($d)"
  fi
  jq -e --argjson e "$epochs" '.state == "COMPLETE" and .epochs == $e and .best_epoch == $e' "$d/ours.json" >/dev/null ||
    die "seed $s: train-trial did not train the $epochs epochs to the end: $(jq -c '{state, epochs, best_epoch, reason}' "$d/ours.json")"
  jq -e --argjson e "$epochs" '.epochs == $e and (.history | length) == $e' "$d/torch.json" >/dev/null ||
    die "seed $s: torch did not train the $epochs epochs to the end (a loss not finite?): $d/torch.json"
  "$PY" "$here/quality_ref.py" ckpt --features "$FEATURES" --ckpt "$d/trial-0.ckpt" >"$d/ckpt.json"
  jq -n --argjson s "$s" --slurpfile o "$d/ours.json" --slurpfile t "$d/torch.json" --slurpfile c "$d/ckpt.json" \
     --argjson ow "$(cat "$d/ours.time")" --argjson tw "$(cat "$d/torch.time")" --slurpfile line "$d/trial.json" '
    ($o[0].metrics) as $m | ($t[0].history[-1]) as $h |
    {seed: $s, val_clips: $c[0].clips,
     ours: {f1: $m.f1, accuracy: $m.accuracy, loss: $c[0].loss, wall: $ow, trial_seed: $line[0].seed,
            ckpt_check: {metric_diff: ([($c[0].f1 - $m.f1), ($c[0].accuracy - $m.accuracy)] | map(fabs) | max),
                         norm_max_abs_diff: $c[0].norm_max_abs_diff}},
     torch: {f1: $h.f1, accuracy: $h.accuracy, loss: $h.loss, wall: $tw, best_value: $t[0].value,
             history: [$t[0].history[] | {f1, accuracy, loss}]}}' >"$d/run.json"
  jq -e '.ours.ckpt_check.metric_diff < 1e-9 and .ours.ckpt_check.norm_max_abs_diff < 1e-6' "$d/run.json" >/dev/null ||
    die "seed $s: torch's reading of train-trial's checkpoint disagrees with train-trial: $(jq -c .ours.ckpt_check "$d/run.json")"
  log "seed $s: $(jq -c '{ours: (.ours | {f1, accuracy, loss, wall}), torch: (.torch | {f1, accuracy, loss, wall})}' "$d/run.json")"
done
jq -s . $(for s in $SEEDS; do echo "$WORK/seed-$s/run.json"; done) >"$WORK/runs.json"

{
  echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- lib src 2>/dev/null || echo ' (lib/src modified)'), $(nproc) cores"
  echo "command: $(env | grep -E '^(S|SEEDS|EPOCHS|CONFIG|FEATURES|SIDE_BY_SIDE|PARAMS)=' | sort | sed "s/=\(.* .*\)/='\1'/" | tr '\n' ' ')bash tests/bench/train/quality.sh"
  echo "study $(jq -r .study "$WORK/study.json"), $epochs epochs, params $(jq -c . "$WORK/defaults.json"), fixed $(jq -c .fixed "$WORK/study.json")"
  echo "$(jq -r '"train-trial seeds (from suggest --seed S): \([.[].ours.trial_seed] | map(tostring) | join(" ")); torch.manual_seed(S)"' "$WORK/runs.json"); one thread a side, $([ "$SIDE_BY_SIDE" = 1 ] && echo "side by side" || echo "one after the other"); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$PY" "$here/quality_ref.py" table "$WORK"
  echo "torch's F1 per epoch (seed: ...): $(jq -r 'map("\(.seed): \([.torch.history[].f1 | . * 1000 | round / 1000] | map(tostring) | join(" "))") | join("; ")' "$WORK/runs.json")"
} | tee "$WORK/table.txt"
[ -z "${OUT:-}" ] || { cat "$WORK/table.txt"; echo; } >>"$OUT"
log "work folder: $WORK"
