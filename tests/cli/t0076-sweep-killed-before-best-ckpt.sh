#!/usr/bin/env bash
# A sweep killed (kill -9 of make and its children) after its best trial finished in the study
# but before train-trial copied that trial's weights to best.ckpt. The next make sweep finds
# the trial finished (suggest --unless-done) and rebuilds its file from the study
# (train-trial --result-of), training nothing: best.ckpt must still end up the study's best
# trial's weights, as pipelines/sweep.mk and README promise of best.ckpt. Before, only a
# later trial's train-trial copied them; where no trial came after (the last one, here the
# only one), best.ckpt stayed missing (or an earlier trial's) for good. The moment is made
# exact by an LD_PRELOAD shim: train-trial's flock on RUNS/.best.lock (taken to copy
# best.ckpt, after the trial is finished) kills the sweep's whole process group instead.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
cat >kill.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
/* flock(2) on a file named .best.lock: the process group is killed (kill -9 of the sweep) */
int flock(int fd, int op)
{
    static int (*real)(int, int);
    if (!real) real = (int (*)(int, int))dlsym(RTLD_NEXT, "flock");
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n > 0) {
        path[n] = 0;
        size_t len = (size_t)n, k = strlen("/.best.lock");
        if (len >= k && !strcmp(path + len - k, "/.best.lock")) kill(0, SIGKILL);
    }
    return real(fd, op);
}
C
build_shim "a sweep killed before best.ckpt" kill.c kill.so || exit 0
asan=$(asan_lib train-trial)
make_tone_cache tones
tone_sweep_config c.json tones-best-kill 2
# The sweep in a process group of its own (kill(0) in the shim kills it, not this test).
test_expect_success "a sweep killed as its only trial's train-trial goes to copy best.ckpt" '
  setsid bash -c "$(declare -f ws_make tone_sweep); TMP=$TMP WS_ROOT=$WS_ROOT WS_BUILD=$WS_BUILD WS_BIN=$WS_BIN \
    LD_PRELOAD=\"$asan${asan:+ }$TMP/kill.so\" tone_sweep r TRIALS=1" >k.out 2>&1 </dev/null;
  [ "$(sqlite3 r/study.db "SELECT state FROM trials WHERE number = 0")" = COMPLETE ] && [ -s r/trial-0.ckpt ] &&
  [ ! -e r/trial-000.json ] && [ ! -e r/best.ckpt ]'
test_expect_success "the next make sweep ends 0, training nothing again" '
  tone_sweep r TRIALS=1 >r2.out 2>r2.err && [ "$(jq .trial r/trial-000.json)" = 0 ] &&
  [ "$(sqlite3 r/study.db "SELECT count(*) FROM trials")" = 1 ]'
test_expect_success "... and best.ckpt holds the best trial's weights" '[ -e r/best.ckpt ] && cmp -s r/best.ckpt r/trial-0.ckpt'
test_expect_success "... which train-trial --evaluate loads, naming trial 0" '
  train-trial --evaluate r/best.ckpt --features tones.feat >ev.out 2>ev.err && [ "$(jq .trial.number ev.out)" = 0 ]'
