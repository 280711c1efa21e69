#!/usr/bin/env bash
# train-trial refuses an option a mode does not read rather than ignore it (train-trial(1), near
# "rather than an option ignored"; t0822 has the others). Two were still taken and ignored:
# --evaluate --precision P and --evaluate --device auto (--evaluate runs on the CPU: a GPU's GEMM
# precision is never read, and auto, a GPU where there is one, was the CPU all the same, as
# --device cuda, refused, would be). Each is now exit 2 naming it; --evaluate --device cpu, the
# device it runs on, is still taken, and so are --probe-batch's --device and --precision (the
# probe's device) and its --threads and --grow-threads (the CPU's batch is sized for the shares
# they give: t0872; they were refused here before). The SYNOPSIS and --help forms of each mode
# list what it takes.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trained

test_expect_code 2 "--evaluate with --precision bf16" train-trial --evaluate runs/best.ckpt --features tones.feat --precision bf16
test_expect_success "... names it" 'grep -qxF "train-trial: --precision goes with training or --probe-batch, not --evaluate (which runs on the CPU)" err && [ ! -s out ]'
test_expect_code 2 "--evaluate with --device auto" train-trial --evaluate runs/best.ckpt --features tones.feat --device auto
test_expect_success "... names it" 'grep -qxF "train-trial: --device auto: --evaluate runs on the CPU (leave --device out, or give cpu)" err && [ ! -s out ]'
test_expect_code 2 "--evaluate with --device cuda (as before)" train-trial --evaluate runs/best.ckpt --features tones.feat --device cuda
test_expect_success "... names it" 'grep -qxF "train-trial: --device cuda: --evaluate runs on the CPU (leave --device out, or give cpu)" err'

# what each mode reads is taken
test_expect_code 0 "--evaluate with --device cpu and --threads 1" train-trial --evaluate runs/best.ckpt --features tones.feat --device cpu --threads 1
test_expect_success "... prints the metrics" 'jq -e ".metrics.accuracy | type == \"number\"" out'
test_expect_code 0 "--probe-batch with --device cpu and --precision fp32" \
  train-trial --probe-batch --device cpu --precision fp32 --db runs/s.db --features tones.feat line
test_expect_success "... prints the batch" 'jq -e ".device == \"cpu\" and .batch > 0" out'
test_expect_code 0 "--probe-batch with --threads 2" \
  train-trial --probe-batch --device cpu --db runs/s.db --features tones.feat --threads 2 line
test_expect_success "... prints the batch" 'jq -e ".device == \"cpu\" and .batch > 0" out'

# the forms: SYNOPSIS (one per .br) and --help's Usage lines
sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$WS_ROOT/share/man/man1/train-trial.1" | sed '1d;$d' |
  sed 's/\\-/-/g; s/\\f.//g; s/"//g' | sed -E 's/^\.[A-Z]+ ?//' | tr '\n' ' ' | tr -s ' ' | sed 's/ \.br /\n/g' >synopsis
# (a form --help wraps goes on in a line of blanks and "[": joined)
train-trial --help | sed -n '/^Usage:/,/^[A-Z][a-z]/p' | sed 's/^Usage://' | sed -E ':a;N;$!ba;s/\n +\[/ [/g' >usage
for f in synopsis usage; do
  test_expect_success "$f: the --probe-batch form takes --device auto|cpu|cuda, --precision, --threads and --grow-threads" '
    l=$(grep -- "--probe-batch" $f) && [[ $l == *"--device "* && $l == *"--precision "* && $l == *"--threads N"* && $l == *"--grow-threads N"* ]] &&
    { [ $f = usage ] || [[ $l == *"--device auto|cpu|cuda"* ]]; }'
  test_expect_success "$f: the --evaluate form takes --device cpu and --threads, not --precision" '
    l=$(grep -- "--evaluate" $f) && [[ $l == *"--device cpu"* && $l == *"--threads"* && $l != *"--precision"* ]]'
done
