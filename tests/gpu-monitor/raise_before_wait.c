/* raise_before_wait.c — a test-only LD_PRELOAD library for gpu-monitor's stop on a signal: the
 * first time the process is about to sleep or poll (clock_nanosleep, nanosleep, ppoll, poll), it
 * raises RAISE_BEFORE_WAIT (TERM or INT) in itself, then makes the real call. The handler has run
 * (set its flag) before the call begins: the signal lands after the monitor's last look at its
 * flag and before the wait, the window a stop must not fall into unnoticed. Unset or another
 * value: every call passes through untouched. Load it with
 *   LD_PRELOAD=$WS_BUILD/tests/gpu-monitor/libraise-before-wait.so RAISE_BEFORE_WAIT=TERM. */
#include <dlfcn.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int raised;

static void raise_once(void)
{
    if (raised) return;
    raised = 1;
    const char *v = getenv("RAISE_BEFORE_WAIT");
    if (v && !strcmp(v, "TERM")) raise(SIGTERM);
    else if (v && !strcmp(v, "INT")) raise(SIGINT);
}

/* real_: the next definition of fn (libc's); the cast through void * as dlsym's manual shows. */
#define REAL(fn) static __typeof__(&fn) real_; if (!real_) *(void **)&real_ = dlsym(RTLD_NEXT, #fn)

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *t, struct timespec *rem)
{
    REAL(clock_nanosleep);
    raise_once();
    return real_(clock, flags, t, rem);
}

int nanosleep(const struct timespec *t, struct timespec *rem)
{
    REAL(nanosleep);
    raise_once();
    return real_(t, rem);
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *t, const sigset_t *mask)
{
    REAL(ppoll);
    raise_once();
    return real_(fds, n, t, mask);
}

int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    REAL(poll);
    raise_once();
    return real_(fds, n, timeout_ms);
}
