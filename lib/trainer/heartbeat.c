/* heartbeat.c — the heartbeat (see heartbeat.h). */
#include "trainer/heartbeat.h"

static void beat(ws_store *s, void *arg)
{
    trainer_heartbeat *h = arg;
    ws_err e;
    ws_store_trial_heartbeat(s, h->trial_id, &e);   /* a missed beat is retried next time */
}

int trainer_heartbeat_start(trainer_heartbeat *h, const char *db, const ws_file_id *file, int64_t trial_id,
                            double interval_s, ws_err *e)
{
    h->trial_id = trial_id;
    return trainer_ticker_start(&h->ticker, db, file, interval_s, beat, h, e);
}

void trainer_heartbeat_stop(trainer_heartbeat *h) { trainer_ticker_stop(&h->ticker); }

int trainer_heartbeat_moved(trainer_heartbeat *h) { return trainer_ticker_moved(&h->ticker); }
