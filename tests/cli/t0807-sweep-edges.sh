#!/usr/bin/env bash
# Edges of the sweep pipeline: make sweep fails when its closing report fails (it was piped into
# head, whose status make took); TRIALS and STAGE_TRIALS past a million are refused; the README
# names every variable the pipelines take.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-edges 1

test_expect_code 0 "a sweep of 2 trials" tone_sweep r1
# The reports are up to date, so make sweep only runs report for its summary: with the study file
# gone, report exits 2, and so must make.
test_expect_success "a finished sweep whose study file is gone: make sweep fails, saying why" '
  mv r1/study.db study.db.saved && rm -f r1/study.db-wal r1/study.db-shm &&
  { tone_sweep r1 >gone.out 2>gone.err; rc=$?; [ "$rc" = 2 ]; } && grep -q "no such study database" gone.err'
test_expect_success "... and with it back, make sweep prints the summary and exits 0" '
  mv study.db.saved r1/study.db && tone_sweep r1 >back.out 2>back.err && grep -q "^study tones-edges" back.out &&
  [ "$(wc -l <back.out)" -le 8 ]'

# TRIALS and STAGE_TRIALS name one make target each: past a million, seq's %03g named trials
# 1000000..1000004 all trial-1e+06.json, and make spent its memory and minutes on the list before
# anything ran (billions filled the memory). Refused at once instead (timeout: without the check
# make would read a million targets and print a recipe for each).
mkt() { timeout 60 make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" "$@"; }
test_expect_code 2 "TRIALS=1000001 is refused" \
  mkt -n sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1000001 RUNS="$TMP/big"
test_expect_success "... naming TRIALS and its limit, before anything ran" '
  grep -q "TRIALS: at most 1000000 (make holds a target per trial), got .1000001." err && [ ! -e big ] && [ ! -s out ]'
test_expect_code 2 'TRIALS=2^64 (which $(( )) wraps to 0) is refused' \
  mkt -n sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=18446744073709551616 RUNS="$TMP/big"
test_expect_code 2 "STAGE_TRIALS=1000001 is refused" mkt -n staged STAGE_TRIALS=1000001 STAGED_RUNS="$TMP/sbig"
test_expect_success "... naming STAGE_TRIALS" 'grep -q "STAGE_TRIALS: at most 1000000" err && [ ! -e sbig ]'
test_expect_code 2 "slurm-array.sh refuses TRIALS=1000001 before it submits anything (its tasks' makes would refuse it)" \
  env PATH="$WS_BIN:$PATH" bash "$WS_ROOT/pipelines/slurm-array.sh" BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/tones/manifest.jsonl" \
  FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1000001 RUNS="$TMP/slurm"
test_expect_success "... naming TRIALS and its limit" 'grep -q "TRIALS: at most 1000000" err && [ ! -e slurm ]'

# The README describes what the pipelines take: every variable they give a default (NAME ?=) is
# named there; make sweep's own paragraph names SUGGEST_ARGS (it was named for make staged only);
# RUNS/monitor.jsonl, which gpu-monitor(1) sends the reader to the README for, is there.
test_expect_success "every variable pipelines/*.ws_make defaults (?=) is in the README" '
  vars=$(grep -ho "^[A-Z][A-Z0-9_]* *?=" "$WS_ROOT"/pipelines/*.mk | sed "s/ *?=//" | sort -u) && [ -n "$vars" ] &&
  for v in $vars; do grep -q "\`$v\`" "$WS_ROOT/README.md" || { echo "README lacks $v" >&2; exit 1; }; done'
# ... and the path each defaults to (NAME ?= PATH), as `PATH`: the README gave no default for CONFIG
# and none for make staged's STAGE1, STAGE2 (its configs) or STAGED_RUNS (runs/kws-staged/ only as
# the folder its Studies paragraph describes)
grep -hE '^[A-Z][A-Z0-9_]* *\?= *[^ $]*/[^ $]*$' "$WS_ROOT"/pipelines/*.mk | sed -E 's/ *\?= */ /' >path.defaults
test_expect_success "pipelines/*.mk default variables to paths" 'grep -q "^CONFIG configs/" path.defaults'
while read -r v path; do
  test_expect_success "README names $v's default, $path" 'grep -qF "\`$path\`" "$WS_ROOT/README.md"'
done <path.defaults
test_expect_success "the README names SUGGEST_ARGS for make sweep, and RUNS/monitor.jsonl" '
  sed -n "/^\`make -j2 sweep\` takes/,/\`make -j2 staged\` takes/p" "$WS_ROOT/README.md" | grep -q "\`SUGGEST_ARGS\`" &&
  grep -q "RUNS/monitor.jsonl" "$WS_ROOT/README.md"'
