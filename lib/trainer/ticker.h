/* ticker.h — a thread with its own connection to the study that calls a function every
 * interval until stopped: a trial's heartbeat (heartbeat.h) and its watch for idle cores
 * (grow.h). Its own connection, so a tick never waits on the trainer's transactions. */
#ifndef WS_TRAINER_TICKER_H
#define WS_TRAINER_TICKER_H
#include <pthread.h>
#include "core/err.h"
#include "store/store.h"

typedef void (*trainer_tick_fn)(ws_store *s, void *arg);

typedef struct trainer_ticker {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop, running;
    char *db;
    double interval_s;
    trainer_tick_fn tick;
    void *arg;
} trainer_ticker;

/* tick(store, arg) runs on the thread every interval_s, the first time one interval after the
 * start. A thread that cannot open the study ends without a tick. */
int trainer_ticker_start(trainer_ticker *t, const char *db, double interval_s, trainer_tick_fn tick, void *arg,
                         ws_err *e);
void trainer_ticker_stop(trainer_ticker *t);   /* safe on a zeroed or stopped one */

#endif
