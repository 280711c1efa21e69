#!/usr/bin/env bash
# Bad values of the pipelines' variables that t0804 and t0807 do not cover, each refused when make
# reads the makefiles (exit 2, a message naming the variable), before anything runs: no
# features made, no folder, no trial claimed in a study.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-bad 1
jq '.study = "tones-bad-1"' c.json >s1.json
jq '.study = "tones-bad-2"' c.json >s2.json
# A feature cache of its own per case (FEATURES=$TMP/NAME.feat, not there): made, it would show
# that make went on to work.
sweep() {  # NAME [make args...]
  local name=$1; shift
  ws_make -j2 sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/$name.feat" CONFIG="$TMP/c.json" TRIALS=2 \
    RUNS="$TMP/$name" MONITOR_INTERVAL=0.2 "$@"
}
staged() {  # NAME [make args...]
  local name=$1; shift
  ws_make -j2 staged DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/$name.feat" STAGE1="$TMP/s1.json" STAGE2="$TMP/s2.json" \
    STAGE_TRIALS=1 STAGED_RUNS="$TMP/$name" MONITOR_INTERVAL=0.2 "$@"
}
untouched() { [ ! -e "$1" ] && [ ! -e "$1.feat" ]; }

# DEVICE: train-trial alone refused it, after the features were made and each job slot's suggest
# had claimed a trial, left RUNNING in the study.
for d in bogus gpu ''; do
  test_expect_code 2 "make sweep DEVICE='$d' is refused" sweep "dev$d" DEVICE="$d"
  test_expect_success "... naming DEVICE, before anything ran" "
    grep -q \"DEVICE: expected auto, cpu or cuda, got '$d'\" err && untouched dev$d"
done
test_expect_code 2 "make staged DEVICE=bogus is refused" staged stdev DEVICE=bogus
test_expect_success "... naming DEVICE, before anything ran" '
  grep -q "DEVICE: expected auto, cpu or cuda, got .bogus." err && untouched stdev'
test_expect_code 0 "make sweep DEVICE=cpu runs" sweep devcpu DEVICE=cpu
test_expect_success "... both trials" '[ "$(cat devcpu/trial-*.json | jq -r .state | sort | uniq -c | tr -s " ")" = " 2 COMPLETE" ]'

# STUDY names the default RUNS, runs/STUDY: one with a '.' or '..' part or a '/' at an end or
# doubled is not a folder of its own there. ".." put the trial files and study.db in the
# checkout's root; "." and "/" in runs/ itself; "a/", "./a" and "a//b" in the folder of study
# "a" (or "a/b"), whose trial files the sweep took as its own and ran nothing. make -n: were the
# check missing, nothing would run (and the recipe would name the folder). A '/' inside is a folder
# of its own (runs/a/b): it goes.
for s in .. ../up . / a/ ./a a//b a/../b /abs; do
  test_expect_code 2 "STUDY='$s' naming the default RUNS is refused" ws_make -n sweep STUDY="$s" CONFIG="$TMP/c.json"
  test_expect_success "... naming STUDY" "[ ! -s out ] && grep -qF \"STUDY: '$s' names the sweep's folder (RUNS=runs/STUDY), and runs/$s is not a folder of its own there\" err"
done
test_expect_code 0 "STUDY='a/b' makes runs/a/b" ws_make -n sweep STUDY=a/b CONFIG="$TMP/c.json"
test_expect_success "... there" 'grep -qF "'\''runs/a/b/trial-000.json'\''" out'
test_expect_code 0 "STUDY='..' with RUNS given goes (it only names the study)" ws_make -n sweep STUDY=.. RUNS="$TMP/dots" CONFIG="$TMP/c.json"

# DB in a folder that is not there: suggest refused it only once each job slot had started a
# trial, after the features were made, RUNS and its monitor started. make sweep makes RUNS and
# the folders above it (make staged's STAGED_RUNS/study.db): a DB there goes.
test_expect_code 2 "make sweep DB=NOFOLDER/s.db is refused" sweep dbmiss DB="$TMP/nodir/s.db"
test_expect_success "... naming DB and the folder, before anything ran" '
  grep -qF "DB: '\''$TMP/nodir/s.db'\'': folder '\''$TMP/nodir'\'' does not exist" err && untouched dbmiss && [ ! -e nodir ]'
test_expect_code 2 "... as sqlite:///NOFOLDER/s.db" sweep dbmiss DB="sqlite:///$TMP/nodir/s.db"
test_expect_success "... naming it" 'grep -qF "DB: '\''sqlite:///$TMP/nodir/s.db'\'': folder '\''$TMP/nodir'\'' does not exist" err && untouched dbmiss'
test_expect_code 2 "make sweep DB= (empty) is refused" sweep dbempty DB=
test_expect_success "... naming DB" 'grep -qF "DB: '\'''\'': empty path" err && untouched dbempty'
mkdir adir
test_expect_code 2 "make sweep DB=FOLDER is refused" sweep dbdir DB="$TMP/adir"
test_expect_success "... naming DB" 'grep -qF "DB: '\''$TMP/adir'\'' is a folder" err && untouched dbdir'
test_expect_code 0 "a DB in RUNS's folder, or one above it, not there yet, goes" \
  ws_make -n sweep CONFIG="$TMP/c.json" RUNS="$TMP/up/r" DB="$TMP/up/s.db" FEATURES="$TMP/tones.feat" DATA="$TMP/tones/manifest.jsonl"
# A PostgreSQL server that does not answer: each trial's suggest waited WS_DB_RETRY_S (60 s) and
# failed, which the sweep took for a trial that could not start this time; it went on to the
# next, 20 trials 10 minutes under -j2, then to the report, which failed the same way. Now make
# waits for it once (as every tool does: 1 s here), before anything runs. tests/cluster/t0204:
# a server that answers, with or without a study.
pg_sweep() { WS_DB_RETRY_S=1 sweep pg DB="postgresql://me:pw@/db?host=$TMP/nosock"; }
test_expect_code 2 "make sweep with a PostgreSQL DB whose server does not answer is refused" pg_sweep
test_expect_success "... naming DB (its password left out) and the wait, before anything ran" '
  grep -qF "DB: postgresql://me@/db?host=$TMP/nosock: the database server did not answer within 1 s: connection to server on socket" err &&
  ! grep -q pw err && untouched pg'
test_expect_code 0 "make staged of a STAGED_RUNS not there yet runs (its study.db above the stages' RUNS)" staged stnew
test_expect_success "... both stages" '[ "$(sqlite3 stnew/study.db "SELECT count(*) FROM trials WHERE state = \"COMPLETE\"")" = 2 ]'

# LAUNCH whose command is not there: each trial failed with "command not found" (127), which the
# sweep takes for a launcher that could not start that trial this time: it went on to the report,
# and with a study there already ended with exit status 0, no trial run.
test_expect_code 2 "make sweep LAUNCH with no such command is refused" sweep ln LAUNCH="nosuchlauncher -N1"
test_expect_success "... naming LAUNCH, before anything ran" '
  grep -qF "LAUNCH: '\''nosuchlauncher -N1'\'': no command '\''nosuchlauncher'\'' to run" err && untouched ln'
test_expect_code 2 "... also after NAME=VALUE words, on a sweep that has a study already" \
  sweep devcpu TRIALS=3 LAUNCH="X=1 $TMP/no-launch.sh"
test_expect_success "... naming LAUNCH, nothing run" '
  grep -qF "no command '\''$TMP/no-launch.sh'\'' to run" err && [ "$(ls devcpu/trial-*.json | wc -l)" = 2 ] &&
  [ "$(sqlite3 devcpu/study.db "SELECT count(*) FROM trials")" = 2 ]'
test_expect_code 2 "make staged LAUNCH with no such command is refused" staged stln LAUNCH=nosuchlauncher
test_expect_success "... naming LAUNCH, before anything ran" 'grep -qF "LAUNCH: '\''nosuchlauncher'\''" err && untouched stln'
test_expect_code 0 "a LAUNCH that is there runs (env X=1)" sweep lenv LAUNCH="X=1 env Y=2"
test_expect_success "... both trials" '[ "$(cat lenv/trial-*.json | jq -r .state | sort | uniq -c | tr -s " ")" = " 2 COMPLETE" ]'

# A CONFIG that suggest refuses (a space of low > high, not JSON): found only by each job slot's
# suggest, after the features were made, RUNS and a study file; a STAGE2 so made stopped make
# staged after the whole of stage 1. Now suggest's own message, before anything runs; with the
# default RUNS, a config that is not JSON names no study, and the message says it may be that.
jq '.space.learning_rate.low = 1' c.json >badspace.json
echo 'not json' >notjson.json
test_expect_code 2 "make sweep with a CONFIG whose space suggest refuses" sweep cfsp CONFIG="$TMP/badspace.json"
test_expect_success "... naming CONFIG and suggest's reason, before anything ran" '
  grep -qF "CONFIG: '\''$TMP/badspace.json'\'': $TMP/badspace.json: space.learning_rate: low must be <= high (got 1 > 0.02)" err && untouched cfsp'
test_expect_code 2 "make sweep with a CONFIG that is not JSON" sweep cfnj CONFIG="$TMP/notjson.json"
test_expect_success "... says so, before anything ran" 'grep -qF "CONFIG: '\''$TMP/notjson.json'\'': $TMP/notjson.json:1:" err && untouched cfnj'
test_expect_code 2 "... with the default RUNS" ws_make -n sweep CONFIG="$TMP/notjson.json"
test_expect_success "... says it names no study, or is not JSON" 'grep -qF "STUDY: empty: CONFIG names no study (no \"study\" in it, or not JSON" err'
jq '.study = "tones-bad-2" | .space.learning_rate.low = 1' c.json >s2bad.json
test_expect_code 2 "make staged with a STAGE2 whose space suggest refuses" staged stcf STAGE2="$TMP/s2bad.json"
test_expect_success "... naming STAGE2, before stage 1 ran" '
  grep -qF "STAGE2: '\''$TMP/s2bad.json'\'': $TMP/s2bad.json: space.learning_rate: low must be <= high" err && untouched stcf'

# THREADS: train-trial alone refused it, as DEVICE (the trials left RUNNING in the study).
for t in abc 0 1025 -2; do
  test_expect_code 2 "make sweep THREADS='$t' is refused" sweep "th$t" THREADS="$t"
  test_expect_success "... naming THREADS, before anything ran" "
    grep -q \"THREADS: expected auto or an integer in \[1, 1024\] (threads per trial), got '$t'\" err && untouched th$t"
done
test_expect_code 2 "make staged THREADS=0 is refused" staged stth THREADS=0
test_expect_success "... naming THREADS, before anything ran" 'grep -q "THREADS: expected auto or an integer" err && untouched stth'
test_expect_code 0 "make sweep THREADS=1 runs" sweep th1 THREADS=1
test_expect_success "... on 1 thread, said so (not \"1 threads\")" 'grep -q "(1 thread)$" out'

# MONITOR_INTERVAL: gpu-monitor refused it into RUNS/monitor.err, and the sweep ran unmonitored
# with exit status 0.
for m in abc 0 -1 0.001 ''; do
  test_expect_code 2 "make sweep MONITOR_INTERVAL='$m' is refused" sweep "mi$m" MONITOR_INTERVAL="$m"
  test_expect_success "... naming MONITOR_INTERVAL, before anything ran" "
    grep -q \"MONITOR_INTERVAL: expected seconds in \[0.01, 86400\] (gpu-monitor's interval), got '$m'\" err && untouched mi$m"
done
test_expect_code 2 "make staged MONITOR_INTERVAL=0 is refused" staged stmi MONITOR_INTERVAL=0
test_expect_success "... naming MONITOR_INTERVAL, before anything ran" 'grep -q "MONITOR_INTERVAL: expected seconds" err && untouched stmi'

# DATA (other than the demo corpus) and FEATURE_CONFIG that are not there: make found DATA's
# absence only when it came to it, with RUNS already made by then (-j2), and FEATURE_CONFIG's as
# "No rule to make target", naming no variable.
test_expect_code 2 "make sweep with a DATA that is not there" sweep nodata DATA="$TMP/nodata/m.jsonl"
test_expect_success "... naming DATA, before anything ran" '
  grep -qF "DATA: '\''$TMP/nodata/m.jsonl'\'': no such corpus" err && untouched nodata'
test_expect_code 2 "make features with a DATA that is not there" ws_make features DATA="$TMP/nodata/m.jsonl" FEATURES="$TMP/nodataf.feat"
test_expect_success "... naming DATA" 'grep -qF "DATA: '\''$TMP/nodata/m.jsonl'\'': no such corpus" err && [ ! -e nodataf.feat ]'
test_expect_code 2 "make sweep with a FEATURE_CONFIG that is not there" sweep nofc FEATURE_CONFIG="$TMP/nofc.json"
test_expect_success "... naming FEATURE_CONFIG, before anything ran" '
  grep -qF "FEATURE_CONFIG: '\''$TMP/nofc.json'\'': no such file to read" err && untouched nofc'

# pipelines/slurm-array.sh checked TRIALS alone before it submitted the array: any other bad
# variable failed every task. It runs make sweep-check (the checks only) first.
test_expect_code 2 "slurm-array.sh with DEVICE=bogus stops before it submits anything" \
  env PATH="$WS_BIN:$PATH" bash "$WS_ROOT/pipelines/slurm-array.sh" BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/tones/manifest.jsonl" \
  FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=2 RUNS="$TMP/slurm" DEVICE=bogus
test_expect_success "... naming DEVICE, nothing made" 'grep -q "DEVICE: expected auto, cpu or cuda, got .bogus." err && [ ! -e slurm ]'
test_expect_code 0 "make sweep-check with good variables does nothing" ws_make sweep-check CONFIG="$TMP/c.json" RUNS="$TMP/chk"
test_expect_success "... (no output, no folder)" '[ ! -s out ] && [ ! -e chk ]'

# A path with a leading ~ (RUNS='~/runs', quoted, so no shell expanded it): make expands a leading ~
# in a target's name to the home folder, the recipes' commands (quoted) do not. make sweep made
# a folder named ~ in the checkout (mkdir -p '~/runs'), then failed to touch HOME/runs/.dir; a
# FEATURES so was written to ./~/f.feat while make looked for HOME/f.feat. Refused, with make -n
# (nothing runs either way) and a HOME of the test's own.
mkdir home
test_expect_code 2 "make -n sweep RUNS='~/runs' is refused" env HOME="$TMP/home" make -s -n -C "$WS_ROOT" BUILD="$WS_BUILD" \
  BIN="$WS_BIN" sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 RUNS='~/runs'
test_expect_success "... naming RUNS and the ~" 'grep -qF "RUNS: '\''~/runs'\'': make reads a leading ~" err'
test_expect_code 2 "make -n features FEATURES='~/f.feat' is refused" env HOME="$TMP/home" make -s -n -C "$WS_ROOT" BUILD="$WS_BUILD" \
  BIN="$WS_BIN" features DATA="$TMP/tones/manifest.jsonl" FEATURES='~/f.feat'
test_expect_success "... naming FEATURES" 'grep -qF "FEATURES: '\''~/f.feat'\'': make reads a leading ~" err'
test_expect_code 0 "a ~ elsewhere in RUNS is no home folder, and is taken (make -n)" env HOME="$TMP/home" make -s -n -C "$WS_ROOT" \
  BUILD="$WS_BUILD" BIN="$WS_BIN" sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 RUNS="$TMP/a~b"
