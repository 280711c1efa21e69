/* ticker.h — a fixed-rate schedule on the monotonic clock: tick k falls at start + k * interval,
 * and each wait sleeps until the next tick's absolute time (polling for the time left to it,
 * measured again on the clock after each wake, so never early), so the time spent sampling
 * never adds up into drift. When ticks were missed (a stopped process, a slow sample), the
 * latest one that is due is taken at once and the earlier ones are skipped, not bunched. */
#ifndef WS_GPU_TICKER_H
#define WS_GPU_TICKER_H
#include <time.h>

typedef struct gpu_ticker {
    struct timespec start;      /* CLOCK_MONOTONIC at gpu_ticker_start */
    long long interval_ns;
    long long k;                /* index of the tick last returned (0 before the first wait) */
} gpu_ticker;

void gpu_ticker_start(gpu_ticker *tk, double interval_s);
/* Sleeps until the next tick; 0 with tk->k set to its index, or EINTR when a signal came first
 * or wake_fd is readable (call again to resume the same schedule); another errno value when the
 * wait failed. wake_fd (-1: none) is the read end of a self-pipe that the caller's signal handler
 * writes a byte to: a signal that lands after the caller last looked at its flag and before the
 * wait begins then ends the wait at once, where a plain sleep would sleep the interval out. The
 * byte is not read: while the pipe holds one, every wait returns EINTR at once. */
int gpu_ticker_wait(gpu_ticker *tk, int wake_fd);
/* Seconds from the start to tick k. */
double gpu_ticker_offset_s(const gpu_ticker *tk, long long k);
/* When tick k falls, in monotonic seconds (CLOCK_MONOTONIC, as ws_mono_s). */
double gpu_ticker_due_s(const gpu_ticker *tk, long long k);

#endif
