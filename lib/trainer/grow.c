/* grow.c — taking idle cores (see grow.h). */
#include "trainer/grow.h"
#include "core/clock.h"
#include "nn/nn.h"

#define WATCH_INTERVAL_S 0.5
#define QUIET_ASKS 2

/* Quiet: no other trial active, and none new since the ask before. Between two trials a sweep's
 * slot is empty for ~0.15 s, and short pruned trials leave it empty a third of the time: asks
 * every 0.5 s can fall into such gaps several times in a row, but each gap brings a new trial. */
static void watch(ws_store *s, void *arg)
{
    trainer_grow *g = arg;
    int active = 0, total = 0;
    ws_err e;
    if (ws_store_trial_peers(s, g->trial_id, &active, &total, &e)) return;   /* ask again next time */
    g->quiet = !active && total == g->peers ? g->quiet + 1 : 0;
    g->peers = total;
    __atomic_store_n(&g->want, g->quiet >= QUIET_ASKS ? g->grow : g->base, __ATOMIC_RELAXED);
}

int trainer_grow_start(trainer_grow *g, const char *db, const ws_file_id *file, int64_t trial_id, int base, int grow,
                       ws_err *e)
{
    if (base > NN_MAX_THREADS) base = NN_MAX_THREADS;
    if (grow > NN_MAX_THREADS) grow = NN_MAX_THREADS;
    g->trial_id = trial_id;
    g->base = g->want = g->now = base;
    g->grow = grow > base ? grow : base;
    g->quiet = 0;
    g->peers = -1;
    g->reserved = 0;
    g->since = g->grown_s = 0;
    nn_set_threads(base, g->grow);
    if (g->grow == base) return 0;
    return trainer_ticker_start(&g->ticker, db, file, WATCH_INTERVAL_S, watch, g, e);
}

static void set_now(trainer_grow *g, int threads)
{
    if (threads == g->now) return;
    double t = ws_mono_s();
    if (threads == g->grow) g->since = t;
    else g->grown_s += t - g->since;
    nn_set_threads(threads, g->grow);
    g->now = threads;
}

/* The first time the trial grows, OpenBLAS's buffers for the grown threads are mapped first
 * (nn_reserve_blas): where they do not fit (ulimit -v), the trial stays on its base threads. */
void trainer_grow_apply(trainer_grow *g)
{
    if (!g->ticker.running) return;
    int want = __atomic_load_n(&g->want, __ATOMIC_RELAXED);
    if (want == g->grow && !g->reserved) {
        ws_err e;
        if (nn_reserve_blas(g->grow, &e)) { trainer_ticker_stop(&g->ticker); return; }
        g->reserved = 1;
    }
    set_now(g, want);
}

double trainer_grow_seconds(const trainer_grow *g)
{
    return g->grown_s + (g->now == g->grow && g->grow > g->base ? ws_mono_s() - g->since : 0);
}

void trainer_grow_stop(trainer_grow *g)
{
    trainer_ticker_stop(&g->ticker);
    if (g->now && g->now != g->base) set_now(g, g->base);
}
