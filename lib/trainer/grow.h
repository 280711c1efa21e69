/* grow.h — a trial taking the cores its sweep has left idle (train-trial --grow-threads).
 *
 * A sweep runs trials side by side, each on its share of the cores. At its end the last trial
 * often trains on alone: the others were pruned or finished, none is left to start, and the
 * cores they used sit idle. A watch thread asks the study twice a second whether any other of
 * its trials is RUNNING or WAITING, and how many there are. Once two asks in a row found none
 * active and none new since the ask before (0.5 to 1 s after the last other trial ended; 1 to
 * 1.5 s into a trial that starts alone), the trainer takes `grow` threads at its next batch,
 * and goes back to `base` at the batch after any other is active. The work is cut into `grow`
 * shares from the start (nn_set_threads), so the weights are the same bits whenever, and
 * whether, the trial grew. */
#ifndef WS_TRAINER_GROW_H
#define WS_TRAINER_GROW_H
#include <stdint.h>
#include "core/err.h"
#include "trainer/ticker.h"

typedef struct trainer_grow {
    trainer_ticker ticker;
    int64_t trial_id;
    int base, grow;
    int quiet;         /* asks in a row that found no other trial active or new (watch thread only) */
    int peers;         /* the other trials at the last ask; -1 before the first */
    int want;          /* threads for the next step (atomic) */
    int now;           /* threads in effect (trainer thread only) */
    int reserved;      /* OpenBLAS's buffers are mapped for the grown threads */
    double since;      /* when the trial last grew (ws_mono_s), while it is grown */
    double grown_s;    /* seconds spent grown, up to the last shrink */
} trainer_grow;

/* Sets base threads with grow shares, and starts the watch when grow > base: on the trainer's
 * study file only (ticker.h), else it ends without an ask and the trial stays on base threads
 * (the heartbeat's connection, the trainer's file, finds that file moved). */
int trainer_grow_start(trainer_grow *g, const char *db, const ws_file_id *file, int64_t trial_id, int base, int grow,
                       ws_err *e);
/* Between steps: takes the threads the watch wants now. */
void trainer_grow_apply(trainer_grow *g);
/* Seconds the trial has trained on its grown threads so far. */
double trainer_grow_seconds(const trainer_grow *g);
/* Stops the watch and goes back to base threads. Safe on a zeroed or stopped one. */
void trainer_grow_stop(trainer_grow *g);

#endif
