/* heartbeat.c — the heartbeat thread (see heartbeat.h). */
#include "trainer/heartbeat.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "store/store.h"

static void *beat(void *arg)
{
    trainer_heartbeat *h = arg;
    ws_store *s = NULL;
    ws_err e;
    if (ws_store_open(&s, h->db, 0, &e)) return NULL;
    pthread_mutex_lock(&h->mu);
    while (!h->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        double secs = floor(h->interval_s);
        until.tv_sec += (time_t)secs;
        until.tv_nsec += (long)((h->interval_s - secs) * 1e9);
        if (until.tv_nsec >= 1000000000L) { until.tv_sec++; until.tv_nsec -= 1000000000L; }
        int rc = 0;
        while (!h->stop && rc != ETIMEDOUT) rc = pthread_cond_timedwait(&h->cv, &h->mu, &until);
        if (h->stop) break;
        pthread_mutex_unlock(&h->mu);
        ws_store_trial_heartbeat(s, h->trial_id, &e);   /* a missed beat is retried next time */
        pthread_mutex_lock(&h->mu);
    }
    pthread_mutex_unlock(&h->mu);
    ws_store_close(s);
    return NULL;
}

int trainer_heartbeat_start(trainer_heartbeat *h, const char *db, int64_t trial_id, double interval_s, ws_err *e)
{
    memset(h, 0, sizeof *h);
    h->db = strdup(db);
    h->trial_id = trial_id;
    h->interval_s = interval_s;
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->cv, NULL);
    if (!h->db || pthread_create(&h->thread, NULL, beat, h)) {
        free(h->db);
        h->db = NULL;
        return ws_err_set(e, WS_EINTERNAL, "cannot start the heartbeat thread");
    }
    h->running = 1;
    return 0;
}

void trainer_heartbeat_stop(trainer_heartbeat *h)
{
    if (!h->running) return;
    pthread_mutex_lock(&h->mu);
    h->stop = 1;
    pthread_cond_signal(&h->cv);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->thread, NULL);
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->cv);
    free(h->db);
    h->db = NULL;
    h->running = 0;
}
