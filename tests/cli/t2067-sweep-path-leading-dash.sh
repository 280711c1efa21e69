#!/usr/bin/env bash
# A path that make names targets after (RUNS, FEATURES, DATA, FEATURE_CONFIG, STAGED_RUNS) beginning
# with '-': the commands make hands it to read it as an option. RUNS=-r: "mkdir: invalid option --
# 'r'" and "rm: invalid option -- '/'", naming no variable; FEATURES=-f.feat: featurize made the
# cache, then touch refused it and make deleted it, a lock file left in the checkout; DATA=-m.jsonl:
# "featurize: unknown option '-m'", after RUNS was made. Refused when make reads the makefiles
# (exit 2, naming the variable and ./ to write), with make -n: were the check missing, nothing would
# run (the paths are relative to the checkout, where nothing is made either way).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-dash 1
dry() { ws_make -n "$@"; }
sweep_vars=(DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 MONITOR_INTERVAL=0.2)

test_expect_code 2 "make sweep RUNS=-r is refused" dry sweep "${sweep_vars[@]}" RUNS=-r
test_expect_success "... naming RUNS and the ./ to write, nothing run" '
  [ ! -s out ] && grep -qF "RUNS: '\''-r'\'': begins with '\''-'\''" err && grep -qF "write ./-r" err'
test_expect_code 2 "make sweep FEATURES=-f.feat is refused" dry sweep "${sweep_vars[@]}" RUNS="$TMP/r1" FEATURES=-f.feat
test_expect_success "... naming FEATURES" '[ ! -s out ] && grep -qF "FEATURES: '\''-f.feat'\'': begins with '\''-'\''" err'
test_expect_code 2 "make features DATA=-m.jsonl is refused" dry features DATA=-m.jsonl FEATURES="$TMP/m.feat"
test_expect_success "... naming DATA (not as a corpus that is not there)" 'grep -qF "DATA: '\''-m.jsonl'\'': begins with '\''-'\''" err'
test_expect_code 2 "make features FEATURE_CONFIG=-fc.json is refused" \
  dry features DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/fc.feat" FEATURE_CONFIG=-fc.json
test_expect_success "... naming FEATURE_CONFIG" 'grep -qF "FEATURE_CONFIG: '\''-fc.json'\'': begins with '\''-'\''" err'
test_expect_code 2 "make staged STAGED_RUNS=-s is refused" dry staged STAGED_RUNS=-s STAGE_TRIALS=1
test_expect_success "... naming STAGED_RUNS" '[ ! -s out ] && grep -qF "STAGED_RUNS: '\''-s'\'': begins with '\''-'\''" err'

# A '-' elsewhere, and a STUDY beginning with one (RUNS=runs/-x, a STUDY given to the tools as
# --study's value), go: a whole sweep in study -x.
test_expect_code 0 "a '-' inside RUNS goes (make -n)" dry sweep "${sweep_vars[@]}" RUNS="$TMP/a-r"
test_expect_code 0 "STUDY=-x naming the default RUNS goes (make -n)" dry sweep "${sweep_vars[@]}" STUDY=-x
test_expect_success "... as runs/-x" 'grep -qF "'\''runs/-x/trial-000.json'\''" out'
test_expect_code 0 "make sweep STUDY=-x runs" ws_make -j2 sweep "${sweep_vars[@]}" STUDY=-x RUNS="$TMP/sx"
test_expect_success "... in study -x" '[ "$(jq -r .study sx/trial-000.json)" = -x ] && [ "$(jq -r .study sx/report.json)" = -x ]'
