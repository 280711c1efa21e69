/* ticker.h — a thread with its own connection to the study that calls a function every
 * interval until stopped: a trial's heartbeat (heartbeat.h) and its watch for idle cores
 * (grow.h). Its own connection, so a tick never waits on the trainer's transactions. Opened by
 * the study's path, after the trainer's: to the trainer's file only, never to one renamed over it
 * in between (during the trainer's setup), whose row of the same trial_id a heartbeat would
 * beat, unseen by its own moved check, as its file never moved. */
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
    ws_file_id file;   /* the trainer's study file (ws_store_file_id) */
    int moved;         /* the path named another file than the trainer's, or none, at the open, or
                        * the file opened was deleted or replaced since (atomic) */
    double interval_s;
    trainer_tick_fn tick;
    void *arg;
} trainer_ticker;

/* tick(store, arg) runs on the thread every interval_s, the first time one interval after the
 * start. A thread that cannot open the study ends without a tick; so does one whose path names
 * another file than file (the trainer's; NULL or not set: not checked), or none, before or
 * after its open, which trainer_ticker_moved then says; nothing is opened there when found
 * before. */
int trainer_ticker_start(trainer_ticker *t, const char *db, const ws_file_id *file, double interval_s,
                         trainer_tick_fn tick, void *arg, ws_err *e);
void trainer_ticker_stop(trainer_ticker *t);   /* safe on a zeroed or stopped one */
/* 1 once the thread found that its path named another file than the trainer's, or none, or that
 * the file it opened was deleted or another renamed over it (ws_store_moved, before each tick,
 * which then ends the thread). */
int trainer_ticker_moved(trainer_ticker *t);

#endif
