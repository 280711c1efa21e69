#!/usr/bin/env bash
# FEATURIZE_THREADS (featurize --threads, an integer in [1, 256]) was not checked with the other
# variables: featurize alone refused a bad one, naming its --threads, not the variable (and an
# empty one read the next word: "got '--out'"), once make came to the cache: for the demo corpus
# after synthesizing it, and under make -j2 sweep with RUNS made alongside. Refused when make
# reads the makefiles (exit 2, naming FEATURIZE_THREADS), before anything runs; the range is
# featurize's own, read from its refusal of the values just outside it.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-fthreads 1
# The bounds, as featurize itself takes them (the independent reference for the check).
test_expect_success "featurize takes --threads 1 and 256 and refuses 0 and 257 (exit 2)" '
  for t in 1 256; do featurize --quiet --threads $t --out "ok$t.feat" tones/manifest.jsonl >/dev/null || exit 1; done
  for t in 0 257; do rc=0; featurize --quiet --threads $t --out "no$t.feat" tones/manifest.jsonl >/dev/null 2>&1 || rc=$?; [ "$rc" = 2 ] || exit 1; done'
for t in abc "" 0 257 -1 1.5; do
  test_expect_code 2 "make -n features FEATURIZE_THREADS='$t' is refused" \
    ws_make -n features DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/f.feat" FEATURIZE_THREADS="$t"
  test_expect_success "... naming FEATURIZE_THREADS" \
    "grep -qF \"FEATURIZE_THREADS: expected an integer in [1, 256] (featurize's threads), got '$t'\" err && [ ! -s out ]"
done
for t in 1 256; do
  test_expect_code 0 "make -n features FEATURIZE_THREADS=$t goes" \
    ws_make -n features DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/f.feat" FEATURIZE_THREADS="$t"
done
test_expect_code 2 "make -j2 sweep FEATURIZE_THREADS=0 is refused" \
  ws_make -j2 sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/f.feat" CONFIG="$TMP/c.json" TRIALS=1 RUNS="$TMP/r" \
    MONITOR_INTERVAL=0.2 FEATURIZE_THREADS=0
test_expect_success "... before anything ran: no RUNS, no cache" '[ ! -e r ] && [ ! -e f.feat ]'
