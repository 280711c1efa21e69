#!/usr/bin/env bash
# make sweep: SUGGEST_ARGS are checked with the other variables, when make reads the makefiles
# (suggest --n 1 with them and CONFIG on a study file of its own), exit 2 naming SUGGEST_ARGS and
# suggest's reason, before anything runs. A --fixed file that was not there, or a value suggest
# refuses, stopped the sweep only at its first trial, after the corpus (the demo's: minutes)
# and the features were made, and with a study file and a monitor started.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_study_config c.json
echo '{"path":"x.wav","label":"yes","split":"train"}' >manifest.jsonl   # there; never read here
sweep() {  # NAME [make args...]
  local name=$1; shift
  ws_make sweep DATA="$TMP/manifest.jsonl" FEATURES="$TMP/$name.feat" CONFIG="$TMP/c.json" TRIALS=2 RUNS="$TMP/$name" "$@"
}
untouched() { [ ! -e "$1" ] && [ ! -e "$1.feat" ]; }

test_expect_code 2 "SUGGEST_ARGS with a --fixed file that is not there" sweep nf SUGGEST_ARGS="--fixed $TMP/nosuch.json"
test_expect_success "... refused naming SUGGEST_ARGS and suggest's reason, before anything ran" '
  grep -qF "SUGGEST_ARGS: '\''--fixed $TMP/nosuch.json'\'': $TMP/nosuch.json: cannot read" err && untouched nf'
echo '{"params": {"learning_rate": "fast"}}' >bad.json
test_expect_code 2 "SUGGEST_ARGS with a --fixed value suggest refuses" sweep bv SUGGEST_ARGS="--fixed $TMP/bad.json"
test_expect_success "... refused naming SUGGEST_ARGS and the value, before anything ran" '
  grep -qF "SUGGEST_ARGS: '\''--fixed $TMP/bad.json'\'': $TMP/bad.json.learning_rate: expected a number, got a string" err && untouched bv'
test_expect_code 2 "SUGGEST_ARGS with an option suggest does not have" sweep uo SUGGEST_ARGS="--no-such-option"
test_expect_success "... refused naming SUGGEST_ARGS" 'grep -qF "SUGGEST_ARGS: '\''--no-such-option'\'': unknown option" err && untouched uo'
echo '{"params": {"learning_rate": 0.015}}' >good.json
test_expect_code 0 "a good --fixed file passes (make -n)" sweep ok -n SUGGEST_ARGS="--fixed $TMP/good.json"
test_expect_success "... the trial commands carry it" 'grep -qF -- "--fixed $TMP/good.json" out || grep -qF "SUGGEST_ARGS='\''--fixed $TMP/good.json'\''" out'

# make staged hands SUGGEST_ARGS to both stages' sweeps: checked with each stage's config first.
jq '.study = "tones-1"' c.json >s1.json; jq '.study = "tones-2"' c.json >s2.json
test_expect_code 2 "make staged with an option suggest does not have in SUGGEST_ARGS" \
  ws_make staged DATA="$TMP/manifest.jsonl" FEATURES="$TMP/st.feat" STAGE1="$TMP/s1.json" STAGE2="$TMP/s2.json" \
    STAGE_TRIALS=1 STAGED_RUNS="$TMP/st" SUGGEST_ARGS="--no-such-option"
test_expect_success "... refused naming SUGGEST_ARGS, before anything ran" '
  grep -qF "SUGGEST_ARGS: '\''--no-such-option'\'': unknown option" err && untouched st'

# Each trial target makes one trial (pipelines/trial.sh pipes suggest's line into
# train-trial, which trains one), so a SUGGEST_ARGS whose --n makes other than one is refused
# with the other variables, exit 2 naming SUGGEST_ARGS, before anything runs. suggest takes it
# (the last --n given counts), so the check that runs suggest with SUGGEST_ARGS let it through:
# SUGGEST_ARGS="--n 2" made two RUNNING trials per target and stopped the sweep at train-trial
# ("stdin: more than one trial line"), both trials left RUNNING; --n 0 handed train-trial none.
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

# A SUGGEST_ARGS that makes suggest print anything but one trial line is refused with
# the other variables (exit 2, naming SUGGEST_ARGS), before anything runs: trial.sh hands
# suggest's output to train-trial as the trial's line. --version passed the check (suggest exits 0)
# and stopped the sweep at its first trial ("train-trial: stdin:1:7: '[' or '{' expected"), after
# the corpus and features were made; --help was refused, but as "--n: suggest made 42 trials",
# counting its help text as trials.
i=0
for args in "--version" "--help" "-h" "--grace 30 --version"; do
  i=$((i + 1))
  test_expect_code 2 "SUGGEST_ARGS='$args'" sweep v$i SUGGEST_ARGS="$args"
  test_expect_success "... refused naming SUGGEST_ARGS, saying suggest printed no trial line, before anything ran" "
    grep -qF \"SUGGEST_ARGS: '\$args': \" err && grep -q 'not one trial line' err && ! grep -q 'made [0-9]* trials' err && untouched v$i"
done

# --enqueue queues trials and makes none: refused, saying so and what to do, where the message
# named the --n 0 the check itself gives suggest ("--n goes with sampled trials, not --enqueue")
echo '{"learning_rate": 0.01}' >q.jsonl
test_expect_code 2 "SUGGEST_ARGS='--enqueue FILE'" sweep eq SUGGEST_ARGS="--enqueue $TMP/q.jsonl"
test_expect_success "... refused naming SUGGEST_ARGS and --enqueue, not --n, and saying to queue before the sweep" '
  grep -qF "SUGGEST_ARGS: '\''--enqueue $TMP/q.jsonl'\'': --enqueue queues trials and makes none" err && ! grep -q -- "--n " err &&
  grep -q "queue them before the sweep" err && untouched eq'
