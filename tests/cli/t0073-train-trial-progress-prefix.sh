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
# train-trial(1) said of --quiet "No progress on standard error", and nothing of what the progress
# is, that only a terminal gets it, or that --quiet also drops the notes (the device's, ...).
test_expect_success "... nor any note (the device's): nothing at all" '[ -z "$(tr -d "\r\n" <quiet.err)" ]'
suggest --db runs/s.db --config c.json >line3
test_expect_code 0 "train-trial with stderr in a file, no --quiet" train-trial --db runs/s.db --features tones.feat --threads 1 line3
test_expect_success "... no progress there, its device note all the same" '! grep -q "epoch" err && grep -q "^train-trial: note: " err'
awk '/^\.BR \\-q ", " \\-\\-quiet/ { on = 1; next } on && /^\.(TP|SH)/ { exit } on' "$WS_ROOT/share/man/man1/train-trial.1" |
  sed 's/\\f[BIR]//g; s/\\-/-/g' | tr '\n' ' ' >quiet.man
test_expect_success "train-trial(1)'s --quiet says so: the progress line, a terminal's only, and the notes" '
  grep -qF "No progress and no notes on standard error" quiet.man &&
  grep -qF "train-trial: trial N: epoch E/EPOCHS loss L OBJECTIVE V, written only where standard error is a terminal" quiet.man'
test_expect_success "... and --help's" 'train-trial --help | grep -qF -- "-q, --quiet        no progress (a terminal'"'"'s line per validation) or notes on stderr"'
