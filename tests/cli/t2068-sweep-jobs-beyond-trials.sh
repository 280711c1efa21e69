#!/usr/bin/env bash
# make -jN with N above TRIALS: at most TRIALS trials run at once, but THREADS=auto gave each
# cores / N threads, leaving the rest idle (make -j8 sweep TRIALS=2 on 8 cores: 1 thread per
# trial, 6 cores idle while both ran). Now cores / min(N, TRIALS), as a bare make -j has cores /
# TRIALS. The CPUs are SLURM_CPUS_PER_TASK=8 here (as in an allocation; t0804 does the same).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-jobs 1
threads_of() {  # RUNS TRIALS [make args...]: the thread counts the trials printed, as THREADS/GROW
  local runs=$1 trials=$2; shift 2
  SLURM_CPUS_PER_TASK=8 make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" "$@" sweep DATA="$TMP/tones/manifest.jsonl" \
    FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS="$trials" RUNS="$TMP/$runs" MONITOR_INTERVAL=0.2 >"$runs.out" 2>"$runs.err" &&
  sed -n 's/^trial-.*(\([0-9]*\) threads\{0,1\}\(, \([0-9]*\) when alone\)\{0,1\})$/\1\/\3/p' "$runs.out" | sort -u | tr '\n' ' '
}
test_expect_success "make -j8, TRIALS=2: 8 / 2 threads per trial, 8 when alone" '[ "$(threads_of j8t2 2 -j8)" = "4/8 " ]'
test_expect_success "make -j3, TRIALS=2: the same" '[ "$(threads_of j3t2 2 -j3)" = "4/8 " ]'
test_expect_success "make -j8, TRIALS=1: the trial on all 8" '[ "$(threads_of j8t1 1 -j8)" = "8/ " ]'
# N at or below TRIALS keeps cores / N
test_expect_success "make -j2, TRIALS=3: 8 / 2 threads per trial, 8 when alone" '[ "$(threads_of j2t3 3 -j2)" = "4/8 " ]'
