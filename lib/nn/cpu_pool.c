/* cpu_pool.c — a fixed pool of pthreads for the CPU backend (see cpu_pool.h). One job at a
 * time: the caller publishes (fn, ctx), bumps a generation counter and wakes the workers, runs
 * its own shares and waits until the others are done. Workers block on a condition variable
 * between jobs (no spinning: trials share machines). Shares go to threads round-robin, fixed,
 * so with as many threads as shares each thread runs one. */
#include "nn/cpu_pool.h"
#include <pthread.h>
#include <stdint.h>

static struct {
    int threads;                 /* including the caller */
    int shares;                  /* pieces each job is cut into (>= threads) */
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
} pool = {1, 1, 0, {0}, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
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
        int nt = pool.threads, ns = pool.shares;
        pthread_mutex_unlock(&pool.mu);
        for (int s = t; s < ns; s += nt) fn(ctx, s, ns);
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

static int clamp_count(int n) { return n < 1 ? 1 : n > NN_MAX_THREADS ? NN_MAX_THREADS : n; }

int nn_pool_set_threads(int threads, int shares)
{
    threads = clamp_count(threads);
    shares = clamp_count(shares < threads ? threads : shares);
    pool.shares = shares;
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
int nn_pool_shares(void) { return pool.shares; }

static void run_shares(nn_task_fn fn, void *ctx, int t, int nt)
{
    for (int s = t; s < pool.shares; s += nt) fn(ctx, s, pool.shares);
}

void nn_pool_run(nn_task_fn fn, void *ctx)
{
    if (pool.threads <= 1) { run_shares(fn, ctx, 0, 1); return; }
    pthread_mutex_lock(&pool.mu);
    pool.fn = fn;
    pool.ctx = ctx;
    pool.pending = pool.threads - 1;
    pool.gen++;
    pthread_cond_broadcast(&pool.go);
    pthread_mutex_unlock(&pool.mu);
    run_shares(fn, ctx, 0, pool.threads);
    pthread_mutex_lock(&pool.mu);
    while (pool.pending > 0) pthread_cond_wait(&pool.done, &pool.mu);
    pthread_mutex_unlock(&pool.mu);
}

int nn_pool_run_if(size_t work, size_t min_work, nn_task_fn fn, void *ctx)
{
    if (work < min_work || pool.shares <= 1) {
        fn(ctx, 0, 1);
        return 1;
    }
    nn_pool_run(fn, ctx);
    return pool.shares;
}

void nn_pool_range(size_t n, int s, int ns, size_t align, size_t *lo, size_t *hi)
{
    if (align < 1) align = 1;
    size_t blocks = (n + align - 1) / align;
    size_t b0 = blocks * (size_t)s / (size_t)ns, b1 = blocks * (size_t)(s + 1) / (size_t)ns;
    *lo = b0 * align < n ? b0 * align : n;
    *hi = b1 * align < n ? b1 * align : n;
}
