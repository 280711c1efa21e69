#!/usr/bin/env bash
# A RUNS that names a file that is there (a report, a config, named by mistake) passed the
# checks: make -j2 sweep made the features, then stopped at "mkdir: cannot create directory
# '...': File exists" (exit 2), naming neither RUNS nor what was wrong. RUNS (and make staged's
# STAGED_RUNS) is now refused when make reads the makefiles, as the other variables are
# (pipelines/check-vars.sh folder): exit 2, naming the variable and the file on its way,
# before anything runs; the file is left as it was.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-rf 1
jq '.study = "tones-rf-1"' c.json >s1.json
jq '.study = "tones-rf-2"' c.json >s2.json
echo 'not a folder' >rf
sweep() {  # NAME RUNS [make args...]
  local name=$1 runs=$2; shift 2
  ws_make -j2 sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/$name.feat" CONFIG="$TMP/c.json" TRIALS=1 \
    RUNS="$runs" MONITOR_INTERVAL=0.2 "$@"
}
untouched() { [ ! -e "$1.feat" ] && [ "$(cat rf)" = "not a folder" ] && [ -z "$(ls -A | grep -v -e '^tones' -e '^rf$' -e '\.json$' -e '^out$' -e '^err$' -e '^\.')" ]; }

test_expect_code 2 "RUNS naming a file" sweep f1 "$TMP/rf"
test_expect_success "... names RUNS and the file, before anything ran" "
  grep -qF \"RUNS: '$TMP/rf' is a file, not a folder (the sweep's folder, which make makes): give another RUNS\" err && untouched f1"
test_expect_code 2 "RUNS naming a file, with a / at its end" sweep f2 "$TMP/rf/"
test_expect_success "... names the file" "
  grep -qF \"RUNS: '$TMP/rf/': '$TMP/rf' is a file, not a folder\" err && untouched f2"
test_expect_code 2 "RUNS under a file" sweep f3 "$TMP/rf/sub"
test_expect_success "... names the file on its way" "
  grep -qF \"RUNS: '$TMP/rf/sub': '$TMP/rf' is a file, not a folder (the sweep's folder, which make makes, with the folders above it): give another RUNS\" err && untouched f3"
test_expect_code 2 "make staged with STAGED_RUNS naming a file" \
  ws_make -j2 staged DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/f4.feat" STAGE1="$TMP/s1.json" STAGE2="$TMP/s2.json" \
    STAGE_TRIALS=1 STAGED_RUNS="$TMP/rf" MONITOR_INTERVAL=0.2
test_expect_success "... names STAGED_RUNS" "
  grep -qF \"STAGED_RUNS: '$TMP/rf' is a file, not a folder\" err && untouched f4"
# a symbolic link to nothing (its target's disk not mounted): mkdir -p says "File exists" of it as
# of a file, but it is no file: named for what it is
ln -s "$TMP/nowhere" dl
test_expect_code 2 "RUNS naming a symbolic link to nothing" sweep f5 "$TMP/dl"
test_expect_success "... names RUNS and says what it is, before anything ran" "
  grep -qF \"RUNS: '$TMP/dl' is a symbolic link to nothing, not a folder (the sweep's folder, which make makes): give another RUNS\" err &&
  [ ! -e f5.feat ] && [ ! -e nowhere ]"
test_expect_code 2 "RUNS under a symbolic link to nothing" sweep f6 "$TMP/dl/sub"
test_expect_success "... names the link on its way" "
  grep -qF \"RUNS: '$TMP/dl/sub': '$TMP/dl' is a symbolic link to nothing, not a folder (the sweep's folder, which make makes, with the folders above it)\" err &&
  [ ! -e f6.feat ] && [ ! -e nowhere ]"
