#!/usr/bin/env bash
# SQLite's HAS_MOVED says a study file moved when a stat of its path fails for any reason, and
# train-trial stops a trial whose study file moved (exit 3, t4043), which stops a sweep (trial.sh).
# A stat that fails for a moment with the file in place (ESTALE or EACCES on NFS, where Slurm
# sweeps keep their study) stopped a healthy trial so. Now only a path that names no file
# (ENOENT, ENOTDIR) or another file is taken for moved: here, a shim makes every stat of runs/s.db
# fail with ESTALE for 1.5 s while the trial trains, validating and beating every 0.2 s.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
cat >stale.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
/* a stat of a path ending in runs/s.db fails with ESTALE while the file $STALE_FLAG is there */
static int stale(const char *p)
{
    const char *flag = getenv("STALE_FLAG");
    size_t n = strlen(p);
    return flag && n >= 9 && !strcmp(p + n - 9, "runs/s.db") && access(flag, F_OK) == 0;
}
int stat(const char *p, struct stat *b)
{
    static int (*real)(const char *, struct stat *);
    if (!real) real = (int (*)(const char *, struct stat *))dlsym(RTLD_NEXT, "stat");
    if (stale(p)) { errno = ESTALE; return -1; }
    return real(p, b);
}
int stat64(const char *p, struct stat64 *b)
{
    static int (*real)(const char *, struct stat64 *);
    if (!real) real = (int (*)(const char *, struct stat64 *))dlsym(RTLD_NEXT, "stat64");
    if (stale(p)) { errno = ESTALE; return -1; }
    return real(p, b);
}
C
build_shim "stat fails for a moment" stale.c stale.so || exit 0
asan=$(asan_lib train-trial) || asan=
make_tone_cache tones
tone_study_config c.json
jq '.budget.epochs = 100000 | .fixed.validate_every = 1 | .heartbeat = {"interval_seconds": 0.2, "grace_seconds": 60}' \
  c.json >fast.json
mkdir -p runs
suggest --db runs/s.db --config fast.json >line
STALE_FLAG=$TMP/stale.flag LD_PRELOAD="$asan${asan:+ }$TMP/stale.so" \
  train-trial --db runs/s.db --features tones.feat --threads 1 --quiet --max-seconds 6 line >out 2>err & pid=$!
sleep 1
: >stale.flag
sleep 1.5
rm stale.flag
trc=0; wait "$pid" || trc=$?
test_expect_success "stat of the study failing for 1.5 s (ESTALE), the file in place: the trial trains on to its time limit" '
  cat err >&2; echo "exit $trc" >&2
  [ "$trc" = 0 ] && ! grep -q "deleted or replaced" err && [ "$(jq -r .state out)" = FAIL ] &&
  jq -r .reason out | grep -q "time limit"'
test_expect_success "... its result is in the study" '
  [ "$(sqlite3 runs/s.db "SELECT state FROM trials WHERE number = 0")" = FAIL ] &&
  [ "$(sqlite3 runs/s.db "SELECT count(*) FROM trial_intermediate_values")" -gt 2 ]'
