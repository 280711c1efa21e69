/* raise_before_wait.c — a test-only LD_PRELOAD library for gpu-monitor's stop on a signal: the
 * first time the process is about to sleep or poll (clock_nanosleep, nanosleep, ppoll, poll), it
 * raises RAISE_BEFORE_WAIT (TERM or INT) in itself, then makes the real call. The handler has run
 * (set its flag) before the call begins: the signal lands after the monitor's last look at its
 * flag and before the wait, the window a stop must not fall into unnoticed. Unset or another
 * value: every call passes through untouched. Load it with
 *   LD_PRELOAD=$WS_BUILD/tests/gpu-monitor/libraise-before-wait.so RAISE_BEFORE_WAIT=TERM.
 * RAISE_BEFORE_FULL_WRITE=TERM (or INT) does the same for the other wait, a write(2) to a pipe
 * without room for it (a reader that does not read): raised the first time a write would wait for
 * room, just before it waits. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int raised;

static void raise_named(const char *v)
{
    if (v && !strcmp(v, "TERM")) raise(SIGTERM);
    else if (v && !strcmp(v, "INT")) raise(SIGINT);
}

static void raise_once(void)
{
    if (raised) return;
    raised = 1;
    raise_named(getenv("RAISE_BEFORE_WAIT"));
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

/* The write is tried without waiting first (the descriptor's O_NONBLOCK set for that try): what
 * does not fit now would wait for room, so the signal is raised then, before the rest is written
 * as the caller asked, waiting. */
ssize_t write(int fd, const void *buf, size_t n)
{
    REAL(write);
    static int raised_write;
    const char *v = getenv("RAISE_BEFORE_FULL_WRITE");
    int flags = v && !raised_write && fcntl(fd, F_GETPIPE_SZ) > 0 ? fcntl(fd, F_GETFL) : -1;   /* a pipe */
    if (flags < 0 || (flags & O_NONBLOCK)) return real_(fd, buf, n);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    ssize_t done = real_(fd, buf, n);
    fcntl(fd, F_SETFL, flags);
    if (done == (ssize_t)n || (done < 0 && errno != EAGAIN)) return done;
    if (done < 0) done = 0;
    raised_write = 1;   /* before the raise: the handler writes too */
    raise_named(v);
    ssize_t rest = real_(fd, (const char *)buf + done, n - (size_t)done);
    return rest < 0 ? (done ? done : -1) : done + rest;
}
