#!/usr/bin/env bash
# A FEATURES that is there but is no feature cache (a config or report named by mistake) was found
# only by train-trial, after each job slot had claimed a trial, its message naming the file, not
# FEATURES; one older than the corpus was overwritten by featurize. Now make refuses it when it
# reads the makefiles (exit 2), naming FEATURES, what was given and what is expected: a cache
# begins with featurize's magic bytes, WSFCACHE (lib/audio/cache.h), read from the first 8 bytes.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-notcache 1
cp c.json report.json
touch -d 2000-01-01 report.json
: >empty.feat
mkdir fdir
untouched() { [ ! -e "$TMP/$1" ] && cmp -s c.json report.json; }

test_expect_code 2 "make sweep FEATURES=A-CONFIG (newer than the corpus) is refused" tone_sweep r1 FEATURES="$TMP/c.json"
test_expect_success "... naming FEATURES and what a cache is, before any trial" "
  grep -qF \"FEATURES: '$TMP/c.json': not a feature cache\" err && grep -qF WSFCACHE err && untouched r1"
test_expect_code 2 "make sweep FEATURES=A-FILE older than the corpus is refused" tone_sweep r2 FEATURES="$TMP/report.json"
test_expect_success "... naming it, the file left as it was (not overwritten by featurize)" "
  grep -qF \"FEATURES: '$TMP/report.json': not a feature cache\" err && untouched r2"
test_expect_code 2 "make features FEATURES=EMPTY-FILE is refused" ws_make features DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/empty.feat"
test_expect_success "... naming it" "grep -qF \"FEATURES: '$TMP/empty.feat': not a feature cache\" err && [ ! -s empty.feat ]"
test_expect_code 2 "make sweep FEATURES=FOLDER is refused" tone_sweep r3 FEATURES="$TMP/fdir"
test_expect_success "... saying it is a folder" "grep -qF \"FEATURES: '$TMP/fdir' is a folder; expected a feature cache\" err && untouched r3"
# A cache, or a path with none there yet, goes.
test_expect_code 0 "make -n sweep with the tone cache goes" tone_sweep r4 -n
test_expect_code 0 "make -n sweep with a FEATURES not there yet goes" tone_sweep r5 -n FEATURES="$TMP/new.feat"
