#!/usr/bin/env bash
# A newline in a pipeline variable given on make's command line or in the environment (a value
# pasted from a file, SUGGEST_ARGS from a here-document, THREADS=$'1\n'): make's $(shell) drops it
# and a recipe line ends at it, so the checks named another value than the one given
# ("SUGGEST_ARGS: '--seed 3--force': --seed: expected an integer, got '3--force'", "DEVICE:
# expected auto, cpu or cuda, got 'cpucpu'"), and others went on to a recipe that bash could not
# read ("/bin/bash: -c: line 1: unexpected EOF while looking for matching `''", naming no
# variable: STUDY, RUNS, THREADS). Refused when make reads the makefiles (exit 2), naming the
# variable and the value with its newline shown as \n, before anything runs.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-nl 1
nl=$'\n'
# sweep SUFFIX [-n] VAR=VALUE...: make sweep of one trial into $TMP/rSUFFIX
sweep() {
  local s=$1; shift
  ws_make -j2 sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 \
    RUNS="$TMP/r$s" MONITOR_INTERVAL=0.2 "$@"
}
# refused NAME SHOWN [WHERE]: the message names the variable, the value with \n, where it was given
refused() {
  local where="on make's command line"
  [ $# -lt 3 ] || where=$3
  grep -qF "$1: '$2' given $where holds a newline" err && [ ! -s out ]
}
i=0
for v in "SUGGEST_ARGS=--seed 3$nl--force" "SUGGEST_ARGS=--seed${nl}3" "STUDY=a${nl}b" "THREADS=1$nl" \
         "DEVICE=cpu${nl}cpu" "CONFIG=$TMP/c.json${nl}x" "DB=$TMP/s${nl}.db" "MONITOR_INTERVAL=0.2$nl"; do
  i=$((i + 1))
  name=${v%%=*} value=${v#*=}
  shown=${value//$nl/\\n}
  test_expect_code 2 "make -n sweep $name=$shown: refused" sweep "$i" -n "$v"
  test_expect_success "... naming $name and the value, its newline as \\n" "refused $name '$shown'"
  test_expect_code 2 "make sweep $name=$shown: refused" sweep "$i" "$v"
  test_expect_success "... before anything runs: no RUNS made, no study" "refused $name '$shown' && [ ! -e '$TMP/r$i' ]"
done
test_expect_code 2 "make sweep RUNS with a newline: refused" sweep x "RUNS=$TMP/q${nl}x"
test_expect_success "... naming RUNS; no folder made" "refused RUNS '$TMP/q\\nx' && [ -z \"\$(ls -d '$TMP'/q* 2>/dev/null)\" ]"
test_expect_code 2 "make features DATA with a newline: refused" \
  ws_make features "DATA=$TMP/tones/manifest.jsonl$nl" FEATURES="$TMP/f.feat"
test_expect_success "... naming DATA; no cache made" "refused DATA '$TMP/tones/manifest.jsonl\\n' && [ ! -e '$TMP/f.feat' ]"
env_sweep() { local rc=0; export SUGGEST_ARGS="--seed 3$nl--force"; sweep e -n || rc=$?; unset SUGGEST_ARGS; return "$rc"; }
test_expect_code 2 "SUGGEST_ARGS with a newline in the environment: refused" env_sweep
test_expect_success "... saying it came from the environment" "refused SUGGEST_ARGS '--seed 3\\n--force' 'in the environment'"
# the same words on one line go (t4059: any blank)
test_expect_code 0 "make -n sweep SUGGEST_ARGS='--seed 3 --force' on one line: goes" sweep ok -n "SUGGEST_ARGS=--seed 3 --force"
