#!/usr/bin/env bash
# A DATA that is there but empty (a folder with no file in it, a manifest with no line): make went
# on to featurize, in parallel with the first steps of the sweep, and featurize's "no audio clips
# found" (naming no variable) came after RUNS was made. Now refused when make reads the makefiles
# (exit 2, naming DATA and what was expected), as a DATA that is not there is (t0809).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-empty 1
sweep() {  # NAME [make args...]
  local name=$1; shift
  ws_make -j2 sweep FEATURES="$TMP/$name.feat" CONFIG="$TMP/c.json" TRIALS=2 RUNS="$TMP/$name" MONITOR_INTERVAL=0.2 "$@"
}
untouched() { [ ! -e "$1" ] && [ ! -e "$1.feat" ]; }
mkdir -p empty nofiles/yes nofiles/no
: >empty.jsonl
printf '\n  \n' >blank.jsonl

test_expect_code 2 "make sweep with DATA an empty folder" sweep ed DATA="$TMP/empty"
test_expect_success "... naming DATA, before anything ran" '
  grep -qF "DATA: '\''$TMP/empty'\'': a folder with no file in it; expected a Speech Commands folder (one folder of audio files per class) or a JSONL manifest" err &&
  untouched ed'
test_expect_code 2 "make sweep with DATA a folder of empty class folders" sweep nf DATA="$TMP/nofiles"
test_expect_success "... naming DATA, before anything ran" 'grep -qF "DATA: '\''$TMP/nofiles'\'': a folder with no file in it" err && untouched nf'
test_expect_code 2 "make sweep with DATA an empty manifest" sweep em DATA="$TMP/empty.jsonl"
test_expect_success "... naming DATA, before anything ran" '
  grep -qF "DATA: '\''$TMP/empty.jsonl'\'': an empty manifest (no line in it); expected a Speech Commands folder (one folder of audio files per class) or a JSONL manifest" err &&
  untouched em'
test_expect_code 2 "make sweep with DATA a manifest of blank lines" sweep bl DATA="$TMP/blank.jsonl"
test_expect_success "... naming DATA, before anything ran" 'grep -qF "DATA: '\''$TMP/blank.jsonl'\'': an empty manifest" err && untouched bl'
test_expect_code 2 "make features with DATA an empty folder" ws_make features DATA="$TMP/empty" FEATURES="$TMP/ef.feat"
test_expect_success "... naming DATA" 'grep -qF "DATA: '\''$TMP/empty'\'': a folder with no file in it" err && [ ! -e ef.feat ]'
test_expect_code 2 "make staged with DATA an empty folder" ws_make -j2 staged DATA="$TMP/empty" FEATURES="$TMP/st.feat" \
  STAGE_TRIALS=1 STAGED_RUNS="$TMP/st"
test_expect_success "... naming DATA, before anything ran" 'grep -qF "DATA: '\''$TMP/empty'\'': a folder with no file in it" err && untouched st'
# A corpus with clips, as a folder (its class folders) and as a manifest, goes.
test_expect_code 0 "make sweep of the tone corpus as a folder runs" sweep fo DATA="$TMP/tones"
test_expect_success "... both trials" '[ "$(cat fo/trial-*.json | jq -r .state | sort | uniq -c | tr -s " ")" = " 2 COMPLETE" ]'
test_expect_code 0 "make sweep of the tone corpus as a manifest runs" sweep ma DATA="$TMP/tones/manifest.jsonl"
