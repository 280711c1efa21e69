#!/usr/bin/env bash
# A '$' in a pipeline variable given on make's command line or in the environment: make reads it
# as its own, a reference ($x is the variable x, empty), so STUDY='a$xb' ran study 'ab', DB='s$x.db'
# wrote s.db, CONFIG='c$x.json' read c.json and RUNS='r$x' (whose '$' the path check refuses) ran
# in r, each without a word, exit status 0. Refused when make reads the makefiles (exit 2, naming
# the variable and saying to write $$), before anything runs; make's own $$ (a '$') and a
# reference written as make's, $(NAME), go, as do a '#', a ':' and a space in DB and STUDY.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-dollar 1
cp c.json 'c$x.json'   # what the user meant; c.json is what make's reading of it names
# dry SUFFIX VAR=VALUE...: make -n sweep of one trial into $TMP/rSUFFIX (nothing runs either way:
# were the check missing, make -n would print the recipes and end 0).
dry() {
  local s=$1; shift
  ws_make -n sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 \
    RUNS="$TMP/r$s" "$@"
}
# refused NAME VALUE: the message names the variable, the value as given, and make's escape.
refused() { grep -qF "$1: '$2' given on make's command line" err && grep -qF 'write $$ for a' err && [ ! -s out ]; }

test_expect_code 2 "STUDY='a\$xb' given on the command line is refused" dry 1 'STUDY=a$xb'
test_expect_success "... naming STUDY, and what make would read ('ab')" "refused STUDY 'a\$xb' && grep -qF \"'ab'\" err"
test_expect_code 2 "a DB with a '\$' is refused" dry 2 "DB=$TMP/r2/s\$x.db"
test_expect_success "... naming DB" "refused DB '$TMP/r2/s\$x.db'"
test_expect_code 2 "a CONFIG with a '\$' is refused, though make's reading of it names a file that is there" \
  dry 3 "CONFIG=$TMP/c\$x.json"
test_expect_success "... naming CONFIG" "refused CONFIG '$TMP/c\$x.json'"
test_expect_code 2 "a RUNS with a '\$' is refused (make's reading of it had none for the path check)" \
  ws_make -n sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 "RUNS=$TMP/r4\$x"
test_expect_success "... naming RUNS" "refused RUNS '$TMP/r4\$x'"
test_expect_code 2 "a DATA with a '\$' is refused (make features)" \
  ws_make -n features "DATA=$TMP/tones/manifest\$x.jsonl" FEATURES="$TMP/f5.feat"
test_expect_success "... naming DATA" "refused DATA '$TMP/tones/manifest\$x.jsonl'"
test_expect_code 2 "a LAUNCH with a shell's \$HOME is refused" dry 6 'LAUNCH=env A=$HOME'
test_expect_success "... naming LAUNCH" "refused LAUNCH 'env A=\$HOME'"
env_dry() { local rc=0; export STUDY='a$xb'; dry 7 || rc=$?; unset STUDY; return "$rc"; }
test_expect_code 2 "STUDY='a\$xb' in the environment is refused" env_dry
test_expect_success "... saying it came from the environment" \
  "grep -qF \"STUDY: 'a\\\$xb' given in the environment\" err && grep -qF 'write \$\$ for a' err"

# What make does read as the user meant.
test_expect_code 0 "a reference written as make's, \$(NAME), goes" dry 8 'CONFIG=$(WS_C)' WS_C="$TMP/c.json"
test_expect_success "make's \$\$, a '#', a ':' and a space: the study and file named as meant" '
  ws_make -j2 sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 \
    RUNS="$TMP/r9" MONITOR_INTERVAL=0.2 "STUDY=a\$\$b#c" "DB=$TMP/d b:#1.db" >r9.out 2>r9.err &&
  [ "$(sqlite3 "$TMP/d b:#1.db" "SELECT study_name FROM studies")" = "a\$b#c" ] &&
  [ "$(jq -r .study r9/trial-000.json)" = "a\$b#c" ] && [ ! -e r9/study.db ] ||
  { echo "sweep stderr: $(tail -c 300 r9.err)"; false; } >&2'
