/* ticker.h — a fixed-rate schedule on the monotonic clock: tick k falls at start + k * interval,
 * and each wait sleeps with clock_nanosleep(TIMER_ABSTIME) until the next tick, so the time spent
 * sampling never adds up into drift. When ticks were missed (a stopped process, a slow sample),
 * the latest one that is due is taken at once and the earlier ones are skipped, not bunched. */
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
 * (call again to resume the same schedule). */
int gpu_ticker_wait(gpu_ticker *tk);
/* Seconds from the start to tick k. */
double gpu_ticker_offset_s(const gpu_ticker *tk, long long k);

#endif
