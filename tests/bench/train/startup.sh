#!/usr/bin/env bash
# tests/bench/train/startup.sh — time from process start to the first training step on a feature
# cache: train-trial on the kws-default study (a fresh trial each run, stopped by --max-seconds
# right after its first step) next to Python + PyTorch doing the same setup (torch_startup.py).
#   tests/bench/train/startup.sh [BUILD_DIR]
# Environment: FEATURES (features/demo.feat), STUDY (configs/studies/kws-default.json), BATCH (64),
# CHANNELS (64), RUNS (5; the fastest and the median are shown). Columns, in ms:
#   exec      launch to main() of train-trial (train-trial --help spawned and waited for, loading
#             its libraries; timed without a shell, as torch's launch time is)
#   setup     train-trial's own seconds.setup: main() to the first step (study, cache opened (its
#             checksum pass runs beside training), normalisation statistics (computed by the
#             study's first trial, read from the study by the others), model, optimizer)
#   to-step   exec + setup, the figure to hold against the 50 ms goal
#   torch     launch to the first step of torch_startup.py (imports included)
# Not part of make check.
set -eu
. "$(dirname "$0")/demo_setup.sh"
RUNS=${RUNS:-5}
ours=() execs=() torch=()
for r in $(seq "$RUNS"); do
  "$bin/suggest" --db "$tmp/s.db" --config "$STUDY" --fixed "$tmp/fixed.json" >"$tmp/line"
  ours+=("$("$bin/train-trial" --db "$tmp/s.db" --features "$FEATURES" --threads 1 --quiet --keep none \
            --max-seconds 0.000001 "$tmp/line" | jq '.seconds.setup * 1000')")
  # spawn to exit, timed by a small harness: a fork of this bash would add its own ~8 ms (this VM)
  execs+=("$("$PY" -c 'import subprocess, sys, time
t = time.perf_counter(); subprocess.run([sys.argv[1], "--help"], stdout=subprocess.DEVNULL)
print("%.1f" % ((time.perf_counter() - t) * 1000))' "$bin/train-trial")")
  torch+=("$(OMP_NUM_THREADS=1 BENCH_LAUNCH_NS=$(date +%s%N) exec "$PY" tests/bench/train/torch_startup.py "$FEATURES" \
             "$CHANNELS" "$blocks" "$BATCH" | jq .setup_ms)")
done
echo "# $FEATURES ($(du -m "$FEATURES" | cut -f1) MB), dscnn channels $CHANNELS blocks $blocks, batch $BATCH, 1 thread;"
echo "# $RUNS runs, fastest / median (ms); load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" - "${execs[*]}" "${ours[*]}" "${torch[*]}" <<'PYEOF'
import statistics as st, sys
e, o, t = ([float(v) for v in a.split()] for a in sys.argv[1:4])
row = lambda v: "%8.1f %8.1f" % (min(v), st.median(v))
print("%-10s %8s %8s" % ("", "fastest", "median"))
print("%-10s %s" % ("exec", row(e)))
print("%-10s %s" % ("setup", row(o)))
print("%-10s %s" % ("to-step", row([a + b for a, b in zip(e, o)])))
print("%-10s %s" % ("torch", row(t)))
PYEOF
