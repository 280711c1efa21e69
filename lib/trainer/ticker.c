/* ticker.c — the periodic study thread (see ticker.h). */
#include "trainer/ticker.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* 1e12 s, over 30000 years: now plus that fits any 64-bit time_t */
#define TICKER_MAX_WAIT_S 1e12

static void *run(void *arg)
{
    trainer_ticker *t = arg;
    ws_store *s = NULL;
    ws_err e;
    /* A connection to another file renamed over the path would switch it to WAL, and take the
     * trainer's -wal, still at that name, for its own: none is opened where the path names
     * another file, and the open is of the trainer's file only (ws_store_open_file checks it
     * once SQLite has it open, before its first read, for one renamed over in between). One
     * renamed over since is the tick's to find (ws_store_moved). */
    if (!ws_store_url_names(t->db, &t->file)) {
        __atomic_store_n(&t->moved, 1, __ATOMIC_RELAXED);
        return NULL;
    }
    if (ws_store_open_file(&s, t->db, 0, &t->file, &e)) {
        if (!ws_store_url_names(t->db, &t->file)) __atomic_store_n(&t->moved, 1, __ATOMIC_RELAXED);
        return NULL;
    }
    pthread_mutex_lock(&t->mu);
    while (!t->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        /* an interval past any training (a config's 1e300 s) waits until stopped: converted to a
         * time_t as it is, it wrapped to a time long past, and the thread ticked in a busy loop */
        double wait = fmin(t->interval_s, TICKER_MAX_WAIT_S), secs = floor(wait);
        until.tv_sec += (time_t)secs;
        until.tv_nsec += (long)((wait - secs) * 1e9);
        if (until.tv_nsec >= 1000000000L) { until.tv_sec++; until.tv_nsec -= 1000000000L; }
        int rc = 0;
        while (!t->stop && rc != ETIMEDOUT) rc = pthread_cond_timedwait(&t->cv, &t->mu, &until);
        if (t->stop) break;
        /* a tick into a moved file would go into a WAL that the new file's next reader takes for
         * its own: none is made, and trainer_ticker_moved tells the trainer */
        if (ws_store_moved(s)) {
            __atomic_store_n(&t->moved, 1, __ATOMIC_RELAXED);
            break;
        }
        pthread_mutex_unlock(&t->mu);
        t->tick(s, t->arg);
        pthread_mutex_lock(&t->mu);
    }
    pthread_mutex_unlock(&t->mu);
    ws_store_close(s);
    return NULL;
}

int trainer_ticker_start(trainer_ticker *t, const char *db, const ws_file_id *file, double interval_s,
                         trainer_tick_fn tick, void *arg, ws_err *e)
{
    memset(t, 0, sizeof *t);
    t->db = strdup(db);
    if (file) t->file = *file;
    t->interval_s = interval_s;
    t->tick = tick;
    t->arg = arg;
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, NULL);
    if (!t->db || pthread_create(&t->thread, NULL, run, t)) {
        free(t->db);
        t->db = NULL;
        pthread_mutex_destroy(&t->mu);
        pthread_cond_destroy(&t->cv);
        return ws_err_set(e, WS_EINTERNAL, "cannot start a thread");
    }
    t->running = 1;
    return 0;
}

void trainer_ticker_stop(trainer_ticker *t)
{
    if (!t->running) return;
    pthread_mutex_lock(&t->mu);
    t->stop = 1;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    free(t->db);
    t->db = NULL;
    t->running = 0;
}

int trainer_ticker_moved(trainer_ticker *t) { return __atomic_load_n(&t->moved, __ATOMIC_RELAXED); }
