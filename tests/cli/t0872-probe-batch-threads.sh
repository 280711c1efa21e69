#!/usr/bin/env bash
# train-trial --probe-batch on the CPU sizes the convolutions' workspace per share (t0870), but
# took the shares from WS_THREADS or all cores only, and refused --threads ("--threads goes with
# training ... not --probe-batch") and --grow-threads: a trial to be trained with --threads 1, or
# with --grow-threads 8 (8 shares from its first step), could not be probed for the batch that
# fits that run, and the batch offered for fewer shares went past the memory it was sized from
# once the trial trained on more. Now --probe-batch takes both, with training's meaning: it sizes
# for the shares the run cuts its work into (--grow-threads if given, else --threads). The
# reference is the kernel's: the peak memory (v1 memory.max_usage_in_bytes, v2 memory.peak) of
# the trial trained at the offered batch in a cgroup of 1 GiB, held against the 320 MiB the probe
# was sized in plus the peak of the tone study's small dscnn trained the same way (the process's
# own memory: code, SQLite, OpenBLAS's buffers a thread), as t0870 does.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trial
jq '.budget.epochs = 1 | .fixed += {"channels": 256, "blocks": 6}' c.json >ws.json
jq '.budget.epochs = 1' c.json >base.json
suggest --db runs/ws.db --config ws.json >ws.line

# What the options mean and refuse, as in training (no cgroup needed)
test_expect_code 0 "--probe-batch --threads 1" \
  train-trial --probe-batch --device cpu --threads 1 --db runs/ws.db --features tones.feat ws.line
test_expect_success "... a JSON line with a batch" 'jq -e ".batch >= 1" out'
test_expect_code 0 "--probe-batch --threads 1 --grow-threads 8" \
  train-trial --probe-batch --device cpu --threads 1 --grow-threads 8 --db runs/ws.db --features tones.feat ws.line
test_expect_code 2 "--probe-batch --threads 4 --grow-threads 2: fewer to grow to than the trial's threads" \
  train-trial --probe-batch --device cpu --threads 4 --grow-threads 2 --db runs/ws.db --features tones.feat ws.line
test_expect_success "... refused as training refuses it" 'grep -q "^train-trial: --grow-threads: expected at least the trial.s threads (4), got 2" err'
test_expect_code 2 "--evaluate --grow-threads 2 is still refused (evaluation does not grow)" \
  train-trial --evaluate runs/none.ckpt --features tones.feat --grow-threads 2
test_expect_success "... saying it goes with training or --probe-batch" 'grep -q "^train-trial: --grow-threads goes with training or --probe-batch, not --evaluate" err'

limit=$((320 << 20))
if ! cg=$(memory_cgroup ws-t0872 "$limit"); then
  test_skip "--probe-batch's batch for --threads and --grow-threads, trained" "no memory cgroup can be made here (needs root and a writable cgroup v1 memory or v2 hierarchy with the memory controller)"
  exit 0
fi
kept=$(peak_file "$cg")
rmdir "$cg"
if [ -z "$kept" ]; then
  test_skip "--probe-batch's batch for --threads and --grow-threads, trained" "the kernel keeps no peak memory for a cgroup here (v1 memory.max_usage_in_bytes, v2 memory.peak)"
  exit 0
fi
if asan_built train-trial; then
  test_skip "--probe-batch's batch for --threads and --grow-threads, trained" "train-trial is built with AddressSanitizer, whose shadow memory follows every allocation"
  exit 0
fi
# probe_in NAME [ENV=V...] -- ARGS...: train-trial --probe-batch ARGS in a fresh cgroup of $limit
# (with ENV set); its line in NAME, its batch on stdout
probe_in() {
  local name=$1 cg
  shift
  local env=(env)
  while [ "$1" != -- ]; do env+=("$1"); shift; done
  shift
  cg=$(memory_cgroup ws-t0872 "$limit") || return 1
  in_cgroup "$cg" "${env[@]}" timeout 120 "$WS_BIN/train-trial" --probe-batch \
    --device cpu --db runs/ws.db --features tones.feat "$@" ws.line >"$name" 2>"$name.err"
  rmdir "$cg"
  jq -e '.batch | select(. >= 1)' "$name" || { echo "probe $name: $(cat "$name" "$name.err")" >&2; return 1; }
}
# train_at NAME BATCH ARGS...: the big dscnn's trial at BATCH and the small dscnn's, each trained
# with ARGS (--threads, --grow-threads) in a cgroup of 1 GiB: their peaks in NAME.peak and NAME.base.peak
train_at() {
  local name=$1 b=$2
  shift 2
  jq --argjson b "$b" '.fixed.batch_size = $b' ws.json >"$name.json" &&
    suggest --db "runs/$name.db" --config "$name.json" >"$name.line" &&
    # (each study file "tones" keeps its checkpoints in a folder of its own: t0919)
    mkdir -p "runs/$name" "runs/$name.base" &&
    peak_of "$name" "$WS_BIN/train-trial" --db "runs/$name.db" --ckpt-dir "runs/$name" --features tones.feat --quiet "$@" "$name.line" &&
    suggest --db "runs/$name.base.db" --config base.json >"$name.base.line" &&
    peak_of "$name.base" "$WS_BIN/train-trial" --db "runs/$name.base.db" --ckpt-dir "runs/$name.base" --features tones.feat --quiet "$@" "$name.base.line" ||
    return 1
  echo "$name: batch $b, $*: $(jq -c '[.state, .reason]' "$name"), peak $(cat "$name.peak") bytes; the small dscnn's $(cat "$name.base.peak")" >&2
  jq -e '.state == "COMPLETE"' "$name" "$name.base" >/dev/null
}

test_expect_success "in a cgroup of 320 MiB: --threads 1 sizes as WS_THREADS=1 does, and wins over WS_THREADS=8" '
  [ "$(probe_in t1 WS_THREADS=8 -- --threads 1)" = "$(probe_in env1 WS_THREADS=1 --)" ]'
test_expect_success "... --threads 1 --grow-threads 8 sizes as --threads 8 does (8 shares), below --threads 1" '
  g=$(probe_in g8 -- --threads 1 --grow-threads 8) && t8=$(probe_in t8 -- --threads 8) && t1=$(jq .batch t1) &&
  echo "batches: --threads 1: $t1, --threads 8: $t8, --threads 1 --grow-threads 8: $g" >&2 &&
  [ "$g" = "$t8" ] && [ "$g" -lt "$t1" ]'
test_expect_success "... the batch for --threads 1 --grow-threads 8 trained so: within the 320 MiB (and the process's own)" '
  train_at grow "$(jq .batch g8)" --threads 1 --grow-threads 8 &&
  [ "$(cat grow.peak)" -le $(( limit + $(cat grow.base.peak) )) ]'
# the other side, which is why the probe must be told: the batch for 1 share (WS_THREADS=1's,
# as t0870 probes it) trained on 8 goes past it
test_expect_success "... the batch for --threads 1 trained with --grow-threads 8 goes past them (why the probe takes it)" '
  train_at one "$(jq .batch env1)" --threads 1 --grow-threads 8 &&
  [ "$(cat one.peak)" -gt $(( limit + $(cat one.base.peak) )) ]'
