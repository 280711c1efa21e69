#!/usr/bin/env bash
# train-trial stops a trial whose study file is deleted or replaced while it trains (t4043): its
# heartbeat checks its own connection. The heartbeat and the grow watch (--grow-threads) each open
# that connection by path, in a thread of their own, after the trainer's connection: a file
# renamed over the study in between (during the trainer's setup) was the one they opened. The
# heartbeat then beat into the new file (its row of the trial's trial_id), its file never moved,
# and only the trainer's next validation noticed; either of them took the study's -wal, still at
# that name, for the new file's. Now a thread whose path names another file than the trainer's
# opens nothing there, and the trainer stops at its next batch. A shim renames the other study
# over runs/s.db at the first stat of that path in the Nth of the trainer's threads to look at it,
# and logs each open of the path after that.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
cat >swap.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
static int done;
static int study(const char *p)
{
    size_t n = strlen(p);
    return n >= 9 && !strcmp(p + n - 9, "runs/s.db");
}
/* The SWAP_AT-th thread other than the main one to stat the study (SWAP_ON=open: to open it)
 * renames $SWAP_FROM over it first, once. SWAP_AT=0: the main thread, at its first stat of the
 * study by its full path (as SQLite names it: the trainer's look at its file once claimed). */
static void swap(const char *p, const char *call)
{
    static __thread int seen;
    static int threads;
    const char *on = getenv("SWAP_ON") ? getenv("SWAP_ON") : "stat";
    int at = atoi(getenv("SWAP_AT")), main_thread = syscall(SYS_gettid) == getpid();
    if (!study(p) || strcmp(call, on) || seen || __atomic_load_n(&done, __ATOMIC_SEQ_CST)) return;
    if (at == 0 && (!main_thread || p[0] != '/')) return;
    if (at > 0 && main_thread) return;
    seen = 1;
    if (at > 0 && __atomic_add_fetch(&threads, 1, __ATOMIC_SEQ_CST) != at) return;
    if (rename(getenv("SWAP_FROM"), p)) perror("swap.so: rename");
    __atomic_store_n(&done, 1, __ATOMIC_SEQ_CST);
}
/* Whether this thread's first look at the study (the heartbeat's or grow watch's check of the
 * path, ticker.c) came after the swap: 1 after, -1 before, 0 none yet. A thread that looked
 * before and opens after has raced the swap, and opens the other file: that open is checked
 * once SQLite has the file, before its first read (the "as the heartbeat opens" case below), and
 * is not logged: with two threads, the first one's look and open could straddle the second's
 * swap on a loaded machine, and this test failed about once in six runs beside CPU hogs. */
static __thread int first_look;
static void looked(const char *p)
{
    if (study(p) && !first_look) first_look = __atomic_load_n(&done, __ATOMIC_SEQ_CST) ? 1 : -1;
}
/* an open of the study after the swap, by the main thread or by a thread that first looked at
 * the path after it: into $SWAP_LOG */
static void opened(const char *p)
{
    int main_thread = syscall(SYS_gettid) == getpid();
    if (!study(p) || !__atomic_load_n(&done, __ATOMIC_SEQ_CST) || (!main_thread && first_look != 1)) return;
    FILE *log = fopen(getenv("SWAP_LOG"), "a");
    if (log) fprintf(log, "%s opened by %s\n", p, main_thread ? "the main thread" : "another thread");
    if (log) fclose(log);
}
#define OPEN(name)                                                                  \
    int name(const char *p, int flags, ...)                                         \
    {                                                                               \
        static int (*real)(const char *, int, ...);                                 \
        if (!real) real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, #name); \
        va_list ap;                                                                 \
        va_start(ap, flags);                                                        \
        mode_t mode = (flags & O_CREAT) ? va_arg(ap, mode_t) : 0;                   \
        va_end(ap);                                                                 \
        swap(p, "open");                                                            \
        opened(p);                                                                  \
        return real(p, flags, mode);                                                \
    }
OPEN(open)
OPEN(open64)
int stat(const char *p, struct stat *b)
{
    static int (*real)(const char *, struct stat *);
    if (!real) real = (int (*)(const char *, struct stat *))dlsym(RTLD_NEXT, "stat");
    swap(p, "stat");
    looked(p);
    return real(p, b);
}
int stat64(const char *p, struct stat64 *b)
{
    static int (*real)(const char *, struct stat64 *);
    if (!real) real = (int (*)(const char *, struct stat64 *))dlsym(RTLD_NEXT, "stat64");
    swap(p, "stat");
    looked(p);
    return real(p, b);
}
C
build_shim "study replaced before the heartbeat opens it" swap.c swap.so || exit 0
asan=$(asan_lib train-trial) || asan=
make_tone_cache tones
tone_study_config c.json
# no validation before the 20 s time limit: only a heartbeat (every 0.2 s) can notice in time
jq '.budget.epochs = 100000 | .fixed.validate_every = 100000 | .heartbeat = {"interval_seconds": 0.2, "grace_seconds": 60}' \
  c.json >rare.json
# the study renamed over: Optuna's journal mode (DELETE), so that a connection's switch to WAL shows
mkdir other
suggest --db other/o.db --config c.json --n 2 >/dev/null
sqlite3 other/o.db "PRAGMA journal_mode = DELETE" >/dev/null
cp other/o.db other/o.orig

# run N [open] ARGS...: the trial trained, other/o.db renamed over its study at the first stat (or
# open) of it in its Nth thread; sets trc (the exit status) and secs (how long it ran).
run() {
  local at=$1 on=stat; shift
  [ "${1-}" != open ] || { on=open; shift; }
  rm -rf runs opens && mkdir runs
  cp other/o.orig runs/new.db
  suggest --db runs/s.db --config rare.json >line
  local t0=$SECONDS
  trc=0
  SWAP_AT=$at SWAP_ON=$on SWAP_FROM=$TMP/runs/new.db SWAP_LOG=$TMP/opens LD_PRELOAD="$asan${asan:+ }$TMP/swap.so" \
    train-trial --db runs/s.db --features tones.feat --threads 1 --quiet --max-seconds 20 "$@" line >out 2>err || trc=$?
  secs=$((SECONDS - t0))
}

# stopped_said: the run ended with exit 3 within seconds (not at its 20 s limit), no result line,
# and the message that the study file was deleted or replaced
stopped_said() {
  cat err >&2
  echo "exit $trc, $secs s" >&2
  [ "$trc" = 3 ] && [ "$secs" -lt 12 ] && [ ! -s out ] &&
    grep -q "^train-trial: runs/s.db: the file was deleted or replaced while trial 0 of study .* trained: its result is not stored" err
}

run 1
test_expect_success "replaced before the heartbeat's connection: exit 3 within seconds, not at the time limit, said" '
  stopped_said'
test_expect_success "... the study renamed over it is not opened, and left as it was: no beat" '
  { [ ! -e opens ] || { cat opens >&2; false; }; } && [ ! -e runs/new.db ] && cmp runs/s.db other/o.orig'

# --grow-threads: a grow watch besides the heartbeat; the file replaced before the later of them
run 2 --grow-threads 2
test_expect_success "replaced before the second thread's connection (--grow-threads): exit 3 within seconds, said" '
  stopped_said'
test_expect_success "... the study renamed over it is not opened, and left as it was" '
  { [ ! -e opens ] || { cat opens >&2; false; }; } && [ ! -e runs/new.db ] && cmp runs/s.db other/o.orig'

# Renamed over in the moment between the heartbeat's look at the path and its open: it is that
# file's connection, which its own moved check cannot tell; checked again after the open.
run 1 open
test_expect_success "replaced as the heartbeat opens its connection: exit 3 within seconds, said" '
  stopped_said'
test_expect_success "... no beat in the study renamed over it" '
  [ ! -e runs/new.db ] && [ "$(sqlite3 runs/s.db "SELECT * FROM trial_heartbeats")" = "$(sqlite3 other/o.orig "SELECT * FROM trial_heartbeats")" ]'
# ... and its connection to that file made no change there: the open switched it to WAL and read
# the trainer's -wal and -shm, still at that name, as its own, and its close checkpointed the
# trainer's frames into it; now the file is checked between SQLite's open
# and its first read
test_expect_success "... the study renamed over it is left as it was, byte for byte" '
  cmp runs/s.db other/o.orig || { ls -l runs >&2; false; }'

# Renamed over while the trainer claimed the trial, before it looked at its file: found moved
# then, and its threads were told of no file, so each opened whatever the path named, the other
# study, taking the trainer's -wal and -shm for its own; now they open nothing there.
run 0
test_expect_success "replaced before the trainer looks at its file: exit 3 within seconds, said" '
  stopped_said'
test_expect_success "... the study renamed over it is not opened by the heartbeat, and left as it was" '
  { ! grep -q "another thread" opens 2>/dev/null || { cat opens >&2; false; }; } && [ ! -e runs/new.db ] &&
  cmp runs/s.db other/o.orig'

