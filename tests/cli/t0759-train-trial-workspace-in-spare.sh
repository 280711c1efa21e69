#!/usr/bin/env bash
# A dscnn's first convolution runs as im2col and GEMM with a workspace per share (the columns of
# a chunk of samples, their gradient and the chunk's output gradient transposed: about 5 MiB a
# share at 128 channels), and the activation arena held it beside the gradient spare, a plane as
# wide as the network's, which only the backward pass of the layers above it uses. So a trial's
# peak resident memory grew with its threads: here 98 MB on 1 thread, 109 MB on 3. The workspace
# lies in the spare now, where the spare is free through the layer's passes and large enough
# (lib/nn/model.c, work_place), and since a dscnn's first convolution is made again in the
# backward pass, in the batch norms' shared place, as wide as the spare: 3 threads take what 1
# does, give or take their stacks and OpenBLAS's buffers (under 1 MB measured; 4 MB allowed).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
# one block of 128 channels at batch 32 (the tone cache's 32 training clips): a spare (and a
# batch norms' place) of 128 x 51 x 21 x 32 floats (16.7 MiB), room for three shares'
# workspaces of the first convolution
cat >c.json <<J
{"study": "mem", "direction": "maximize", "objective": "f1", "constraints": {"fpr": {"max": 0.2}},
 "sampler": {"name": "random", "seed": 2}, "pruner": {"name": "nop"}, "budget": {"epochs": 1},
 "space": {"learning_rate": {"type": "float", "low": 0.01, "high": 0.02, "log": true}},
 "fixed": {"model": "dscnn", "channels": 128, "blocks": 1, "batch_size": 32, "positive": "hey_nova",
           "features": "$WS_ROOT/configs/features/default.json"}}
J
suggest --db s.db --config c.json >line
# train THREADS: the trial on a fresh copy of the study; its peak RSS (KB) in tTHREADS.kb
train() {
  cp s.db "r$1.db" &&
    /usr/bin/time -f %M -o "t$1.kb" train-trial --db "r$1.db" --features tones.feat --threads "$1" --quiet --keep none line
}
test_expect_code 0 "the trial on 1 thread" train 1
test_expect_success "... completes" 'jq -e ".state == \"COMPLETE\"" out'
test_expect_code 0 "the trial on 3 threads" train 3
test_expect_success "... completes" 'jq -e ".state == \"COMPLETE\"" out'
expect_rss_within "3 threads' peak is 1 thread's, not 2 more workspaces of the first convolution (at most 4 MB more)" \
  train-trial t3.kb t1.kb 4096
