#!/usr/bin/env bash
# The pipelines' variables: TRIALS and STAGE_TRIALS that are not positive integers, and a RUNS
# (or the STUDY that names the default one) that make cannot use as a target, are refused before
# anything runs, with exit status 2 and a message naming the variable; CONFIG, DB and STUDY with a
# space or a ' are quoted and work; DATA picks its own feature cache, and a cache made from
# another corpus is made again; THREADS=auto reads only make's own -j.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-vars 1

# A fresh machine: make reads the makefiles once before the deps are installed (no jq yet), then
# again. That first reading must not refuse the STUDY it cannot read yet: a jq that works only
# once the deps stamp is there stands for it.
mkdir -p fresh/bin
printf '#!/bin/sh\n[ -e "%s" ] && exec "%s" "$@"\nexit 127\n' "$TMP/fresh/build/.deps-ok" "$(type -P jq)" >fresh/bin/jq
chmod +x fresh/bin/jq
test_expect_code 0 "a fresh machine's first reading (jq not there yet) goes on to the deps" \
  env PATH="$TMP/fresh/bin:$PATH" make -s -n -C "$WS_ROOT" BUILD="$TMP/fresh/build" BIN="$WS_BIN" sweep \
  DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=2   # RUNS the default, as in the README
test_expect_success "... the deps stamp made, no variable refused" '[ -e fresh/build/.deps-ok ] && ! grep -q "\*\*\*" err'
test_expect_code 2 "a CONFIG that is not there" tone_sweep cmiss CONFIG="$TMP/nope.json"
test_expect_success "... is named, not taken for a config without a study" 'grep -q "CONFIG: .*nope.json.: no such file to read" err'
test_expect_code 0 "make data needs no study (STUDY empty)" ws_make -n data STUDY= DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat"

for t in 0 abc -3 "2 3"; do
  test_expect_code 2 "TRIALS='$t' is refused" tone_sweep "t$t" TRIALS="$t"
  test_expect_success "... naming TRIALS, before anything ran" "
    grep -q \"TRIALS: expected a positive integer, got '$t'\" err && [ ! -e \"t$t\" ]"
done
test_expect_code 2 "STAGE_TRIALS=0 is refused" ws_make -n staged STAGE_TRIALS=0 STAGED_RUNS="$TMP/sx"
test_expect_success "... naming STAGE_TRIALS" 'grep -q "STAGE_TRIALS: expected a positive integer" err'

# make -n: were the check missing, nothing would run (runs/my would be made in the repository).
test_expect_code 2 "a STUDY with a space, naming the default RUNS, is refused" ws_make -n sweep STUDY="my study" CONFIG="$TMP/c.json"
test_expect_success "... naming STUDY" 'grep -q "STUDY: .my study. names the sweep.s folder" err && [ ! -s out ]'
test_expect_code 2 "a RUNS with a space is refused" tone_sweep "r s"
test_expect_success "... naming RUNS, before anything ran" 'grep -q "RUNS: .*r s.: make cannot use a path with a space" err && [ ! -e "r s" ] && [ ! -e r ]'
test_expect_code 2 "a RUNS with a ':' is refused" tone_sweep "r:s"
test_expect_code 2 "a DATA with a space is refused" ws_make -n features DATA="$TMP/a b/manifest.jsonl"
test_expect_success "... naming DATA" 'grep -q "DATA: .*a b/manifest.jsonl.: make cannot use" err'

# CONFIG, DB and STUDY are only handed to commands: quoted, anything goes.
mkdir -p "odd dir/it's"
cp c.json "odd dir/it's/c 1.json"
test_expect_success "CONFIG, DB and STUDY with a space and a ' work" '
  tone_sweep q CONFIG="$TMP/odd dir/it'\''s/c 1.json" DB="$TMP/odd dir/it'\''s/s 1.db" STUDY="bob'\''s study" >q.out 2>q.err &&
  [ "$(cat q/trial-*.json | jq -r .study | sort -u)" = "bob'\''s study" ] &&
  [ "$(sqlite3 "odd dir/it'\''s/s 1.db" "SELECT count(*) FROM trials WHERE state = \"COMPLETE\"")" = 2 ] &&
  [ "$(jq -r .study q/report.json)" = "bob'\''s study" ] && [ -s q/report.html ] ||
  { echo "trials: $(sqlite3 "odd dir/it'\''s/s 1.db" "SELECT number || \" \" || state FROM trials" | tr "\n" " ")"
    echo "sweep stderr: $(tail -c 250 q.err)"; false; } >&2'
printf '%s\n' "'runs/bob'\\''s/trial-000.json'" >want-target   # as the shell reads: runs/bob's/trial-000.json
test_expect_success "a STUDY with a ' and no space names the default RUNS, quoted" '
  ws_make -n sweep STUDY="bob'\''s" CONFIG="$TMP/c.json" >n.out 2>n.err && grep -qF -f want-target n.out'

# DATA: each corpus its own cache by default; the demo keeps features/demo.feat.
features_of() { ws_make --eval 'ws-print-features: ; @echo $(FEATURES)' ws-print-features "$@"; }
mkdir tones2 && cp tones/manifest.jsonl tones2/
test_expect_success "the demo corpus's cache is features/demo.feat" '
  [ "$(features_of)" = features/demo.feat ] && [ "$(features_of DATA=data/demo/)" = features/demo.feat ]'
test_expect_success "another corpus gets a cache of its own, named after it and its path" '
  a=$(features_of DATA="$TMP/tones/manifest.jsonl") && b=$(features_of DATA="$TMP/tones2/manifest.jsonl") &&
  [[ $a =~ ^features/manifest-[0-9a-f]{8}\.feat$ ]] && [[ $b =~ ^features/manifest-[0-9a-f]{8}\.feat$ ]] && [ "$a" != "$b" ] &&
  [ "$(features_of DATA="$TMP/tones/manifest.jsonl")" = "$a" ] && [[ $(features_of DATA="$TMP/tones/") =~ ^features/tones-[0-9a-f]{8}\.feat$ ]]'
# Both corpora exist before the cache is made: by time stamps alone the cache would look up to
# date for either.
head -n 40 tones/manifest.jsonl >tones/part.jsonl
clips() { "$WS_BIN/featurize" --describe "$1" | jq .clips; }
test_expect_success "make features of a corpus into FEATURES" '
  ws_make features DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/f.feat" >f1.out 2>f1.err && [ "$(clips f.feat)" = 48 ]'
test_expect_success "... again with another corpus (older than the cache) makes the cache again" '
  ws_make features DATA="$TMP/tones/part.jsonl" FEATURES="$TMP/f.feat" >f2.out 2>f2.err && [ "$(clips f.feat)" = 40 ]'
test_expect_success "... and then it is up to date" '
  ws_make features DATA="$TMP/tones/part.jsonl" FEATURES="$TMP/f.feat" >f3.out 2>f3.err && [ ! -s f3.out ] && [ "$(clips f.feat)" = 40 ]'
test_expect_success "... and the first corpus again makes it again" '
  ws_make features DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/f.feat" >f4.out 2>f4.err && [ "$(clips f.feat)" = 48 ]'

# THREADS=auto: the CPUs (SLURM_CPUS_PER_TASK=8 here, as in an allocation) over make's -j only;
# trials that share them grow to all of them when alone (train-trial --grow-threads).
threads_of() {  # RUNS [make args...]: the thread counts the trials printed, as THREADS/GROW
  local runs=$1; shift
  SLURM_CPUS_PER_TASK=8 make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" "$@" sweep DATA="$TMP/tones/manifest.jsonl" \
    FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=2 RUNS="$TMP/$runs" MONITOR_INTERVAL=0.2 >"$runs.out" 2>"$runs.err" &&
  sed -n 's/^trial-.*(\([0-9]*\) threads\(, \([0-9]*\) when alone\)\{0,1\})$/\1\/\3/p' "$runs.out" | sort -u | tr '\n' ' '
}
test_expect_success "make -j2: 8 / 2 threads per trial, 8 when alone" '[ "$(threads_of th2 -j2)" = "4/8 " ]'
test_expect_success "make -j1 with a -j2 in a variable's value (RUNS=.../th-j2): 8 threads" '[ "$(threads_of th-j2 -j1)" = "8/ " ]'
test_expect_success "make -j (no limit; 2 trials at once): 8 / 2 threads per trial, 8 when alone" '[ "$(threads_of thj -j)" = "4/8 " ]'
