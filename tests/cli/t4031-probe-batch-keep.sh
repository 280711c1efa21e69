#!/usr/bin/env bash
# train-trial --probe-batch on the CPU counts the checkpoint of the best weights a trial saves
# (t0873), as for --keep best, the default; --keep was refused with it ("--keep goes with
# training, not --probe-batch"), so a trial to be trained with --keep none, which saves none, was
# offered a smaller batch than it fits (for a cnn of 64 MB of weights in a cgroup of 300 MiB: 0,
# where it trains at 30). Now --probe-batch takes --keep, with training's meaning, as it takes
# --threads and --grow-threads (t0872), and counts the checkpoint only for --keep best; --evaluate
# and --result-of, which save nothing, still refuse it. The reference is the kernel's: the trial
# trained with --keep none at the batch offered for it, in a cgroup of the limit the probe was
# sized in, completes (t0873 holds --keep best's batch to the same).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trial
big_cnn_config big.json
suggest --db runs/big.db --config big.json >big.line
suggest --db runs/s.db --config c.json --tag t >tagged
train-trial --db runs/s.db --features tones.feat --threads 1 --quiet tagged >/dev/null

# What the option means and refuses (no cgroup needed)
test_expect_code 0 "--probe-batch --keep none" \
  train-trial --probe-batch --device cpu --threads 1 --keep none --db runs/big.db --features tones.feat big.line
test_expect_success "... a JSON line with a batch" 'jq -e ".batch >= 1" out'
test_expect_code 0 "--probe-batch --keep best" \
  train-trial --probe-batch --device cpu --threads 1 --keep best --db runs/big.db --features tones.feat big.line
test_expect_code 2 "--probe-batch --keep all: refused as training refuses it" \
  train-trial --probe-batch --device cpu --threads 1 --keep all --db runs/big.db --features tones.feat big.line
test_expect_success "... saying what is expected" 'grep -qxF "train-trial: --keep: expected best or none, got '\''all'\''" err'
test_expect_code 2 "--evaluate --keep none is still refused (evaluation saves nothing)" \
  train-trial --evaluate runs/best.ckpt --features tones.feat --threads 1 --keep none
test_expect_success "... saying it goes with training or --probe-batch" \
  'grep -qxF "train-trial: --keep goes with training or --probe-batch, not --evaluate" err && [ ! -s out ]'
test_expect_code 2 "--result-of --keep none is still refused" train-trial --db runs/s.db --result-of t --keep none
test_expect_success "... saying it goes with training or --probe-batch" \
  'grep -qxF "train-trial: --keep goes with training or --probe-batch, not --result-of" err && [ ! -s out ]'
test_expect_success "--help and train-trial(1) say --probe-batch takes --keep" '
  train-trial --help >h && grep -qF "[--grow-threads N] [--keep WHAT] [TRIAL_FILE|-]" h &&
  grep -qF "run --threads, --grow-threads and --keep describe" h &&
  tr "\n" " " <"$WS_ROOT/share/man/man1/train-trial.1" | sed "s/\\\\f.//g; s/\\\\-/-/g" >man &&
  grep -qF "With --probe-batch: the batch on the CPU for a trial trained so (none: no checkpoint counted" man &&
  grep -qF "counted unless --keep none is given" man &&
  tr "\n" " " <"$WS_ROOT/README.md" | grep -q "and .--keep. the trial will train with"'

limit=$((300 << 20))
need_memory_cgroups "--probe-batch --keep none's batch, trained"
# probe_in NAME ARGS...: train-trial --probe-batch ARGS on the big cnn in a fresh cgroup of
# $limit; its line in NAME, its batch on stdout
probe_in() {
  local name=$1 cg
  shift
  cg=$(memory_cgroup ws-t4031 "$limit") || return 1
  in_cgroup "$cg" timeout 120 "$WS_BIN/train-trial" --probe-batch --device cpu --threads 1 \
    --db runs/big.db --features tones.feat "$@" big.line >"$name" 2>"$name.err"
  rmdir "$cg"
  jq -e .batch "$name" || { echo "probe $name: $(cat "$name" "$name.err")" >&2; return 1; }
}
test_expect_success "in a cgroup of 300 MiB: --keep none offers a larger batch than --keep best (no checkpoint)" '
  b=$(probe_in best --keep best) && n=$(probe_in none --keep none) && echo "best $b, none $n" >&2 &&
  [ "$n" -gt "$b" ] && [ "$n" -ge 1 ]'
# The kernel's word: that trial trained with --keep none at the batch offered, in a cgroup of the
# same limit, completes (not killed; no checkpoint written). The tone cache has 32 training
# clips: a batch above that would train on fewer, so the offer is held to them.
test_expect_success "... and the trial trained with --keep none at that batch completes in 300 MiB" '
  n=$(jq .batch none) && [ "$n" -le 32 ] &&
  jq --argjson b "$n" ".study = \"big-none\" | .fixed.batch_size = \$b" big.json >bn.json &&
  mkdir -p bn && suggest --db bn/s.db --config bn.json >bn.line &&
  cg=$(memory_cgroup ws-t4031 "$limit") &&
  { in_cgroup "$cg" timeout 300 "$WS_BIN/train-trial" --db bn/s.db --features tones.feat --threads 1 --keep none \
      --quiet bn.line >bn.out 2>bn.err; rc=$?; rmdir "$cg"; } &&
  echo "batch $n: exit $rc, $(jq -c "[.state, .reason]" bn.out)" >&2 &&
  [ "$rc" = 0 ] && jq -e ".state == \"COMPLETE\"" bn.out && [ -z "$(ls bn/*.ckpt 2>/dev/null)" ]'
