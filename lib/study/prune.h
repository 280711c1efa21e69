/* prune.h — a trial reports an intermediate value and asks the study's pruner: record the value
 * (and a heartbeat) in a short write transaction, load the study and decide without holding the
 * write lock, store what the pruner keeps on the trial (ASHA's rungs) in another short one. Used by prune-check and by train-trial, so a trial
 * trained by wakesweep and one trained by a user's script are pruned alike. */
#ifndef WS_STUDY_PRUNE_H
#define WS_STUDY_PRUNE_H
#include "pruner/pruner.h"
#include "store/store.h"

/* *stored = 0 when the step had been reported before (the first value is kept, as in Optuna);
 * *kept (may be NULL) is the step's value in the study, the one the pruner judged. The trial
 * must be RUNNING (WS_ESTATE otherwise). d is filled; release it with ws_prune_decision_release. */
int study_report_and_prune(ws_store *s, const ws_study *st, int number, int64_t step, double value,
                           const ws_pruner_cfg *pruner, ws_prune_decision *d, int *stored, double *kept,
                           ws_err *e);

#endif
