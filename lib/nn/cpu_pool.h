/* cpu_pool.h — the CPU backend's threads (internal to lib/nn): a fixed pool that runs one
 * function over `shares` pieces of the work on `threads` threads at once. OpenBLAS runs
 * single-threaded inside each share, so `threads` is the whole CPU use of a trial.
 *
 * The split is fixed apart from the threads: every operation cuts its work into the same
 * `shares` pieces and sums per-share partials in share order, whichever thread ran a share.
 * Results therefore depend on `shares` alone, and the threads may change between steps (a
 * trial that finds a core idle takes it) without changing a single bit of the weights. */
#ifndef WS_NN_CPU_POOL_H
#define WS_NN_CPU_POOL_H
#include <stddef.h>
#include "nn/nn.h"   /* NN_MAX_THREADS */

/* fn(ctx, s, ns) runs for shares s = 0..ns-1, thread t taking s = t, t + threads, ... (thread 0
 * is the caller), and returns when all are done. */
typedef void (*nn_task_fn)(void *ctx, int s, int ns);

/* Sets the threads (1 = no pool) and the shares (fewer than the threads, 0 included, means as
 * many as the threads); starts or stops workers. Not thread-safe: call it between steps. Both
 * are clamped to [1, NN_MAX_THREADS]; returns the threads in effect (fewer when a thread could
 * not start). */
int nn_pool_set_threads(int threads, int shares);
int nn_pool_threads(void);
int nn_pool_shares(void);
void nn_pool_run(nn_task_fn fn, void *ctx);
/* Runs over the shares only when there are at least `min_work` units of work, else as one share
 * (fn(ctx, 0, 1)) on the caller: a choice made by the work's size, never by the threads.
 * Returns the shares the work was cut into (1 or nn_pool_shares()), for summing partials. */
int nn_pool_run_if(size_t work, size_t min_work, nn_task_fn fn, void *ctx);
/* Share s of ns: the items [lo, hi) of n, in contiguous pieces aligned to `align`. */
void nn_pool_range(size_t n, int s, int ns, size_t align, size_t *lo, size_t *hi);

#endif
