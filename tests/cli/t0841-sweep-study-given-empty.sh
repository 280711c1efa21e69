#!/usr/bin/env bash
# STUDY given empty (STUDY= on make's command line, or STUDY= in the environment, where a script
# set it from a lookup that found nothing) is no study name, nor CONFIG's: with RUNS given, the
# trials ran in CONFIG's study (suggest without --study) and the closing report, of study '',
# failed after the whole sweep (exit 2, "unknown study ''"); with the default RUNS the refusal
# said that CONFIG names no study, which it does. Refused before anything runs (exit 2), naming
# STUDY as given empty.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-empty-study 1
dry() { ws_make -n sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 "$@"; }
said() { grep -qF "STUDY: given empty" err && ! grep -q "CONFIG names no study" err && [ ! -s out ]; }

test_expect_code 2 "STUDY= with RUNS given is refused (make -n: nothing runs either way)" dry RUNS="$TMP/r1" STUDY=
test_expect_success "... naming STUDY as given empty" 'said'
test_expect_code 2 "STUDY= with the default RUNS is refused" dry STUDY=
test_expect_success "... naming STUDY as given empty, not blaming CONFIG, which names its study" 'said'
env_dry() { local rc=0; export STUDY=; dry RUNS="$TMP/r3" || rc=$?; unset STUDY; return "$rc"; }
test_expect_code 2 "STUDY= in the environment is refused" env_dry
test_expect_success "... naming STUDY" 'said'
# The run itself, as a user gets it: nothing made, no trial claimed.
test_expect_code 2 "make sweep STUDY= RUNS=... trains nothing" \
  ws_make -j2 sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 \
    RUNS="$TMP/r4" MONITOR_INTERVAL=0.2 STUDY=
test_expect_success "... no RUNS made, no study file" 'said && [ ! -e r4 ]'
# A config without a study name: the message that says so is still the one given.
jq 'del(.study)' c.json >nostudy.json
test_expect_code 2 "a CONFIG that names no study, the default RUNS, is refused" \
  ws_make -n sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/nostudy.json" TRIALS=1
test_expect_success "... saying CONFIG names no study" 'grep -q "STUDY: empty: CONFIG names no study" err'
