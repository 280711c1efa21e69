#!/usr/bin/env bash
# train-trial --probe-batch on the CPU offered a batch the trial could not train in the memory
# the batch was sized from: in the smallest cgroup in which it offered a batch of 16 (a dscnn of
# 256 channels and 6 blocks, one thread), that trial was killed by the kernel's OOM killer (exit
# 137, no result line, the trial left RUNNING), with --keep best (the default) and --keep none.
# The probe counted the model's weights, gradients, optimizer state and a batch's activations
# (nn_model_plan) but not what training holds beside them: the checkpoint of the best weights
# (two copies of the weights, and the file written from them, in the page cache until written
# back), and the page tables of all that memory, which the kernel charges to the cgroup (v2
# memory.stat pagetables, v1 kmem). Now it counts them. The reference is the kernel's: the trial
# trained at the offered batch inside a cgroup whose limit is the one the probe sized from
# completes. The limit is found by bisection (to 64 KiB) as the smallest that gets a batch of 16,
# so no rounding of the batch leaves room for what the probe leaves out.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
need_memory_cgroups "--probe-batch at the edge of a cgroup's limit"
tone_trial
jq '.budget.epochs = 1 | .fixed += {"channels": 256, "blocks": 6}' c.json >ws.json
suggest --db runs/ws.db --config ws.json >ws.line

# batch_in BYTES: the batch --probe-batch --threads 1 offers in a fresh cgroup of BYTES
batch_in() {
  local cg b
  cg=$(memory_cgroup ws-t0873 "$1") || return 1
  in_cgroup "$cg" timeout 120 train-trial --probe-batch --device cpu --threads 1 --db runs/ws.db --features tones.feat \
    ws.line >probe.out 2>probe.err
  rmdir "$cg"
  b=$(jq -e .batch probe.out) || { echo "probe: $(cat probe.out probe.err)" >&2; return 1; }
  echo "$b"
}
# edge: the smallest limit (to 64 KiB) in which the probe offers a batch of 16 or more, into the file edge
edge() {
  local lo=$((128 << 20)) hi=$((512 << 20)) mid b
  b=$(batch_in "$hi") && [ "$b" -ge 16 ] || { echo "a cgroup of 512 MiB gets a batch of ${b:-none}: expected 16 or more" >&2; return 1; }
  while [ $((hi - lo)) -gt 65536 ]; do
    mid=$(((lo + hi) / 2))
    b=$(batch_in "$mid") || return 1
    if [ "$b" -ge 16 ]; then hi=$mid; else lo=$mid; fi
  done
  b=$(batch_in "$hi") || return 1
  echo "the smallest limit that gets a batch of 16 or more: $hi bytes (batch $b)" >&2
  echo "$hi" >edge
  echo "$b" >edge.batch
}
# train_in NAME KEEP: the trial at the edge's batch trained with --keep KEEP inside a fresh cgroup
# of the edge's limit; its exit status in NAME.rc, its result line in NAME
train_in() {
  local cg rc=0
  jq --argjson b "$(cat edge.batch)" '.fixed.batch_size = $b' ws.json >"$1.json" &&
    suggest --db "runs/$1.db" --config "$1.json" >"$1.line" || return 1
  cg=$(memory_cgroup ws-t0873 "$(cat edge)") || return 1
  in_cgroup "$cg" timeout 300 "$WS_BIN/train-trial" --db "runs/$1.db" --features tones.feat --threads 1 --keep "$2" \
    --quiet "$1.line" >"$1" 2>"$1.err" || rc=$?
  echo "--keep $2 in $(cat edge) bytes: exit $rc, $(cat "$1")" >&2
  for _ in $(seq 100); do rmdir "$cg" 2>/dev/null && break; sleep 0.05; done
  [ "$rc" = 0 ] && jq -e '.state == "COMPLETE"' "$1" >/dev/null
}

test_expect_success "--probe-batch --threads 1: the smallest cgroup that gets a batch of 16" edge
test_expect_success "... the trial trained at that batch inside it (--keep best, the default) completes, not killed" \
  'train_in best best'
test_expect_success "... and with --keep none" 'train_in none none'
