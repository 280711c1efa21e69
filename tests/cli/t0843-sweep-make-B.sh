#!/usr/bin/env bash
# make -B (every target made again, whatever the times say: a user's way to force the features
# or the report) with a DATA of the user's: the rule of a real corpus's own name, whose recipe
# only said it was missing, ran under -B too, and said "no such corpus" of a corpus that is
# there (exit 2): make -B data, make -B features and make -B sweep all stopped. Its recipe now
# looks first. A finished sweep made again under -B trains nothing again (its trial files stand,
# the study keeps its trials) and writes its report. (-o keeps the build, which -B would redo,
# out of the test: it is make's own.) make -t (touch), which left the trial files of a raised
# TRIALS empty, taken for trials done by every later make sweep, is refused for the sweep goals.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-make-b 1
keep_build=(-o all -o "$WS_BIN/featurize" -o "$WS_BUILD/.deps-ok")

test_expect_code 0 "make -B data with a manifest that is there" ws_make -B data DATA="$TMP/tones/manifest.jsonl"
test_expect_success "... says nothing of a missing corpus" '! grep -q "no such corpus" err'
test_expect_code 0 "make -B data with a corpus folder that is there" ws_make -B data DATA="$TMP/tones"
test_expect_code 2 "make data with a corpus that is not there is still refused" ws_make data DATA="$TMP/nope.jsonl"
test_expect_success "... naming DATA" 'grep -q "DATA: .*nope.jsonl.: no such corpus" err'

test_expect_success "a finished sweep of 2 trials" '
  tone_sweep r >r.out 2>r.err && [ -s r/trial-001.json ] && cp r/trial-000.json r/trial-001.json . &&
  [ "$(sqlite3 r/study.db "SELECT count(*) FROM trials")" = 2 ]'
sleep 1   # the report made again is newer by the second
touch -d @0 r/report.json
test_expect_code 0 "make -B -j2 sweep of it" tone_sweep r -B "${keep_build[@]}"
test_expect_success "... trains nothing again: the same trial files, 2 trials in the study, a new report" '
  cmp trial-000.json r/trial-000.json && cmp trial-001.json r/trial-001.json &&
  [ "$(sqlite3 r/study.db "SELECT count(*) FROM trials")" = 2 ] && [ "$(stat -c %Y r/report.json)" -gt 0 ] &&
  [ "$(jq .n_trials r/report.json)" = 2 ]'

# make -t (touch: targets marked made, no recipe run): it left the trial files of a raised TRIALS
# empty, which every later make sweep took for trials done (TRIALS=3 ended 0, the study holding
# its 1 trial), and make staged an empty best.json. Refused for the goals that sweep.
test_expect_code 2 "make -t -j2 sweep TRIALS=3 of the finished 2-trial sweep is refused" tone_sweep r -t TRIALS=3
test_expect_success "... saying why, touching nothing" '
  grep -q "make -t" err && [ ! -e r/trial-002.json ] && [ "$(sqlite3 r/study.db "SELECT count(*) FROM trials")" = 2 ]'
test_expect_code 2 "make -t staged is refused" ws_make -t staged STAGED_RUNS="$TMP/st" DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat"
test_expect_success "... touching nothing" 'grep -q "make -t" err && [ ! -e st ]'
test_expect_code 0 "then make -j2 sweep TRIALS=3 runs the third trial" tone_sweep r TRIALS=3
test_expect_success "... 3 trials in the study" '[ "$(sqlite3 r/study.db "SELECT count(*) FROM trials")" = 3 ] && [ -s r/trial-002.json ]'
