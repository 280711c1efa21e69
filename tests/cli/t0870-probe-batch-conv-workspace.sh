#!/usr/bin/env bash
# train-trial --probe-batch on the CPU left the convolutions' workspace out of its sizes (the
# im2col columns and weight-gradient partials, per share, growing with the batch up to a chunk of
# samples): the batch it offered did not fit the memory it was sized from once a trial trained on
# several shares (a dscnn of 256 channels and 6 blocks at 8 shares: 69 MB of workspace; in a
# cgroup of 320 MiB it offered 19, whose training step peaked at 364 MiB). Now it counts the
# workspace for the shares a trial trains on by default (WS_THREADS, else all cores). The reference
# is the kernel's: the peak memory (cgroup v1 memory.max_usage_in_bytes, v2 memory.peak) of the
# trial trained at the offered batch, in a cgroup of 1 GiB, held against the 320 MiB plus the peak
# of the tone study's small dscnn on as many threads: the process's own memory (code, SQLite,
# OpenBLAS's buffers a thread: 3.7 MiB on 1 thread, 16 MiB on 8), which the probe does not size.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
limit=$((320 << 20))
need_memory_cgroups "--probe-batch's batch trained"
tone_trial
jq '.budget.epochs = 1 | .fixed += {"channels": 256, "blocks": 6}' c.json >ws.json
jq '.budget.epochs = 1' c.json >base.json

# probe_and_train THREADS: probes in a fresh cgroup of $limit with WS_THREADS=THREADS, then trains
# the study's trial at the offered batch on THREADS threads, and the small dscnn's for the base;
# their peak use (bytes) in peakTHREADS and basepeakTHREADS, the probe's line in probeTHREADS
probe_and_train() {
  local t=$1 cg b
  cg=$(memory_cgroup ws-t0870 "$limit") || return 1
  WS_THREADS=$t in_cgroup "$cg" timeout 120 "$WS_BIN/train-trial" --probe-batch --device cpu --db runs/ws.db \
    --features tones.feat ws.line >probe$t 2>probe$t.err
  rmdir "$cg"
  b=$(jq -e '.batch | select(. >= 1)' probe$t) || { echo "probe: $(cat probe$t probe$t.err)" >&2; return 1; }
  jq --argjson b "$b" '.fixed.batch_size = $b' ws.json >ws$t.json &&
    suggest --db runs/ws$t.db --config ws$t.json >ws$t.line || return 1
  # (each study file "tones" keeps its checkpoints in a folder of its own: t0919)
  mkdir -p runs/ws$t runs/base$t &&
  peak_of train$t "$WS_BIN/train-trial" --db runs/ws$t.db --ckpt-dir runs/ws$t --features tones.feat --threads "$t" --quiet ws$t.line &&
    suggest --db runs/base$t.db --config base.json >base$t.line &&
    peak_of base$t "$WS_BIN/train-trial" --db runs/base$t.db --ckpt-dir runs/base$t --features tones.feat --threads "$t" --quiet base$t.line || return 1
  cp train$t.peak peak$t && cp base$t.peak basepeak$t
  echo "WS_THREADS=$t: probe $(jq -c '{batch, bytes}' probe$t); trained: $(jq -c '[.state, .reason]' train$t), peak $(cat peak$t) bytes; the small dscnn's $(cat basepeak$t)" >&2
  jq -e '.state == "COMPLETE"' train$t base$t >/dev/null
}

suggest --db runs/ws.db --config ws.json >ws.line
for t in 1 8; do
  test_expect_success "--probe-batch with WS_THREADS=$t in a cgroup of 320 MiB, its batch trained on $t threads" "probe_and_train $t"
  if [ "$(cat peak$t 2>/dev/null)" = none ]; then
    test_skip "... the training's peak within the 320 MiB" "the kernel keeps no peak memory for a cgroup here (v1 memory.max_usage_in_bytes, v2 memory.peak)"
  else
    test_expect_success "... the training's peak within the 320 MiB the batch was sized from (and the process's own)" \
      "[ \"\$(cat peak$t)\" -le \$(( $limit + \$(cat basepeak$t) )) ]"
  fi
done
test_expect_success "8 shares get a smaller batch than 1 (the workspace is per share)" '[ "$(jq .batch probe8)" -lt "$(jq .batch probe1)" ]'
