#!/usr/bin/env bash
# make staged with a stage 1 whose every trial its pruner pruned (a threshold no value reaches)
# stopped (exit 2) saying "stage 1 has no feasible COMPLETE trial ...: run more stage-1 trials
# ..., or, when its constraints cannot be met, begin again with a STAGE1 of looser ones": the
# config has no constraints, and more trials would be pruned the same. It now says that the
# pruner pruned them all, and what to change: STAGE1's pruner. A stage 1 whose trials completed
# but none met its constraints is still told to run more trials or loosen them.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-pr 2
jq '.study = "tones-pr-1" | .pruner = {"name": "threshold", "lower": 2}' c.json >s1.json
jq '.study = "tones-pr-2"' c.json >s2.json
staged() {  # NAME [make args...]
  local name=$1; shift
  tone_staged "$name" STAGE_TRIALS=2 "$@"
}
test_expect_code 2 "a stage 1 whose pruner pruned every trial: make staged exits 2" staged p
test_expect_success "... both stage-1 trials PRUNED (checked in the study)" '
  [ "$(sqlite3 p/study.db "SELECT t.state FROM trials t JOIN studies s USING (study_id) WHERE s.study_name = '"'tones-pr-1'"'" | sort | uniq -c | tr -s " ")" = " 2 PRUNED" ]'
test_expect_success "... says the pruner pruned them all, not to run more trials or loosen constraints" "
  grep -qF \"$TMP/p/stage-1: stage 1 has no COMPLETE trial to fix into stage 2: its pruner pruned all 2 of its trials; begin again with a STAGE1 whose pruner lets trials complete, in another STAGED_RUNS\" err &&
  ! grep -q -e 'run more stage-1 trials' -e constraints err && ! ls p/stage-1/best.json* 2>/dev/null && [ ! -e p/stage-2 ]"
