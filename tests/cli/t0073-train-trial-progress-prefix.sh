#!/usr/bin/env bash
# README: "Messages on stderr begin TOOL: ". train-trial's progress on a terminal, a line per
# validation, read "trial 0: epoch 1/10 loss ... f1 ...", the one line of the tools without it
# (it also came from lib/, which prints through the tools' message functions everywhere else).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trial
suggest --db runs/s.db --config c.json >line2
test_expect_code 0 "train-trial with stderr on a terminal" \
  on_tty tty.err train-trial --db runs/s.db --features tones.feat --threads 1 line
tr -d '\r' <tty.err | grep -v '^$' >tty.lines
test_expect_success "... shows its progress, a line per validation" '[ "$(grep -c "epoch [0-9]*/10 loss" tty.lines)" = 10 ]'
test_expect_success "... every line of it begins \"train-trial: \"" '! grep -v "^train-trial: " tty.lines >&2'
test_expect_code 0 "--quiet with stderr on a terminal" \
  on_tty quiet.err train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line2
test_expect_success "... shows no progress" '! grep -q "epoch" quiet.err'
