#!/usr/bin/env bash
# featurize puts each noise stream aside in a file of no name beside the cache (O_TMPFILE; 8bdf2aa).
# Where the filesystem has no O_TMPFILE, it makes a named temporary and unlinks it at once; that
# one was named CACHE.tmp.HOST-PID.XXXXXX.noise.XXXXXX, which the clean-up of a killed writer's
# temporaries (ws_atomic_reap, at the next featurize of the cache) does not take: a featurize
# killed before the unlink left it for good. It is now named as the cache's own temporary is,
# CACHE.tmp.HOST-PID.XXXXXX. An LD_PRELOAD shim refuses O_TMPFILE (as such a filesystem does),
# and, with WS_KILL_AT_UNLINK set, kills the process (SIGKILL, no handler) at that unlink.
. "$WS_ROOT/tests/cli/lib.sh"
cat >notmp.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int open(const char *path, int flags, ...)
{
    static int (*real)(const char *, int, ...);
    if (!real) real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
    mode_t mode = 0;
    if (flags & (O_CREAT | __O_TMPFILE)) { va_list ap; va_start(ap, flags); mode = va_arg(ap, mode_t); va_end(ap); }
    if ((flags & __O_TMPFILE) == __O_TMPFILE) { errno = EOPNOTSUPP; return -1; }
    return real(path, flags, mode);
}
int open64(const char *path, int flags, ...) __attribute__((alias("open")));
int unlink(const char *path)
{
    static int (*real)(const char *);
    if (!real) real = (int (*)(const char *))dlsym(RTLD_NEXT, "unlink");
    if (getenv("WS_KILL_AT_UNLINK") && strstr(path, ".feat.tmp.")) kill(getpid(), SIGKILL);
    return real(path);
}
C
build_shim "a filesystem without O_TMPFILE" notmp.c notmp.so || exit 0
asan=$(asan_lib featurize)
pre="$asan${asan:+ }$PWD/notmp.so"
mkdir -p c/yes c/no c/_background_noise_ o
sox -R -n -r 16000 -c 1 -b 16 c/yes/a.wav synth 0.5 sine 700
sox -R -n -r 16000 -c 1 -b 16 c/no/a.wav synth 0.5 sine 300
sox -R -n -r 16000 -c 1 -b 16 c/_background_noise_/n1.wav synth 2 whitenoise vol 0.3
sox -R -n -r 16000 -c 1 -b 16 c/_background_noise_/n2.wav synth 3 sine 440 vol 0.4
test_expect_code 0 "featurize with O_TMPFILE" featurize -q -j 2 -o o/a.feat c
test_expect_code 0 "... and without (the named temporary)" env LD_PRELOAD="$pre" featurize -q -j 2 -o o/b.feat c
test_expect_success "... the same cache, no temporary left" 'cmp o/a.feat o/b.feat && [ "$(ls -A o | grep -c "\.tmp\.")" = 0 ]'
test_expect_code 137 "a featurize killed as it unlinks the noise streams' temporary" \
  sh -c 'env LD_PRELOAD="$1" WS_KILL_AT_UNLINK=1 featurize -q -j 1 -o o/k.feat c; rc=$?; exit $rc' _ "$pre"
test_expect_success "... left temporaries beside the cache (the cache's and the streams')" \
  '[ "$(ls -A o | grep -c "^k\.feat\.tmp\.")" = 2 ]'
test_expect_code 0 "featurize of that cache again" featurize -q -o o/k.feat c
test_expect_success "... removes both (the streams' was left for good)" '
  ls -A o >&2; [ "$(ls -A o | grep -c "\.tmp\.")" = 0 ] && cmp o/a.feat o/k.feat'
