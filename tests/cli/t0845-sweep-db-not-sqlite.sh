#!/usr/bin/env bash
# A DB that names a file that is not a SQLite database (the config, a report, named by mistake):
# the DB check looked only at its folder, and each job slot's suggest found it ("file is not a
# database", exit 2) after the features were made, RUNS made and its monitor started. Refused
# when make reads the makefiles (exit 2, naming DB), before anything runs. The file's first 16
# bytes are SQLite's header ("SQLite format 3" and a NUL, its file format's own); an empty file
# is a database SQLite makes there, and a study file made by the sqlite3 shell goes.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-db-kind 1
dry() { ws_make -n sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 RUNS="$TMP/r" "$@"; }

test_expect_code 2 "DB naming a JSON file is refused" dry DB="$TMP/c.json"
test_expect_success "... naming DB" "grep -qF \"DB: '$TMP/c.json': not a SQLite database\" err && [ ! -s out ]"
test_expect_code 2 "... as sqlite:///FILE too" dry DB="sqlite:///$TMP/c.json"
test_expect_success "... naming DB" "grep -qF \"DB: 'sqlite:///$TMP/c.json': not a SQLite database\" err"
: >empty.db
test_expect_code 0 "DB naming an empty file goes (SQLite makes a database there)" dry DB="$TMP/empty.db"
command sqlite3 made.db "CREATE TABLE t (a)"
test_expect_success "the sqlite3 shell's file has SQLite's header" '[ "$(head -c 16 made.db | od -An -c | tr -s " ")" = " S Q L i t e f o r m a t 3 \\0" ]'
test_expect_code 0 "DB naming a file made by the sqlite3 shell goes" dry DB="$TMP/made.db"
test_expect_code 2 "make -j2 sweep with DB naming a JSON file" \
  ws_make -j2 sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/f.feat" CONFIG="$TMP/c.json" TRIALS=1 RUNS="$TMP/r2" \
    MONITOR_INTERVAL=0.2 DB="$TMP/c.json"
test_expect_success "... ran nothing: no RUNS, no features, the file as it was" '[ ! -e r2 ] && [ ! -e f.feat ] && jq -e .study c.json >/dev/null'
