#!/usr/bin/env bash
# make sweep: a SUGGEST_ARGS that makes suggest print anything but one trial line is refused with
# the other variables (exit 2, naming SUGGEST_ARGS), before anything runs: trial.sh hands
# suggest's output to train-trial as the trial's line. --version passed the check (suggest exits 0)
# and stopped the sweep at its first trial ("train-trial: stdin:1:7: '[' or '{' expected"), after
# the corpus and features were made; --help was refused, but as "--n: suggest made 42 trials",
# counting its help text as trials.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_study_config c.json
echo '{"path":"x.wav","label":"yes","split":"train"}' >manifest.jsonl   # there; never read here
sweep() {  # NAME [make args...]
  local name=$1; shift
  ws_make sweep DATA="$TMP/manifest.jsonl" FEATURES="$TMP/$name.feat" CONFIG="$TMP/c.json" TRIALS=2 RUNS="$TMP/$name" "$@"
}
untouched() { [ ! -e "$1" ] && [ ! -e "$1.feat" ]; }
i=0
for args in "--version" "--help" "-h" "--grace 30 --version"; do
  i=$((i + 1))
  test_expect_code 2 "SUGGEST_ARGS='$args'" sweep v$i SUGGEST_ARGS="$args"
  test_expect_success "... refused naming SUGGEST_ARGS, saying suggest printed no trial line, before anything ran" "
    grep -qF \"SUGGEST_ARGS: '\$args': \" err && grep -q 'not one trial line' err && ! grep -q 'made [0-9]* trials' err && untouched v$i"
done
