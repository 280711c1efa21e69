#!/usr/bin/env bash
# make run from a shell with no single-letter flag (make -j2 sweep, the README's command): the
# top Makefile's MAKEFLAGS += --no-builtin-rules made MAKEFLAGS's first word, read for make's
# letters as $(firstword -$(MAKEFLAGS)), "---no-builtin-rules", whose n read as -n: the sweep
# skipped its SUGGEST_ARGS check as a dry run does and ran into suggest's refusal in each job slot
# after the features were made; and whose t read as -t: the sweep was refused as make -t. The
# other tests run make -s (a letter), which hid both. Here make runs as from a shell: no -s, no
# MAKEFLAGS from the test runner's make.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-no-letters 1
shell_make() {
  # (in the folder, not make -C, which gives make the letter w)
  (cd "$WS_ROOT" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make BUILD="$WS_BUILD" BIN="$WS_BIN" -j2 sweep \
    DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" RUNS="$TMP/r" MONITOR_INTERVAL=0.2 "$@")
}

test_expect_code 2 "make -j2 sweep TRIALS=abc" shell_make TRIALS=abc
test_expect_success "... names TRIALS, not make -t" 'grep -q "TRIALS" err && ! grep -q "make -t" err'
test_expect_code 2 "make -j2 sweep with a SUGGEST_ARGS suggest refuses" shell_make TRIALS=1 SUGGEST_ARGS=--no-such-option
test_expect_success "... is refused before anything runs, naming SUGGEST_ARGS" '
  grep -q "^[^ ]*: \*\*\* SUGGEST_ARGS" err && [ ! -e r ]'
test_expect_code 2 "make -t -j2 sweep is still refused" shell_make -t TRIALS=1
test_expect_success "... as make -t" 'grep -q "make -t" err && [ ! -e r ]'
test_expect_code 0 "make -n -j2 sweep (a dry run) takes the SUGGEST_ARGS unchecked, as README says" \
  shell_make -n TRIALS=1 SUGGEST_ARGS=--no-such-option
test_expect_success "... and makes nothing" '[ ! -e r ]'
test_expect_code 0 "make -j2 sweep TRIALS=1 runs" shell_make TRIALS=1
test_expect_success "... one trial, its file there" '[ -s r/trial-000.json ] && [ "$(sqlite3 r/study.db "SELECT count(*) FROM trials")" = 1 ]'
