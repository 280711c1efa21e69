/* store.h — the study store: one database in Optuna's RDB schema (Optuna 3.1, schema version
 * 12), shared by any number of concurrent processes. This is the interface; store_sqlite_*.c is
 * the SQLite implementation (WAL, a long busy timeout, short BEGIN IMMEDIATE transactions for
 * every read-modify-write), so trial numbers stay dense and unique under any concurrency.
 *
 * Transactions: ws_store_begin() takes the write lock at once (BEGIN IMMEDIATE); everything
 * until ws_store_commit() is atomic. Functions marked "in a transaction" need one; the others
 * open their own when called outside one. */
#ifndef WS_STORE_STORE_H
#define WS_STORE_STORE_H
#include <jansson.h>
#include <stdint.h>
#include "core/err.h"
#include "store/trial.h"

typedef struct ws_store ws_store;

typedef struct {
    int64_t id;
    char name[513];
    int direction;       /* WS_MINIMIZE (-1) or WS_MAXIMIZE (+1) */
} ws_study;

enum { WS_STORE_CREATE = 1 };   /* create the file and the schema when missing */

/* Opens a study database: a path or an Optuna URL "sqlite:///path". Without WS_STORE_CREATE a
 * missing file is an input error ("no such study database"). */
int ws_store_open(ws_store **out, const char *url, int flags, ws_err *e);
void ws_store_close(ws_store *s);
const char *ws_store_path(const ws_store *s);

int ws_store_begin(ws_store *s, ws_err *e);
int ws_store_commit(ws_store *s, ws_err *e);
void ws_store_rollback(ws_store *s);

/* Studies. find: WS_EINPUT "unknown study" when absent. create: finds or creates (in a
 * transaction); *created says which. A direction that differs from the stored one is an error. */
int ws_store_study_find(ws_store *s, const char *name, ws_study *out, ws_err *e);
int ws_store_study_create(ws_store *s, const char *name, int direction, ws_study *out, int *created, ws_err *e);
/* Names of all studies (a JSON array of strings). */
int ws_store_study_names(ws_store *s, json_t **names, ws_err *e);
/* Study attributes (system = 1: study_system_attributes, else user). *value is NULL when absent. */
int ws_store_study_attr_get(ws_store *s, int64_t study_id, int system, const char *key, json_t **value, ws_err *e);
int ws_store_study_attr_set(ws_store *s, int64_t study_id, int system, const char *key, const json_t *value, ws_err *e);

/* What ws_store_trials_load fills besides number, state, value and times. */
enum { WS_LOAD_PARAMS = 1, WS_LOAD_IVS = 2, WS_LOAD_ATTRS = 4, WS_LOAD_ALL = 7 };
int ws_store_trials_load(ws_store *s, const ws_study *st, unsigned what, ws_trial_list *out, ws_err *e);
/* One trial by number; WS_EINPUT "unknown trial N" when absent. */
int ws_store_trial_load(ws_store *s, const ws_study *st, int number, unsigned what, ws_trial *out, ws_err *e);

/* In a transaction: a new trial numbered count(trials of the study), with state RUNNING (and a
 * first heartbeat, so a trainer that dies before its first beat is still failed in time) or
 * WAITING; params as given. */
int ws_store_trial_create(ws_store *s, const ws_study *st, ws_state state, const ws_param *params,
                          size_t n_params, int64_t *trial_id, int *number, ws_err *e);
/* In a transaction: the oldest WAITING trial (Optuna's enqueued trials) becomes RUNNING.
 * *trial_id = 0 when there is none. */
int ws_store_trial_claim_waiting(ws_store *s, const ws_study *st, int64_t *trial_id, int *number, ws_err *e);
int ws_store_trial_set_params(ws_store *s, int64_t trial_id, const ws_param *params, size_t n, ws_err *e);
/* Finishes a RUNNING trial: state COMPLETE, PRUNED or FAIL, with a value or not (value may be
 * NULL). A trial that is not RUNNING: WS_ESTATE, nothing changed. */
int ws_store_trial_finish(ws_store *s, int64_t trial_id, ws_state state, const double *value, ws_err *e);
/* Records an intermediate value of a RUNNING trial; a step already reported is kept and *stored
 * is 0 (Optuna ignores a second report of a step). Also beats the heartbeat. */
int ws_store_trial_report(ws_store *s, int64_t trial_id, int step, double value, int *stored, ws_err *e);
int ws_store_trial_heartbeat(ws_store *s, int64_t trial_id, ws_err *e);
int ws_store_trial_attr_set(ws_store *s, int64_t trial_id, int system, const char *key, const json_t *value, ws_err *e);
/* Marks FAIL every RUNNING trial of the study whose heartbeat is older than grace_s seconds
 * (trials that never beat are left alone, as in Optuna). Returns their numbers in *failed
 * (a JSON array; may be NULL). In a transaction. */
int ws_store_fail_stale(ws_store *s, const ws_study *st, double grace_s, json_t **failed, ws_err *e);

/* System attribute keys wakesweep keeps beside Optuna's own. */
#define WS_ATTR_CONFIG "wakesweep:config"    /* study: the study config, as given */
#define WS_ATTR_SEED "wakesweep:seed"        /* study: the study seed (integer) */
#define WS_ATTR_REASON "wakesweep:reason"    /* trial: why it ended PRUNED or FAIL */
#define WS_ATTR_PID "wakesweep:pid"          /* trial: pid of the process running it */
#define WS_ATTR_TAG "wakesweep:tag"          /* trial: the pipeline target that ran it (suggest --tag) */
#define WS_ATTR_REQUEUED "wakesweep:requeued" /* trial: failed because its process died, queued again */
#define WS_ATTR_CONSTRAINTS "constraints"    /* trial: Optuna's constraint values, feasible iff all <= 0 */

/* The study's config as suggest stored it; *found = 0 (and c zeroed) for a study created
 * elsewhere (e.g. by Optuna). */
struct ws_config;
int ws_store_study_config(ws_store *s, const ws_study *st, struct ws_config *c, int *found, ws_err *e);

#endif
