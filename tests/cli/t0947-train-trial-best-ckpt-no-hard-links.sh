#!/usr/bin/env bash
# best.ckpt on a file system without hard links (link() fails: EPERM, as on vfat or some network
# and FUSE file systems) and without renameat2's RENAME_EXCHANGE (EINVAL). The first trial that
# finishes makes best.ckpt where there is none: that copy was put in place by link() alone (so that
# one put there meanwhile is not replaced), and where link() failed the trial said
# 'runs/best.ckpt: cannot write: Operation not permitted' and no best.ckpt was ever made; a better
# trial later went through the exchange's fallback (a rename over it) and made it. Now where the
# file system has no hard links the copy is renamed into place, as before the exchange. An
# LD_PRELOAD shim makes link() fail with EPERM and renameat2(RENAME_EXCHANGE) with EINVAL.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
cat >nolink.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int link(const char *from, const char *to) { errno = EPERM; return -1; }
int linkat(int fd1, const char *from, int fd2, const char *to, int flags) { errno = EPERM; return -1; }
int renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned flags)
{
    static int (*real)(int, const char *, int, const char *, unsigned);
    if (!real) real = (int (*)(int, const char *, int, const char *, unsigned))dlsym(RTLD_NEXT, "renameat2");
    if (flags & (RENAME_EXCHANGE | RENAME_NOREPLACE)) { errno = EINVAL; return -1; }
    return real(fromfd, from, tofd, to, flags);
}
C
build_shim "best.ckpt on a file system without hard links or exchange" nolink.c nolink.so || exit 0
asan=$(asan_lib train-trial)
nolink() { env LD_PRELOAD="$asan${asan:+ }$PWD/nolink.so" timeout 60 "$WS_BIN/train-trial" "$@"; }

tone_trial
jq '.budget.epochs = 1 | .space.learning_rate.low = 0.0001 | .space.learning_rate.high = 0.0002' c.json >worse.json
rm -rf runs && mkdir runs && suggest --db runs/s.db --config worse.json >line0
test_expect_code 0 "no hard links, no best.ckpt yet: the first trial" \
  nolink --db runs/s.db --features tones.feat --threads 1 --quiet line0
test_expect_success "... completes without a warning about best.ckpt" \
  'jq -e ".state == \"COMPLETE\"" out && ! grep -q best.ckpt err'
test_expect_success "... makes best.ckpt, its weights" 'cmp runs/best.ckpt runs/trial-0.ckpt'
test_expect_success "... no temporary left" '! ls -A runs | grep -q "\.tmp\."'

suggest --db runs/s.db --config c.json --force >line1
test_expect_code 0 "a better trial 1 (renamed over best.ckpt: no exchange)" \
  nolink --db runs/s.db --features tones.feat --threads 1 --quiet line1
test_expect_success "... the study's best, best.ckpt its weights, no temporary left" \
  '[ "$(report --db runs/s.db --best | jq .trial)" = 1 ] && cmp runs/best.ckpt runs/trial-1.ckpt && ! ls -A runs | grep -q "\.tmp\."'

suggest --db runs/s.db --config worse.json --force >line2
test_expect_code 0 "a worse trial 2" nolink --db runs/s.db --features tones.feat --threads 1 --quiet line2
test_expect_success "... leaves best.ckpt trial 1's" \
  '[ "$(report --db runs/s.db --best | jq .trial)" = 1 ] && cmp runs/best.ckpt runs/trial-1.ckpt && ! ls -A runs | grep -q "\.tmp\."'
