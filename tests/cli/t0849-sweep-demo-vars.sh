#!/usr/bin/env bash
# The demo corpus's settings (DEMO_SEED, DEMO_WAKE_CLIPS, DEMO_CLIPS_PER_CLASS, DEMO_SPEAKERS,
# DEMO_JOBS) were checked only by share/make-demo-corpus.sh once make ran it: make data
# DEMO_SEED=abc said "make-demo-corpus: SEED must be a non-negative integer", the script's name
# for it, not the make variable; and under make -j2 sweep the corpus's recipe ran beside RUNS's,
# which was made. They are now checked when make reads the makefiles, as the other variables are
# (pipelines/check-vars.sh): exit 2, naming the make variable, before anything runs. Only for the
# demo corpus: with DATA naming another they are not used, and not checked. (Only bad values are
# given here: a good one would synthesize the demo corpus in the checkout.)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_sweep_config c.json tones-demo 1
for case in "DEMO_SEED abc non-negative" "DEMO_WAKE_CLIPS -1 non-negative" "DEMO_CLIPS_PER_CLASS 1.5 non-negative" \
            "DEMO_SPEAKERS x positive" "DEMO_JOBS 0 positive"; do
  eval "set -- $case"
  test_expect_code 2 "make data $1='$2'" ws_make data "$1=$2"
  test_expect_success "... names $1, not the script's name" "
    [ \"\$(cat err)\" = \"pipelines/data.mk:$(grep -n '^\$(error \$(ws_bad_var))' "$WS_ROOT/pipelines/data.mk" | head -1 | cut -d: -f1): *** $1: expected a $3 integer (a setting of the demo corpus), got '$2'.  Stop.\" ]"
done
test_expect_code 2 "make -j2 sweep DEMO_SEED=abc" \
  ws_make -j2 sweep CONFIG="$TMP/c.json" TRIALS=1 RUNS="$TMP/r" FEATURES="$TMP/r.feat" DEMO_SEED=abc
test_expect_success "... refused before anything ran: no RUNS, no cache" '
  grep -q "DEMO_SEED: expected a non-negative integer" err && [ ! -e r ] && [ ! -e r.feat ]'
make_tone_cache tones
test_expect_code 0 "make features with DATA another corpus: DEMO_SEED=abc is not used, not checked" \
  ws_make features DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/t.feat" DEMO_SEED=abc
test_expect_success "... the cache made" '[ -s t.feat ]'
