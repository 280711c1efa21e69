/* heartbeat.h — a trial's heartbeat while it trains: a thread with its own connection to the
 * study (ticker.h) beats every interval, so a trial killed mid-epoch is failed after the grace
 * period and a healthy one never is, however long its epochs. Before each beat the thread finds
 * the study file deleted or replaced too (ticker.h): it writes nothing then, and the trainer,
 * told at its next batch, stops, as its result could be stored nowhere. */
#ifndef WS_TRAINER_HEARTBEAT_H
#define WS_TRAINER_HEARTBEAT_H
#include <stdint.h>
#include "core/err.h"
#include "trainer/ticker.h"

typedef struct trainer_heartbeat {
    trainer_ticker ticker;
    int64_t trial_id;
} trainer_heartbeat;

/* file: the trainer's study file (ticker.h), which the heartbeat's connection must be to */
int trainer_heartbeat_start(trainer_heartbeat *h, const char *db, const ws_file_id *file, int64_t trial_id,
                            double interval_s, ws_err *e);
void trainer_heartbeat_stop(trainer_heartbeat *h);   /* safe on a zeroed or stopped one */
/* 1 once the heartbeat's thread found the study file deleted or another renamed over it, or its
 * path naming another file than the trainer's (trainer_ticker_moved), else 0. */
int trainer_heartbeat_moved(trainer_heartbeat *h);

#endif
