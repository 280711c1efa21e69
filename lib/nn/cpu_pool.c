/* cpu_pool.c — a fixed pool of pthreads for the CPU backend (see cpu_pool.h). One job at a
 * time: the caller publishes (fn, ctx), bumps a generation counter and wakes the workers, runs
 * share 0 itself and waits until the others are done. Workers block on a condition variable
 * between jobs (no spinning: trials share machines). */
#include "nn/cpu_pool.h"
#include <pthread.h>
#include <stdint.h>

static struct {
    int threads;                 /* including the caller */
    int started;                 /* workers running */
    pthread_t tid[NN_MAX_THREADS];
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    nn_task_fn fn;
    void *ctx;
    unsigned long gen;           /* job number */
    unsigned long start_gen;     /* job number when the workers were created */
    int pending;                 /* workers still running the job */
    int quit;
} pool = {1, 0, {0}, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
          NULL, NULL, 0, 0, 0, 0};

static void *worker(void *arg)
{
    int t = (int)(intptr_t)arg;
    pthread_mutex_lock(&pool.mu);
    /* Not pool.gen: a job may have been posted before this thread first took the lock. */
    unsigned long seen = pool.start_gen;
    for (;;) {
        while (pool.gen == seen && !pool.quit) pthread_cond_wait(&pool.go, &pool.mu);
        if (pool.quit) break;
        seen = pool.gen;
        nn_task_fn fn = pool.fn;
        void *ctx = pool.ctx;
        int nt = pool.threads;
        pthread_mutex_unlock(&pool.mu);
        fn(ctx, t, nt);
        pthread_mutex_lock(&pool.mu);
        if (--pool.pending == 0) pthread_cond_signal(&pool.done);
    }
    pthread_mutex_unlock(&pool.mu);
    return NULL;
}

static void stop_workers(void)
{
    pthread_mutex_lock(&pool.mu);
    pool.quit = 1;
    pthread_cond_broadcast(&pool.go);
    pthread_mutex_unlock(&pool.mu);
    for (int t = 1; t < pool.started; t++) pthread_join(pool.tid[t], NULL);
    pool.quit = 0;
    pool.started = 0;
}

int nn_pool_set_threads(int threads)
{
    if (threads < 1) threads = 1;
    if (threads > NN_MAX_THREADS) threads = NN_MAX_THREADS;
    if (threads == pool.threads && (threads == 1 || pool.started)) return threads;
    if (pool.started) stop_workers();
    pool.threads = 1;
    if (threads == 1) return 1;
    int n = 1;
    pthread_mutex_lock(&pool.mu);
    pool.start_gen = pool.gen;
    for (int t = 1; t < threads; t++) {
        if (pthread_create(&pool.tid[t], NULL, worker, (void *)(intptr_t)t) != 0) break;
        n++;
    }
    pool.started = n;
    pool.threads = n;            /* fewer when a thread could not start */
    pthread_mutex_unlock(&pool.mu);
    return n;
}

int nn_pool_threads(void) { return pool.threads; }

void nn_pool_run(nn_task_fn fn, void *ctx)
{
    if (pool.threads <= 1) { fn(ctx, 0, 1); return; }
    pthread_mutex_lock(&pool.mu);
    pool.fn = fn;
    pool.ctx = ctx;
    pool.pending = pool.threads - 1;
    pool.gen++;
    pthread_cond_broadcast(&pool.go);
    pthread_mutex_unlock(&pool.mu);
    fn(ctx, 0, pool.threads);
    pthread_mutex_lock(&pool.mu);
    while (pool.pending > 0) pthread_cond_wait(&pool.done, &pool.mu);
    pthread_mutex_unlock(&pool.mu);
}

void nn_pool_run_if(size_t work, size_t min_work, nn_task_fn fn, void *ctx)
{
    if (work < min_work || pool.threads <= 1) fn(ctx, 0, 1);
    else nn_pool_run(fn, ctx);
}

void nn_pool_range(size_t n, int t, int nt, size_t align, size_t *lo, size_t *hi)
{
    if (align < 1) align = 1;
    size_t blocks = (n + align - 1) / align;
    size_t b0 = blocks * (size_t)t / (size_t)nt, b1 = blocks * (size_t)(t + 1) / (size_t)nt;
    *lo = b0 * align < n ? b0 * align : n;
    *hi = b1 * align < n ? b1 * align : n;
}
