/* cpu_pool.h — the CPU backend's threads (internal to lib/nn): a fixed pool that runs one
 * function on every thread at once, each taking its share of the work. OpenBLAS runs
 * single-threaded inside each share, so `threads` is the whole CPU use of a trial. */
#ifndef WS_NN_CPU_POOL_H
#define WS_NN_CPU_POOL_H
#include <stddef.h>

#define NN_MAX_THREADS 64

/* fn(ctx, t, nt) runs on threads t = 0..nt-1 (0 is the caller) and returns when all are done. */
typedef void (*nn_task_fn)(void *ctx, int t, int nt);

/* Sets the number of threads (1 = no pool); starts or stops workers. Not thread-safe: call it
 * between steps. Returns the number in effect (clamped to [1, NN_MAX_THREADS]). */
int nn_pool_set_threads(int threads);
int nn_pool_threads(void);
void nn_pool_run(nn_task_fn fn, void *ctx);
/* Runs on the pool only when there are at least `min_work` units of work, else on the caller. */
void nn_pool_run_if(size_t work, size_t min_work, nn_task_fn fn, void *ctx);
/* The share [lo, hi) of n items for thread t of nt, in contiguous pieces aligned to `align`. */
void nn_pool_range(size_t n, int t, int nt, size_t align, size_t *lo, size_t *hi);

#endif
