#!/usr/bin/env bash
# A stage's .done was written in place (echo N >.done): a make stopped in that write left it
# empty or cut, where every other output of the pipelines is written to a temporary file of its
# own and renamed whole (ws_write). It is now ws_write's too: a rewritten .done is a new file
# (another inode), with no temporary left beside it.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config s1.json tones-dn-1 1
jq '.study = "tones-dn-2" | .space = {"time_shift": {"type": "int", "low": 0, "high": 10, "step": 5}}' s1.json >s2.json
staged() { tone_staged "$@"; }   # STAGED_RUNS [make args...]
test_expect_success "make staged STAGE_TRIALS=1: each stage's .done holds 1" '
  staged st STAGE_TRIALS=1 >st1.out 2>st1.err &&
  [ "$(cat st/stage-1/.done)" = 1 ] && [ "$(cat st/stage-2/.done)" = 1 ] &&
  stat -c %i st/stage-1/.done >ino1 && stat -c %i st/stage-2/.done >ino2'
test_expect_success "make staged STAGE_TRIALS=2: each .done holds 2, in a file renamed over the old one" '
  staged st STAGE_TRIALS=2 >st2.out 2>st2.err &&
  [ "$(cat st/stage-1/.done)" = 2 ] && [ "$(cat st/stage-2/.done)" = 2 ] &&
  [ "$(stat -c %i st/stage-1/.done)" != "$(cat ino1)" ] && [ "$(stat -c %i st/stage-2/.done)" != "$(cat ino2)" ]'
test_expect_success "... and no temporary of a .done is left" '
  ! ls -a st/stage-1 st/stage-2 | grep -F .done.tmp'
