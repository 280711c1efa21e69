#!/usr/bin/env bash
# tests/bench/sweep/run.sh — the headline benchmark (issue 6, "Must show" 4), all in one run on
# the same feature cache and the same epochs:
#   W1  wall time of one full-length training of the study's default model with wakesweep
#       (suggest --fixed DEFAULTS | train-trial, all cores to the one trial; one validation an
#       epoch, whatever the study's budget.validations_per_epoch, and no early stopping)
#   WS  wall time of a TRIALS-trial sweep: make -jJOBS sweep (pruning and early stopping as the
#       study config says)
#   P1  one full-length training of the same model in Python (PyTorch, a per-trial DataLoader)
#   PS  a PY_TRIALS-trial Optuna sweep in Python: trials one after another, full length, no pruning
# and prints WS/W1 (goal <= 3 at 50 trials), PS/P1, and WS next to PS. The Python side is
# sweep_ref.py beside this script (Debian's /usr/bin/python3: python3-optuna, python3-torch).
#
# Usage: [VAR=...] bash tests/bench/sweep/run.sh
# Environment (defaults in brackets):
#   TRIALS [50]        trials of the wakesweep sweep (WS)
#   PY_TRIALS [TRIALS] trials of the Python sweep; fewer than TRIALS: PS at TRIALS is extrapolated
#                      (PS time per trial x TRIALS + start-up), and marked so; 0 skips PS
#   EPOCHS [config]    override the study's budget.epochs (both sides' configs come from one copy)
#   CLIPS              a private, smaller demo corpus: CLIPS clips per class and 4 x CLIPS of the
#                      wake word (share/make-demo-corpus.sh), featurized into WORK
#   FEATURES [features/demo.feat]  the cache to use otherwise (made with `make data features`
#                      when missing); it is copied into WORK, nothing in the tree is written
#   CONFIG [configs/studies/kws-default.json]   the study; configs/studies/kws-fast.json is the
#                      same search pruned by successive halving from an eighth of an epoch, judged
#                      by the wake word's F1 at its operating point (at_fpr.f1; the Python side too)
#   JOBS [2]           make -j for the sweep;  THREADS1 [nproc]: threads of W1, P1 and PS
#   DEVICE [cpu]       train-trial --device;  PY_WORKERS [0]: DataLoader workers
#   BUILD [build], BIN [bin, or BUILD/bin]     the build tree to use (made here if needed)
#   WORK [mktemp -d $TMPDIR/ws-bench-sweep.XXXXXX]  where runs, databases and logs go (kept)
#   PHASES ["W1 WS P1 PS"]  the phases to run; the others' results are taken from an earlier run
#                      in the same WORK, whose features and study config are then kept as they are
#                      (so both sides still see the same features and epochs), e.g. to redo the
#                      Python side when the machine is quieter:  WORK=/tmp/ws-bench-sweep.X PHASES="P1 PS"
#   OUT                a file to append the result JSON line to
# Time (measured 2026-12-02 on the 2-core machine, quiet; tests/bench/sweep/results.txt): a
# 5-epoch training of the default model took 11 s with wakesweep on 2 threads and 33 s with
# PyTorch; the 20-trial sweep 158 s, a Python trial ~29 s. Under a load average of 9 from other
# users the same runs took 40-50 s and 200-360 s. A full default run (12 epochs, 50 trials each
# side) is then 15-60 min for W1 + WS and 1-6 hours for P1 + PS: use PY_TRIALS (extrapolated),
# EPOCHS or CLIPS. This scaled-down run takes 5-30 minutes:
#   EPOCHS=5 TRIALS=20 PY_TRIALS=2 bash tests/bench/sweep/run.sh
# The full size with kws-fast's pruning and early stopping takes about 4 minutes:
#   TRIALS=50 PY_TRIALS=2 CONFIG=configs/studies/kws-fast.json bash tests/bench/sweep/run.sh
# Not part of make check.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
here=$root/tests/bench/sweep
cd "$root"
PY=${PY:-/usr/bin/python3}
BUILD=${BUILD:-build}
if [ -z "${BIN:-}" ]; then if [ "$BUILD" = build ]; then BIN=bin; else BIN=$BUILD/bin; fi; fi
TRIALS=${TRIALS:-50} PY_TRIALS=${PY_TRIALS:-${TRIALS:-50}} EPOCHS=${EPOCHS:-} CLIPS=${CLIPS:-}
CONFIG=${CONFIG:-configs/studies/kws-default.json} JOBS=${JOBS:-2} THREADS1=${THREADS1:-$(nproc)}
DEVICE=${DEVICE:-cpu} PY_WORKERS=${PY_WORKERS:-0} PHASES=${PHASES:-W1 WS P1 PS}
die() { echo "bench-sweep: $*" >&2; exit 2; }
for v in TRIALS PY_TRIALS JOBS THREADS1 PY_WORKERS; do [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a number, got '${!v}'"; done
[ "$TRIALS" -ge 1 ] || die "TRIALS must be at least 1"
[ -z "$EPOCHS" ] || [[ $EPOCHS =~ ^[1-9][0-9]*$ ]] || die "EPOCHS must be a positive number, got '$EPOCHS'"
[ -z "$CLIPS" ] || [[ $CLIPS =~ ^[1-9][0-9]*$ ]] || die "CLIPS must be a positive number, got '$CLIPS'"
[ -f "$CONFIG" ] || die "$CONFIG: no such study config"
for p in $PHASES; do case $p in W1|WS|P1|PS) ;; *) die "PHASES: unknown phase '$p' (W1 WS P1 PS)" ;; esac; done
runs() { [[ " $PHASES " == *" $1 "* ]]; }
for t in jq make /usr/bin/time; do command -v "$t" >/dev/null || die "$t not found"; done
"$PY" -c 'import optuna, torch, numpy' 2>/dev/null || die "$PY lacks optuna/torch/numpy (apt-get install python3-optuna python3-torch)"

WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/ws-bench-sweep.XXXXXX")}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
exec 3>&2   # progress, even while a phase's output is redirected
log() { echo "# $*" >&3; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# Busy CPU seconds of the whole machine (all processes, everyone's), from /proc/stat.
busy_s() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { print ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat; }

make -s BUILD="$BUILD" BIN="$BIN" all >&2
. tests/bench/same_blas_kernels.sh   # the Python reference's GEMMs in the OpenBLAS kernels ours use
same_blas_kernels "$BIN/train-trial"

# --- the features: one cache for both sides, copied into WORK (make must not remake it) ---------
feat_cfg=$(jq -r '.fixed.features // "configs/features/default.json"' "$CONFIG")
reuse=
for p in W1 WS P1 PS; do runs $p || reuse=1; done
if [ -n "$reuse" ]; then
  if [ ! -f "$WORK/features.feat" ] || [ ! -f "$WORK/study.json" ]; then
    die "PHASES=\"$PHASES\" takes the other phases from an earlier run: set WORK to its folder"
  fi
  log "reusing $WORK's features and study config (CLIPS, FEATURES, EPOCHS and CONFIG are not applied)"
elif [ -n "$CLIPS" ]; then
  log "making a demo corpus with $CLIPS clips per class and $((4 * CLIPS)) of the wake word in $WORK/data"
  t=$(date +%s)
  WAKE_CLIPS=$((4 * CLIPS)) CLIPS_PER_CLASS=$CLIPS JOBS=2 bash share/make-demo-corpus.sh "$WORK/data" >&2
  "$BIN/featurize" -q --config "$feat_cfg" --threads "$(nproc)" --out "$WORK/features.feat" "$WORK/data" >/dev/null
  log "corpus and features: $(( $(date +%s) - t )) s"
else
  FEATURES=${FEATURES:-features/demo.feat}
  if [ ! -f "$FEATURES" ]; then
    log "$FEATURES missing: make data features (writes data/demo and $FEATURES)"
    make -s BUILD="$BUILD" BIN="$BIN" FEATURES="$FEATURES" data features >&2
  fi
  cp "$FEATURES" "$WORK/features.feat"
fi
[ -n "$reuse" ] || rm -f "$WORK"/*.phase.json "$WORK"/*.time "$WORK"/ps.json "$WORK"/p1.json
feat=$WORK/features.feat
"$BIN/featurize" --describe "$feat" >"$WORK/features.json"

# --- the study config both sides read (EPOCHS applied) and the default model's params ------------
if [ -z "$reuse" ]; then
  if [ -n "$EPOCHS" ]; then jq --argjson e "$EPOCHS" '.budget.epochs = $e' "$CONFIG" >"$WORK/study.json"
  else cp "$CONFIG" "$WORK/study.json"; fi
fi
config=$WORK/study.json
# Full length: one validation an epoch, no early stopping and no pruner (default_model.sh says why).
# W1 is one such training; the Python side trains so too (P1 is the same training, PS the setup
# users start from). The default model: the values train-trial takes when a parameter is not
# given, pinned with suggest --fixed, each checked to lie in the study's space.
. "$here/default_model.sh"
full=$WORK/full-length.json
full_length_config "$config" "$full"
default_params "$config" "$WORK/defaults.json" || die "$CONFIG: no default model (above)"
epochs=$(jq -r '.budget.epochs' "$config")
[[ $epochs =~ ^[0-9]+$ ]] || die "$CONFIG: budget.epochs is a schedule; set EPOCHS"
log "work: $WORK; features: $(jq -c '{clips, splits}' "$WORK/features.json"); epochs $epochs; default model $(jq -c . "$WORK/defaults.json")"
log "libblas.so.3 alternative: $(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | sed -n 's/^Value: //p')"

# phase NAME CMD...: runs CMD under /usr/bin/time, records wall, CPU (ours), the machine's busy
# CPU seconds meanwhile (ours + everyone else's) and the load average before and after.
phase() {
  local name=$1; shift
  local l0 b0 b1 wall u s
  l0=$(loadavg); b0=$(busy_s)
  [ "$name" = W1 ] || log "$name: $* (load $l0)"
  /usr/bin/time -f '%e %U %S' -o "$WORK/$name.time" "$@"
  b1=$(busy_s)
  read -r wall u s <"$WORK/$name.time"
  jq -n --arg n "$name" --argjson w "$wall" --argjson c "$(awk -v a="$u" -v b="$s" 'BEGIN { print a + b }')" \
     --argjson busy "$(awk -v a="$b0" -v b="$b1" 'BEGIN { print b - a }')" --arg l0 "$l0" --arg l1 "$(loadavg)" \
     '{phase: $n, wall: $w, cpu: $c, machine_busy_cpu: $busy, load_before: $l0, load_after: $l1}' >"$WORK/$name.phase.json"
  log "$name: $wall s wall, $(jq .cpu "$WORK/$name.phase.json") s CPU (load $(loadavg))"
}

# --- W1: one full-length training of the default model --------------------------------------------
if runs W1; then
rm -rf "$WORK/one" && mkdir -p "$WORK/one"
log "W1: suggest --fixed defaults.json | train-trial --threads $THREADS1"
# shellcheck disable=SC2016  # the script's $1.. are its arguments
phase W1 bash -c '"$1/suggest" --db "$2/one/study.db" --config "$3" --fixed "$2/defaults.json" |
  "$1/train-trial" --db "$2/one/study.db" --features "$4" --threads "$5" --device "$6" --quiet - >"$2/one/result.json"' \
  _ "$BIN" "$WORK" "$full" "$feat" "$THREADS1" "$DEVICE"
fi

# --- WS: the sweep, as a user runs it (-o: the copied cache is never remade) -------------------------
if runs WS; then
rm -rf "$WORK/sweep"   # a finished sweep there would make `make sweep` do nothing
phase WS make -s -j"$JOBS" -o "$feat" BUILD="$BUILD" BIN="$BIN" CONFIG="$config" FEATURES="$feat" \
  TRIALS="$TRIALS" RUNS="$WORK/sweep" DEVICE="$DEVICE" sweep >"$WORK/sweep.log" 2>&1 ||
  { tail -n 20 "$WORK/sweep.log" >&2; die "the sweep failed (log: $WORK/sweep.log)"; }
fi

# --- P1 and PS: the Python reference ---------------------------------------------------------------
runs P1 && phase P1 "$PY" "$here/sweep_ref.py" --features "$feat" --config "$full" --params "$WORK/defaults.json" \
  --threads "$THREADS1" --workers "$PY_WORKERS" >"$WORK/p1.json"
if runs PS && [ "$PY_TRIALS" -gt 0 ]; then
  phase PS "$PY" "$here/sweep_ref.py" --features "$feat" --config "$full" --trials "$PY_TRIALS" \
    --threads "$THREADS1" --workers "$PY_WORKERS" >"$WORK/ps.json"
fi

# --- the table -------------------------------------------------------------------------------------
ours_blas="$(readlink -f /usr/lib/x86_64-linux-gnu/libopenblas.a) (static)"
for p in W1 WS P1; do [ -f "$WORK/$p.phase.json" ] || die "no result of phase $p in $WORK (PHASES=\"$PHASES\")"; done
"$PY" - "$WORK" "$TRIALS" "$PY_TRIALS" "$JOBS" "$THREADS1" "$epochs" "$(nproc)" "${OUT:-}" "$ours_blas" <<'PYEOF'
import glob, json, os, sys
work, N, NP, jobs, threads, epochs, cores, out, ours_blas = sys.argv[1], *map(int, sys.argv[2:8]), sys.argv[8], sys.argv[9].strip()
ph = {os.path.basename(p).split(".")[0]: json.load(open(p)) for p in glob.glob(work + "/*.phase.json")}
w1 = json.load(open(work + "/one/result.json"))
obj = json.load(open(work + "/study.json")).get("objective", "value")   # what "value" and "best" are
trials = [json.load(open(p)) for p in sorted(glob.glob(work + "/sweep/trial-*.json"))]
p1 = json.load(open(work + "/p1.json"))
ps = json.load(open(work + "/ps.json")) if os.path.exists(work + "/PS.phase.json") else None
N = len(trials)                        # as run (PHASES may have taken the sweep from an earlier run)
NP = ps["trials"] if ps else 0
states = {}
for t in trials:
    states[t["state"]] = states.get(t["state"], 0) + 1
ep_done = sum(t.get("epochs") or 0 for t in trials)
ok = [t for t in trials if t["state"] == "COMPLETE" and t.get("value") is not None]
best_ws = max((t["value"] for t in ok), default=None)
W1, WS, P1 = ph["W1"]["wall"], ph["WS"]["wall"], ph["P1"]["wall"]
W1c, WSc, P1c = ph["W1"]["cpu"], ph["WS"]["cpu"], ph["P1"]["cpu"]
assert w1["epochs"] == epochs == p1["epochs"], ("epochs differ", w1["epochs"], epochs, p1["epochs"])
PS = PSc = None
ext = ps is not None and NP < N
if ps:
    startup = ps["seconds_wall"] - ps["seconds_optimize"]
    # serial trials without pruning: time grows linearly with the number of trials
    PS = ph["PS"]["wall"] if not ext else startup + ps["seconds_optimize"] / NP * N
    PSc = ph["PS"]["cpu"] * PS / ph["PS"]["wall"]
def f(x, d=1): return "-" if x is None else "%.*f" % (d, x)
def r(a, b): return None if a is None or b is None else a / b
def fr(a, b, k=1): return f(None if r(a, b) is None else r(a, b) * k, 2)
ws_note = "%d trials, make -j%d (%s; %g of %d epochs trained)" % (N, jobs, ", ".join("%d %s" % (v, k) for k, v in sorted(states.items())), ep_done, N * epochs)
X = " EXTRAPOLATED" if ext else ""
rows = [
    ("W1", f(W1), f(W1c), "s", "one training of the default model, wakesweep, %d threads; %s %s" % (threads, obj, f(w1.get("value"), 3))),
    ("WS", f(WS), f(WSc), "s", ws_note + "; best %s %s" % (obj, f(best_ws, 3))),
    ("WS/W1", fr(WS, W1), fr(WSc, W1c), "x", "goal <= 3 (at 50 trials)"),
    ("P1", f(P1), f(P1c), "s", "one training, PyTorch %s, %d threads, DataLoader workers %d; %s %s" % (p1["torch"], threads, p1["dataloader_workers"], obj, f(p1.get("value"), 3))),
    ("PS", f(PS), f(PSc), "s", ("EXTRAPOLATED from %d trials (%.1f s measured): start-up + mean trial x %d" % (NP, ph["PS"]["wall"], N) if ext else "%d trials, Optuna %s, serial, no pruning" % (NP, ps["optuna"])) + "; best %s %s" % (obj, f(ps.get("best_value"), 3)) if ps else "skipped (PY_TRIALS=0)"),
    ("PS/P1", fr(PS, P1), fr(PSc, P1c), "x", "the Python starting point (reported ~50x at 50 trials)" + X),
    ("PS/WS", fr(PS, WS), fr(PSc, WSc), "x", "Python sweep's time over wakesweep's, same trial count" + X),
    ("P1/W1", fr(P1, W1), fr(P1c, W1c), "x", "one training: PyTorch's time over wakesweep's"),
]
if N < 50:
    rows.append(("WS/W1@50", fr(WS, W1, 50 / N), fr(WSc, W1c, 50 / N), "x", "EXTRAPOLATED linearly from %d trials (over-estimates: later trials are pruned more)" % N))
    if PS:
        rows.append(("PS/P1@50", fr(PS, P1, 50 / N), fr(PSc, P1c, 50 / N), "x", "EXTRAPOLATED linearly"))
print("%-9s %9s %9s %-2s %s" % ("measure", "wall", "CPU", "", "what (CPU: our processes' user+system time, less disturbed by others' load)"))
for row in rows:
    print("%-9s %9s %9s %-2s %s" % row)
print()
print("%-5s %8s %10s %13s  %s" % ("phase", "wall s", "our CPU s", "others' CPU s", "load average before -> after"))
for k in ("W1", "WS", "P1", "PS"):
    if k in ph:
        p = ph[k]
        print("%-5s %8.1f %10.1f %13.1f  %s -> %s" % (k, p["wall"], p["cpu"], max(0.0, p["machine_busy_cpu"] - p["cpu"]), p["load_before"], p["load_after"]))
print("(%d cores: a phase of W s wall has 2W CPU seconds; others' CPU = the machine's busy time from /proc/stat less ours)" % cores)
print("BLAS: torch maps", ", ".join(p1["blas"]), "(its convolutions run in oneDNN); train-trial links", ours_blas)
res = {"bench": "sweep", "work": work, "trials": N, "py_trials": NP, "epochs": epochs, "jobs": jobs, "threads": threads,
       "W1": W1, "WS": WS, "P1": P1, "PS": PS, "PS_extrapolated": ext, "WS_over_W1": WS / W1,
       "PS_over_P1": r(PS, P1), "PS_over_WS": r(PS, WS), "cpu": {"W1": W1c, "WS": WSc, "P1": P1c, "PS": PSc}, "states": states,
       "epochs_trained": ep_done, "values": {"W1": w1.get("value"), "P1": p1.get("value"), "WS_best": best_ws,
       "PS_best": ps.get("best_value") if ps else None}, "phases": ph, "blas_torch": p1["blas"], "blas_ours": ours_blas}
json.dump(res, open(work + "/result.json", "w"))
if out:
    with open(out, "a") as fh:
        fh.write(json.dumps(res) + "\n")
print("work folder (runs, report.html, logs):", work)
PYEOF
