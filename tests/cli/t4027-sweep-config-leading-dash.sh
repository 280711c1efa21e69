#!/usr/bin/env bash
# A CONFIG, STAGE1 or STAGE2 given as a relative path that begins with '-' was handed to jq as an
# argument when make read the makefiles: jq took it for its options, read no config, and the user
# was told "STUDY: empty: CONFIG names no study" (make staged: "STAGE1: ... names no study") of a
# config that names one. Now jq reads the config on its stdin: such a path goes as any other.
# make runs in a folder of the test's own (links to the checkout's makefiles, pipelines and
# sources), so that the '-' files are made there, not in the checkout.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
mkdir root
for f in "$WS_ROOT"/*; do ln -s "$f" "root/${f##*/}"; done
tone_sweep_config root/-c.json tones-dash 1
jq '.study = "tones-dash-1"' root/-c.json >root/-s1.json
jq '.study = "tones-dash-2"' root/-c.json >root/-s2.json
dry() { make -s -C "$TMP/root" BUILD="$WS_BUILD" BIN="$WS_BIN" -n "$@" DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat"; }

test_expect_code 0 "make -n sweep CONFIG=-c.json (relative, in make's folder) goes" dry sweep CONFIG=-c.json TRIALS=1
test_expect_success "... into the study the config names (runs/tones-dash)" '
  ! grep -q "names no study" err && grep -qF "runs/tones-dash/trial-000.json" out'
test_expect_code 0 "make -n staged STAGE1=-s1.json STAGE2=-s2.json goes" \
  dry staged STAGE1=-s1.json STAGE2=-s2.json STAGE_TRIALS=1 STAGED_RUNS="$TMP/st"
test_expect_success "... both stages' studies read from them" '
  ! grep -q "names no study" err && grep -qF "tones-dash-1" out && grep -qF "tones-dash-2" out'
# A '-' config that is not there is still named as missing.
test_expect_code 2 "make -n sweep CONFIG=-none.json is refused" dry sweep CONFIG=-none.json TRIALS=1
test_expect_success "... as no such file" 'grep -qF "CONFIG: '\''-none.json'\'': no such file to read" err'
