#!/usr/bin/env bash
# make staged: stage 2 gets stage 1's best params through suggest --fixed, which refuses a
# param that the stage-2 config's fixed settings set to another value. A STAGE2 whose fixed
# holds a param STAGE1 searches, or whose budget sets the epochs STAGE1 searches (the shipped
# kws-critical then kws-augmentation: learning_rate and batch_size), ran the whole of stage 1,
# then stopped in stage 2's sweep, blaming a SUGGEST_ARGS the user never gave. Refused before
# anything runs (exit 2, naming STAGE2, the params and STAGE1), as the other STAGE1/STAGE2
# mistakes are. And make -n staged, a dry run, stopped at stage 2 on the best.json that only a
# real run makes.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
echo '{"path":"x.wav","label":"yes","split":"train"}' >manifest.jsonl   # there; never read here
tone_sweep_config s1.json tones-s1 1
jq '.study = "tones-s2" | .space = {"time_shift": {"type": "int", "low": 0, "high": 10, "step": 5}} | .fixed.learning_rate = 0.01' \
  s1.json >s2.json
staged() {  # STAGED_RUNS [make args...]
  local runs=$1; shift
  ws_make staged DATA="$TMP/manifest.jsonl" FEATURES="$TMP/$runs.feat" STAGE_TRIALS=1 STAGED_RUNS="$TMP/$runs" "$@"
}
untouched() { [ ! -e "$1" ] && [ ! -e "$1.feat" ]; }
test_expect_code 2 "STAGE2 fixes a param that STAGE1 searches: exit 2" staged st STAGE1="$TMP/s1.json" STAGE2="$TMP/s2.json"
test_expect_success "... before anything ran, naming STAGE2, the param and STAGE1, not SUGGEST_ARGS" '
  untouched st && grep -qF "STAGE2: '\''$TMP/s2.json'\'': sets fixed.learning_rate, which STAGE1 '\''$TMP/s1.json'\'' searches: make staged fixes stage 1'\''s best values into stage 2 (suggest --fixed)" err &&
  ! grep -q SUGGEST_ARGS err'
C=$WS_ROOT/configs/studies
test_expect_code 2 "the shipped kws-critical then kws-augmentation: refused the same way" \
  staged sc STAGE1="$C/kws-critical.json" STAGE2="$C/kws-augmentation.json"
test_expect_success "... naming both params kws-augmentation fixes" '
  untouched sc && grep -qF "sets fixed.learning_rate, fixed.batch_size, which STAGE1 '\''$C/kws-critical.json'\'' searches" err'
# A STAGE1 that searches epochs, and a STAGE2 whose budget sets them: suggest refuses those too.
jq '.study = "tones-e1" | .space.epochs = {"type": "int", "low": 1, "high": 2} | del(.budget)' s1.json >e1.json
jq '.study = "tones-e2" | .space = {"time_shift": {"type": "int", "low": 0, "high": 10, "step": 5}}' s1.json >e2.json
test_expect_code 2 "STAGE1 searches epochs, STAGE2 has budget.epochs: refused" staged se STAGE1="$TMP/e1.json" STAGE2="$TMP/e2.json"
test_expect_success "... naming budget.epochs" 'untouched se && grep -qF "sets budget.epochs, which STAGE1" err'
test_expect_success "the shipped staged pair is not refused: it goes on to the features" '
  ! staged sn >sn.out 2>sn.err && ! grep -q "STAGE2" sn.err && grep -q "featurize" sn.err'
# A dry run of a fresh make staged: stage 2's sweep is handed --fixed STAGED_RUNS/stage-1/best.json,
# which only a real stage 1 makes; the check of SUGGEST_ARGS stopped the dry run there.
test_expect_code 0 "make -n staged on a fresh STAGED_RUNS" staged dr -n
test_expect_success "... prints both stages' trial commands, stage 2's with stage 1's best fixed, and makes nothing" '
  [ "$(grep -c "pipelines/trial.sh" out)" = 2 ] && grep -qF -- "--fixed $TMP/dr/stage-1/best.json" out && untouched dr'
