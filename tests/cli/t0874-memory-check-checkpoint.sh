#!/usr/bin/env bash
# train-trial's check of a model against the memory the machine or its cgroup allows in all
# (trainer/memory.c: "out of memory: the model needs N MiB ...", FAIL before the model is built)
# left out the checkpoint of the best weights, which a trial keeps by default: saving one takes
# two copies of the weights (as floats, then as little-endian bytes) and the file written from
# them, in the page cache until written back, on top of the model. A cnn whose weights are most
# of it (a hidden layer of 256 after 16 channels at every point: 4 x the weights for weights,
# gradients and Adam's two moments) in a cgroup of 4.5 x its weights passed the check, trained,
# and was killed by the OOM killer as it saved its first checkpoint (exit 137, no result line,
# the trial left RUNNING). Now the check counts the checkpoint where the trial keeps one (not
# with --keep none): FAIL with the reason, exit 0, as for any model past the limit. References:
# torch for the weights (fixtures.sh's torch_sizes, the model built on the meta device), the
# kernel for the limit (the cgroup) and for what fits (the trial with --keep none trains there).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
need_python "the checkpoint in the memory check" torch
need_memory_cgroups "the checkpoint in the memory check"
tone_trial
big_cnn_config big.json
read -r params _ < <(torch_sizes "$(jq -c .fixed big.json)")
weights=$((params * 4)) limit=$((params * 4 * 9 / 2))
echo "torch: $params parameters, $weights bytes of weights; the cgroup's limit $limit bytes" >&2

# train_in NAME KEEP: the study's first trial trained with --keep KEEP inside a fresh cgroup of
# $limit; its exit status in NAME.rc, its result line in NAME
train_in() {
  local cg rc=0
  suggest --db "runs/$1.db" --config big.json >"$1.line" || return 1
  cg=$(memory_cgroup ws-t0874 "$limit") || return 1
  in_cgroup "$cg" timeout 300 "$WS_BIN/train-trial" --db "runs/$1.db" --features tones.feat --threads 1 --keep "$2" \
    --quiet "$1.line" >"$1" 2>"$1.err" || rc=$?
  echo "$rc" >"$1.rc"
  echo "--keep $2 in $limit bytes: exit $rc, $(cat "$1") $(tail -c 300 "$1.err")" >&2
  for _ in $(seq 100); do rmdir "$cg" 2>/dev/null && break; sleep 0.05; done
}

test_expect_success "a cnn of $params parameters in a cgroup of 4.5 x its weights, --keep best (the default): exit 0" \
  'train_in best best && [ "$(cat best.rc)" = 0 ]'
test_expect_success "... FAIL before training, the reason naming the checkpoint and the cgroup's limit" '
  jq -e --arg mib "$((limit >> 20))" ".state == \"FAIL\" and .epochs == 0 and
    (.reason | test(\"^out of memory: the model needs [0-9]+ MiB \\\\(.*, the checkpoint of the best weights [0-9]+, a batch of 4: [0-9]+\\\\), its cgroup allows \" + \$mib + \" MiB\$\"))" best'
test_expect_success "... the study holds it FAIL, nothing RUNNING" '
  [ "$(sqlite3 runs/best.db "SELECT count(*) FROM trials WHERE state = '"'RUNNING'"'")" = 0 ] &&
  [ "$(sqlite3 runs/best.db "SELECT state FROM trials WHERE number = 0")" = FAIL ]'
# the other side: without a checkpoint the model fits there, and trains (the limit is not too small)
test_expect_success "... with --keep none the same trial trains there: COMPLETE" \
  'train_in none none && [ "$(cat none.rc)" = 0 ] && jq -e ".state == \"COMPLETE\"" none'
