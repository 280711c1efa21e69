#!/usr/bin/env bash
# train-trial under a file size limit (ulimit -f) that the study fits in but a checkpoint does
# not: a full disk for this process, as suggest and gpu-monitor take it. SIGXFSZ killed it at its
# first checkpoint (exit 153, no message, the trial left RUNNING until the stale reaper); now the
# write fails with EFBIG and the trial FAILs with the reason, as on a full disk (t0037).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
mkdir -p runs
tone_study_config c.json
# a model of 44000 weights (a 177 KB checkpoint), the study's file 116 KB: a 150 KB limit
jq '.fixed.channels = 128 | .fixed.blocks = 2 | .budget.epochs = 1' c.json >big.json
suggest --db runs/s.db --config big.json >line
test_expect_code 0 "a checkpoint past the file size limit" \
  bash -c 'ulimit -f 150 && exec "$WS_BIN/train-trial" --db runs/s.db --features tones.feat --threads 1 --quiet line'
test_expect_success "... fails the trial, saying why" '
  jq -e ".state == \"FAIL\" and .reason == \"runs/trial-0.ckpt: cannot write: File too large\"" out >/dev/null &&
  [ "$(sqlite3 runs/s.db "SELECT state FROM trials")" = FAIL ]'
test_expect_success "... leaving no checkpoint and no temporary" '[ ! -e runs/trial-0.ckpt ] && ! ls -A runs | grep -q "\.tmp\."'
