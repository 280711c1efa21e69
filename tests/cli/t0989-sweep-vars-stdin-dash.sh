#!/usr/bin/env bash
# A '-' in the pipeline's variables is standard input to the tools (suggest --config -, --fixed -,
# --enqueue -; featurize -c -), which in the pipeline is make's own. SUGGEST_ARGS="--fixed -" was
# checked by a suggest that read make's stdin: at a terminal make waited there, while it read the
# makefiles, for input; from a pipe the check took it all and passed, and each trial's suggest
# found make's stdin again. CONFIG=- (or STAGE1, STAGE2, FEATURE_CONFIG), with a file named '-'
# in make's folder, passed the file check, and suggest then read make's stdin for the config.
# Now each is refused when make reads the makefiles (exit 2, naming the variable), and the check's
# suggest never reads make's stdin.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-dash 1
sweep_args=(-s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" -j2 sweep CONFIG="$TMP/c.json" TRIALS=1 RUNS="$TMP/r"
  FEATURES="$TMP/tones.feat" DATA="$TMP/tones/manifest.jsonl")
sweep() { make "${sweep_args[@]}" "$@"; }
# make's stdin a pipe that stays open (as a terminal does): a check that reads it waits 15 s (the
# writer, killed after, not waited for as a pipeline's would be)
mkfifo open.fifo
held() {
  local rc=0 w
  sleep 20 >open.fifo & w=$!
  timeout 15 make "${sweep_args[@]}" "$@" <open.fifo || rc=$?
  kill "$w" 2>/dev/null; wait "$w" 2>/dev/null
  return "$rc"
}
for a in "--fixed -" "--fixed=-" "--enqueue -"; do
  test_expect_code 2 "make sweep SUGGEST_ARGS='$a', make's stdin open: refused, not waiting for it" held SUGGEST_ARGS="$a"
  test_expect_success "... names SUGGEST_ARGS, before anything ran" '
    grep -q "SUGGEST_ARGS: .*'"'-'"'" err && [ ! -e r ]'
done
echo '{"dropout": 0.1}' >fixed.json
test_expect_code 2 "make sweep SUGGEST_ARGS='--fixed -', a set on make's stdin: refused too" \
  sh -c 'exec make "$@" SUGGEST_ARGS="--fixed -" <fixed.json' sh "${sweep_args[@]}"
test_expect_success "... saying each trial's suggest would read make's stdin; nothing ran" '
  grep -q "standard input, which each trial" err && [ ! -e r ]'
test_expect_success "make sweep SUGGEST_ARGS='--fixed ./fixed.json' still runs (a set from a file): its trial has it" '
  (cd "$TMP" && sweep SUGGEST_ARGS="--fixed $TMP/fixed.json") >s.out 2>s.err && [ "$(report --db r/study.db --format jsonl | jq .params.dropout)" = 0.1 ]'
# The file check, where a file named '-' is there: make's folder is the checkout (make -C), so the
# script that checks make's variables is run in a folder that holds one.
cp c.json ./-
for v in CONFIG STAGE1 STAGE2 FEATURE_CONFIG; do
  test_expect_success "$v=- with a file named '-' there: refused, naming $v" "
    m=\$(bash '$WS_ROOT/pipelines/check-vars.sh' file $v - </dev/null) && [[ \$m == \"$v: '-' is standard input\"* ]]"
done
test_expect_success "... ./- names that file, and passes" "
  [ -z \"\$(bash '$WS_ROOT/pipelines/check-vars.sh' file CONFIG ./- </dev/null)\" ]"
