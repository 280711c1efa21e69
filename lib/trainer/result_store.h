/* result_store.h — a finished trial's result as the study keeps it: the rows train-trial's
 * finish writes, and tell --result writes from train-trial's result line, the same rows either
 * way. A result the study did not take as train-trial stored it (a lock held past WS_DB_BUSY_S:
 * exit 3, the line on stdout), told later from the line, reads as one it took: report's
 * breakdown and train-trial --result-of find its metrics, seconds and steps. */
#ifndef WS_TRAINER_RESULT_STORE_H
#define WS_TRAINER_RESULT_STORE_H
#include <jansson.h>
#include <stdint.h>
#include "core/err.h"
#include "store/store.h"

typedef struct {
    ws_state state;              /* COMPLETE, PRUNED or FAIL */
    int has_value;
    double value;                /* the objective value, with has_value */
    const json_t *constraints;   /* Optuna's constraint values (feasible iff <= 0), an array of
                                  * numbers; NULL or empty: none kept */
    const json_t *reason;        /* a string (wakesweep:reason); NULL: none */
    const json_t *metrics;       /* the validation's metrics the value is of; NULL: none */
    const json_t *seconds;       /* {"setup","train","eval","total","threads"[,"grow_threads","grown"]};
                                  * NULL: none */
    long steps;                  /* the parts trained (steps_trained); < 0: not known, none kept */
} trainer_result;

/* In the caller's transaction: trial_id, RUNNING, finished as r says (WS_ESTATE, nothing
 * changed, when it is not RUNNING), with its system attributes "constraints" and
 * wakesweep:reason and its user attributes "metrics", "seconds" and "steps_trained". */
int trainer_result_store(ws_store *s, int64_t trial_id, const trainer_result *r, ws_err *e);

/* The most epochs a result line may say: 9e15 parts (integers a double holds exactly) at
 * budget.validations_per_epoch's most, 1000 an epoch. */
#define WS_RESULT_EPOCHS_MAX 9e12

/* A result line as train-trial prints it (or tell: fewer keys), read from WHERE (a file name,
 * for messages): its "study" and "trial", and r's fields pointing into line (kept while r is
 * used); "epochs" into *epochs (NaN: none), made steps by trainer_result_steps once the study's
 * validations per epoch are known. Refused (WS_EINPUT, naming the field and what it takes): a
 * key the line does not have, a field of the wrong type, epochs outside 0..WS_RESULT_EPOCHS_MAX, a state other than COMPLETE,
 * PRUNED or FAIL, a COMPLETE trial without a value or a FAIL trial with one. */
int trainer_result_read(const json_t *line, const char *where, const char **study, int *number, trainer_result *r,
                        double *epochs, ws_err *e);

/* The study's budget.validations_per_epoch (the parts an epoch, in which steps are counted), or
 * 1 where its config cannot be read: for a line's "epochs" made steps and back. */
int trainer_steps_per_epoch(ws_store *s, const ws_study *st);

/* The parts trained of a line's "epochs" (trainer_epochs_json of them, per validations an
 * epoch); -1 for NaN (none). */
long trainer_result_steps(double epochs, int per);

#endif
