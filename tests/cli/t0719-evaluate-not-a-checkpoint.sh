#!/usr/bin/env bash
# train-trial --evaluate given a file that is not a checkpoint (a feature cache of gigabytes,
# say) reads its magic first: the whole file was read into memory before it was found not to
# be one, so an 8 GB file ran out of memory (exit 3) under a 1 GB address-space limit, or
# took 8 GB of memory without one. Now: exit 2 naming the file, at once.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
truncate -s 8G big.bin   # sparse: no disk used
if can_limit_address_space "an 8 GB file under ulimit -v" train-trial; then
  test_expect_code 2 "an 8 GB file of zeros as the checkpoint, under a 1 GB address-space limit" \
    bash -c 'ulimit -v 1000000 && exec timeout 60 "$WS_BIN/train-trial" --evaluate big.bin --features tones.feat --threads 1'
  test_expect_success "... says it is not a checkpoint" 'grep -qxF "train-trial: big.bin: not a wakesweep checkpoint" err && [ ! -s out ]'
fi
test_expect_code 2 "the feature cache as the checkpoint" train-trial --evaluate tones.feat --features tones.feat --threads 1
test_expect_success "... says it is not a checkpoint" 'grep -qxF "train-trial: tones.feat: not a wakesweep checkpoint" err'
printf 'WSNNCKP' >short.ckpt
test_expect_code 2 "7 bytes of the magic" train-trial --evaluate short.ckpt --features tones.feat --threads 1
test_expect_success "... not a checkpoint either" 'grep -qxF "train-trial: short.ckpt: not a wakesweep checkpoint" err'
