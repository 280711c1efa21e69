/* heartbeat.h — a trial's heartbeat while it trains: a thread with its own connection to the
 * study beats every interval, so a trial killed mid-epoch is failed after the grace period
 * and a healthy one never is, however long its epochs. */
#ifndef WS_TRAINER_HEARTBEAT_H
#define WS_TRAINER_HEARTBEAT_H
#include <pthread.h>
#include <stdint.h>
#include "core/err.h"

typedef struct trainer_heartbeat {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop, running;
    char *db;
    int64_t trial_id;
    double interval_s;
} trainer_heartbeat;

int trainer_heartbeat_start(trainer_heartbeat *h, const char *db, int64_t trial_id, double interval_s, ws_err *e);
void trainer_heartbeat_stop(trainer_heartbeat *h);   /* safe on a zeroed or stopped one */

#endif
