#!/usr/bin/env bash
# make sweep: each trial target makes one trial (pipelines/trial.sh pipes suggest's line into
# train-trial, which trains one), so a SUGGEST_ARGS whose --n makes other than one is refused
# with the other variables, exit 2 naming SUGGEST_ARGS, before anything runs. suggest takes it
# (the last --n given counts), so the check that runs suggest with SUGGEST_ARGS let it through:
# SUGGEST_ARGS="--n 2" made two RUNNING trials per target and stopped the sweep at train-trial
# ("stdin: more than one trial line"), both trials left RUNNING; --n 0 handed train-trial none.
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
for args in "--n 2" "-n2" "--n=3 --grace 30" "--n 0"; do
  i=$((i + 1))
  test_expect_code 2 "SUGGEST_ARGS='$args'" sweep n$i SUGGEST_ARGS="$args"
  test_expect_success "... refused naming SUGGEST_ARGS and --n, before anything ran" "
    grep -qF \"SUGGEST_ARGS: '\$args': \" err && grep -q -- '--n' err && untouched n$i"
done
test_expect_code 0 "SUGGEST_ARGS='--n 1 --grace 30' passes (make -n)" sweep one -n SUGGEST_ARGS="--n 1 --grace 30"
test_expect_success "README says SUGGEST_ARGS takes no --n but 1" '
  tr "\n" " " <"$WS_ROOT/README.md" | grep -q "SUGGEST_ARGS.*nor an .--n. other than 1"'
