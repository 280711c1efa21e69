#!/usr/bin/env bash
# A CONFIG, STAGE1, STAGE2 or FEATURE_CONFIG that names a folder was refused as "no such file to
# read", which sent the user looking for a file that is missing while the path is there. Now the
# message says it is a folder and that a file (a study or feature config) is expected (exit 2).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-folder 1
mkdir cdir
dry() { ws_make -n "$@" DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat"; }

test_expect_code 2 "make sweep CONFIG=FOLDER is refused" dry sweep CONFIG="$TMP/cdir" TRIALS=1 RUNS="$TMP/r"
test_expect_success "... saying it is a folder, a study config expected" '
  [ ! -s out ] && grep -qF "CONFIG: '\''$TMP/cdir'\'' is a folder; expected a file to read (a study config)" err'
test_expect_code 2 "make staged STAGE1=FOLDER is refused" dry staged STAGE1="$TMP/cdir" STAGE_TRIALS=1 STAGED_RUNS="$TMP/s"
test_expect_success "... saying so" 'grep -qF "STAGE1: '\''$TMP/cdir'\'' is a folder; expected a file to read (a study config)" err'
test_expect_code 2 "make staged STAGE2=FOLDER is refused" dry staged STAGE2="$TMP/cdir" STAGE_TRIALS=1 STAGED_RUNS="$TMP/s"
test_expect_success "... saying so" 'grep -qF "STAGE2: '\''$TMP/cdir'\'' is a folder; expected a file to read (a study config)" err'
test_expect_code 2 "make features FEATURE_CONFIG=FOLDER is refused" dry features FEATURE_CONFIG="$TMP/cdir"
test_expect_success "... saying so" 'grep -qF "FEATURE_CONFIG: '\''$TMP/cdir'\'' is a folder; expected a file to read (a feature config)" err'
# One that is not there is still named so.
test_expect_code 2 "make sweep CONFIG=MISSING is refused" dry sweep CONFIG="$TMP/nope.json" TRIALS=1 RUNS="$TMP/r"
test_expect_success "... as no such file" 'grep -qF "CONFIG: '\''$TMP/nope.json'\'': no such file to read" err'
