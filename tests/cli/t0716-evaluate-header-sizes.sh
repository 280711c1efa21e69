#!/usr/bin/env bash
# train-trial --evaluate on a checkpoint whose header (its checksum made to match: edited, or
# written by something else) gives sizes that do not fit an int or that the file cannot hold:
# exit 2 naming the file and the field, at once. n_classes 4294967300 was read as 4 and the
# checkpoint evaluated; n_classes 100000000 made the loader allocate and initialise a model of
# 1.7e9 parameters (6.6 GB, 25 s) before finding that the file holds 1300 weights.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trained
ckpt_edit runs/best.ckpt same.ckpt 'h["n_classes"] = 4'
test_expect_code 0 "setup: the checkpoint, rewritten unchanged, still evaluates" train-trial --evaluate same.ckpt --features tones.feat --threads 1

ckpt_edit runs/best.ckpt nc-wrap.ckpt 'h["n_classes"] = 4294967300'
test_expect_code 2 "n_classes 4294967300 (4 in 32 bits)" train-trial --evaluate nc-wrap.ckpt --features tones.feat --threads 1
test_expect_success "... names the file and the field" 'grep -qxF "train-trial: nc-wrap.ckpt: header: n_classes: 4294967300 is outside 2..1024" err'
ckpt_edit runs/best.ckpt in-wrap.ckpt 'h["input"] = [1, 4294967397, 40]'
test_expect_code 2 "input 4294967397 frames (101 in 32 bits)" train-trial --evaluate in-wrap.ckpt --features tones.feat --threads 1
test_expect_success "... names the file and the field" 'grep -qxF "train-trial: in-wrap.ckpt: header: input[1]: 4294967397 is outside 1..2147483647" err'
ckpt_edit runs/best.ckpt channels.ckpt 'h["input"] = [7, 101, 40]'
test_expect_code 2 "input with 7 channels (the models take one; it was never read)" train-trial --evaluate channels.ckpt --features tones.feat --threads 1
test_expect_success "... names the file and the field" 'grep -qxF "train-trial: channels.ckpt: header: input[0]: 7 is outside 1..1" err'

# 10^8 classes: the model would be 1.7e9 floats. Under a 1 GB address-space limit the loader
# ran out of memory (exit 3); it must refuse the header before allocating anything (once the
# parameter counts, now the classes past the most a checkpoint may have: t5072).
ckpt_edit runs/best.ckpt nc-big.ckpt 'h["n_classes"] = 100000000'
if can_limit_address_space "n_classes 10^8 under ulimit -v" train-trial; then
  test_expect_code 2 "n_classes 10^8 under a 1 GB address-space limit" \
    bash -c 'ulimit -v 1000000 && exec timeout 60 "$WS_BIN/train-trial" --evaluate nc-big.ckpt --features tones.feat --threads 1'
  test_expect_success "... names the file and the field" \
    'grep -qxF "train-trial: nc-big.ckpt: header: n_classes: 100000000 is outside 2..1024" err'
fi

# The tensor list against the model the config builds: a kernel of 10x4 edited to 8x5 keeps the
# parameter counts, and the weights were read as other tensors, evaluated with exit 0.
ckpt_edit runs/best.ckpt kernel.ckpt 'h["model"]["kernel"] = [8, 5]'
test_expect_code 2 "model edited to another of the same size" train-trial --evaluate kernel.ckpt --features tones.feat --threads 1
test_expect_success "... names the file and the tensor" 'grep -qxF "train-trial: kernel.ckpt: header: tensors[0]: expected conv0.weight [16, 1, 8, 5], as its model builds it" err && [ ! -s out ]'
ckpt_edit runs/best.ckpt shape.ckpt 'h["tensors"][0]["shape"] = [99]'
test_expect_code 2 "a tensor's shape edited" train-trial --evaluate shape.ckpt --features tones.feat --threads 1
test_expect_success "... names the file and the tensor" 'grep -qxF "train-trial: shape.ckpt: header: tensors[0]: expected conv0.weight [16, 1, 10, 4], as its model builds it" err'

# The model's settings, all of them and no other (every checkpoint writes these nine): a missing
# one was built with its default, an unknown one ignored, and the file evaluated with exit 0.
keys="model, channels, blocks, kernel, stride, inner_kernel, pool, hidden, dropout"
ckpt_edit runs/best.ckpt nostride.ckpt 'del h["model"]["stride"]'
test_expect_code 2 "a model setting missing" train-trial --evaluate nostride.ckpt --features tones.feat --threads 1
test_expect_success "... names the file and the key" 'grep -qxF "train-trial: nostride.ckpt: header: model.stride: missing (expected the keys $keys)" err'
ckpt_edit runs/best.ckpt act.ckpt 'h["model"]["activation"] = "gelu"'
test_expect_code 2 "a setting this build does not know" train-trial --evaluate act.ckpt --features tones.feat --threads 1
test_expect_success "... names the file and the key" 'grep -qxF "train-trial: act.ckpt: header: model.activation: not a model setting (expected the keys $keys)" err && [ ! -s out ]'
