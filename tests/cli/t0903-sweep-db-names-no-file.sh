#!/usr/bin/env bash
# A DB that names no study file, as the tools read it (ws_store_url_no_file): '-' (refused since
# the tools stopped making a study file named '-'), ':memory:', a name starting 'file:' and a
# query after sqlite:///FILE. make's DB check looked only at the file and its folder, so a sweep
# with one went on, made the features, RUNS and its monitor, and only each job slot's suggest
# refused it (exit 2): `make sweep DB=-`, which had made a study file '-', now failed there,
# minutes in. Refused when make reads the makefiles (exit 2, naming DB, in the tools' words),
# before anything runs; ./- (a file so named) goes.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-db-url 1
dry() { ws_make -n sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 RUNS="$TMP/r" "$@"; }
# the tools' words for each, the reference: study-copy --to refuses it before opening anything
words() { study-copy --from s.db --to "$1" 2>&1 >/dev/null | sed 's/^study-copy: --to: //'; }
for db in - :memory: file:s.db 'sqlite:///s.db?timeout=30'; do
  why=$(words "$db")
  test_expect_success "study-copy refuses DB '$db' (the reference)" '[ -n "$why" ] && [ ! -e ./- ] && [ ! -e s.db ]'
  test_expect_code 2 "make -n sweep DB='$db' is refused" dry DB="$db"
  test_expect_success "... naming DB, in the tools' words; nothing printed" 'grep -qF "DB: '"'"'$db'"'"': $why" err && [ ! -s out ]'
done
test_expect_code 0 "DB=./- goes (a file so named)" dry DB=./-
test_expect_code 0 "DB=sqlite:///s.db goes" dry DB=sqlite:///s.db
test_expect_code 2 "make -j2 sweep DB=-" \
  ws_make -j2 sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/f.feat" CONFIG="$TMP/c.json" TRIALS=1 RUNS="$TMP/r2" \
    MONITOR_INTERVAL=0.2 DB=-
test_expect_success "... ran nothing: no RUNS, no features, no file '-'" '[ ! -e r2 ] && [ ! -e f.feat ] && [ ! -e ./- ] && [ ! -e "$WS_ROOT/-" ]'
