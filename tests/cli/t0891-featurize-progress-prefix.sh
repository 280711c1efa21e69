#!/usr/bin/env bash
# README: "Messages on stderr begin TOOL: ". featurize's progress bar on a terminal was drawn as
# "featurize [#####.....] ...", the one line on stderr without the colon (train-trial's progress
# has had it since t0073).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
test_expect_code 0 "featurize with stderr on a terminal" \
  on_tty tty.err featurize --threads 1 --out tty.feat tones/manifest.jsonl
# each redraw is "\r" BAR "\033[K"; the last, "\r\033[K", erases it
tr '\r' '\n' <tty.err | sed 's/\x1b\[K$//' | grep -v '^$' >tty.lines
test_expect_success "... draws its bar, to 49/49 files" 'grep -q "\] 100% 49/49 " tty.lines'
test_expect_success "... every line of it begins \"featurize: \"" '! grep -v "^featurize: " tty.lines >&2'
test_expect_success "... and erases it at the end" '[ "$(tail -c 4 tty.err | od -An -c | tr -d " ")" = "\r033[K" ]'
test_expect_code 0 "--quiet with stderr on a terminal" \
  on_tty quiet.err featurize --quiet --threads 1 --out quiet.feat tones/manifest.jsonl
test_expect_success "... draws no bar" '! grep -q "\[" quiet.err'
