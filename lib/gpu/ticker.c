/* ticker.c — the absolute monotonic schedule (see ticker.h). */
#include "gpu/ticker.h"
#include <errno.h>
#include <poll.h>

#define NS_PER_S 1000000000LL

static long long ts_ns(const struct timespec *t) { return (long long)t->tv_sec * NS_PER_S + t->tv_nsec; }

void gpu_ticker_start(gpu_ticker *tk, double interval_s)
{
    clock_gettime(CLOCK_MONOTONIC, &tk->start);
    tk->interval_ns = (long long)(interval_s * 1e9 + 0.5);
    if (tk->interval_ns < 1) tk->interval_ns = 1;
    tk->k = 0;
}

double gpu_ticker_offset_s(const gpu_ticker *tk, long long k)
{
    return (double)k * (double)tk->interval_ns * 1e-9;
}

double gpu_ticker_due_s(const gpu_ticker *tk, long long k)
{
    return (double)tk->start.tv_sec + (double)tk->start.tv_nsec * 1e-9 + gpu_ticker_offset_s(tk, k);
}

int gpu_ticker_wait(gpu_ticker *tk, int wake_fd)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long start = ts_ns(&tk->start), elapsed = ts_ns(&now) - start;
    long long k = tk->k + 1;
    if (elapsed / tk->interval_ns > k) k = elapsed / tk->interval_ns;   /* late: the latest due tick, now */
    long long due = start + k * tk->interval_ns;
    struct pollfd wake = {.fd = wake_fd, .events = POLLIN};   /* fd -1: poll ignores it */
    for (long long left; (left = due - ts_ns(&now)) > 0; clock_gettime(CLOCK_MONOTONIC, &now)) {
        struct timespec rel = {.tv_sec = (time_t)(left / NS_PER_S), .tv_nsec = (long)(left % NS_PER_S)};
        int n = ppoll(&wake, 1, &rel, NULL);
        if (n < 0) return errno;
        if (n > 0) return wake.revents & POLLIN ? EINTR : EBADF;   /* not a wake: a closed descriptor */
    }
    tk->k = k;
    return 0;
}
