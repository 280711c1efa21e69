/* backend.h — what a store backend provides (SQLite in sqlite_*.c, PostgreSQL in pg_*.c): one
 * table of functions, the same contract as the ws_store_* functions of store.h that store.c
 * forwards to it. The struct is shared so each backend keeps its own handle beside the fields
 * every backend needs. Not for use outside lib/store. */
#ifndef WS_STORE_BACKEND_H
#define WS_STORE_BACKEND_H
#include "store/store.h"

struct sqlite3;
struct ws_pg;

typedef struct ws_store_ops {
    void (*close)(ws_store *s);
    int (*begin)(ws_store *s, ws_err *e);
    int (*commit)(ws_store *s, ws_err *e);
    void (*rollback)(ws_store *s);
    int (*study_find)(ws_store *s, const char *name, ws_study *out, ws_err *e);
    int (*study_create)(ws_store *s, const char *name, int direction, ws_study *out, int *created, ws_err *e);
    int (*study_names)(ws_store *s, json_t **names, ws_err *e);
    int (*study_attr_get)(ws_store *s, int64_t study_id, int system, const char *key, json_t **value, ws_err *e);
    /* the study's trials (scope WS_LOAD_SCOPE_STUDY, load_common.h), or those whose number or
     * trial_id is key: ws_store_trials_load, ws_store_trial_load and ws_store_trial_load_id; with
     * WS_LOAD_STEP_IV (scope study), key is the step (ws_store_trials_load_step) */
    int (*trials_load)(ws_store *s, const ws_study *st, int scope, int64_t key, unsigned what, ws_trial_list *out,
                       ws_err *e);
    int (*trial_create)(ws_store *s, const ws_study *st, ws_state state, const ws_param *params, size_t n_params,
                        int64_t *trial_id, int *number, ws_err *e);
    int (*trial_claim_waiting)(ws_store *s, const ws_study *st, int64_t *trial_id, int *number, ws_err *e);
    int (*trial_set_params)(ws_store *s, int64_t trial_id, const ws_param *params, size_t n, ws_err *e);
    int (*trial_finish)(ws_store *s, int64_t trial_id, ws_state state, const double *value, ws_err *e);
    int (*trial_report)(ws_store *s, int64_t trial_id, int64_t step, double value, int *stored, ws_err *e);
    int (*trial_heartbeat)(ws_store *s, int64_t trial_id, ws_err *e);
    int (*trial_peers)(ws_store *s, int64_t trial_id, int *active, int *total, ws_err *e);
    int (*trial_require_running)(ws_store *s, int64_t trial_id, ws_err *e);
    int (*fail_stale)(ws_store *s, const ws_study *st, double grace_s, json_t **failed, ws_err *e);
    int (*study_attrs)(ws_store *s, int64_t study_id, int system, json_t **obj, json_t **texts, ws_err *e);
    int (*trial_import)(ws_store *s, const ws_study *st, const ws_trial *t, int64_t *trial_id, ws_err *e);
    /* every attribute write: ws_store_study_attr_set and ws_store_trial_attr_set turn the value
     * into Optuna's text in store.c, the same for both backends */
    int (*attr_set_text)(ws_store *s, const char *owner, int64_t id, int system, const char *key, const char *text,
                         ws_err *e);
    int (*begin_read)(ws_store *s, ws_err *e);
    /* each heartbeat of the study's trials: beat(id, epoch seconds, ctx) per row */
    int (*heartbeats)(ws_store *s, const ws_study *st, void (*beat)(int64_t, double, void *), void *ctx, ws_err *e);
} ws_store_ops;

struct ws_store {
    const ws_store_ops *ops;
    char *path;            /* for messages: the file path, or the URL without its password */
    int in_txn;            /* inside begin .. commit/rollback (the caller's or the store's own) */
    struct sqlite3 *db;    /* SQLite backend */
    int busy_timeout_ms;   /* SQLite: the wait for another connection's lock (WS_DB_BUSY_S; < 0
                            * before the open: read it there) */
    const char *busy_var;  /* SQLite: the variable that sets that wait, for messages */
    const char *busy_remedy;   /* SQLite: what a lock held past it tells to do (NULL: run the tool
                                * again; ws_store_set_busy_remedy) */
    const volatile sig_atomic_t *stop;   /* set (by a signal): stop waiting (NULL: none); PostgreSQL:
                                          * only with pg_answer_until_s */
    long long busy_until_ms;             /* SQLite, with stop: the wait in progress ends then */
    struct ws_pg *pg;      /* PostgreSQL backend */
    int pg_try_once;       /* PostgreSQL: ws_store_wait's: no wait for a server (retry_s 0) */
    struct pg_conn *pg_conn;   /* PostgreSQL: ws_store_wait's connection, until the open takes it */
    double pg_answer_until_s;  /* PostgreSQL: ws_store_wait's */
    double pg_answer_s;        /* PostgreSQL: ws_store_wait's */
    int pg_lock_timeout_ms;    /* PostgreSQL: ws_store_wait's */
    int *pg_locked;            /* PostgreSQL: ws_store_wait's */
    const ws_file_id *want;   /* SQLite: the file the open must be of (ws_store_open_file), or NULL */
};

/* alembic_version of the study at path (for messages) as Optuna 3.1 reads it: its first row
 * `revision` (NULL: none) and its second (NULL: none). 0 for v3.0.0.d, or no row (Optuna 3.1 stamps its head there); else WS_EINPUT: a
 * revision older than v3.0.0.d, whose tables lack columns the store reads and writes (version_info
 * says 12 for all of them), telling to upgrade it; one Optuna 3.1 does not know (a newer Optuna's
 * schema, which a write of ours could corrupt); or more than one row. Optuna 3.1 refuses all three.
 */
int ws_store_check_revision(const char *path, const char *revision, const char *second, ws_err *e);

/* A backend function's own transaction, for a write made of several statements: begun only when
 * the caller holds none (*own says so), and only then ended by ws_store_auto_end: rolled back
 * when !ok, else committed. Returns 0, or -1 when !ok or the begin or commit fails. */
int ws_store_auto_begin(ws_store *s, int *own, ws_err *e);
int ws_store_auto_end(ws_store *s, int own, int ok, ws_err *e);

/* Whether trial `number`, read (and on PostgreSQL locked) as being in `state`, may be reported on
 * or finished: 0 when RUNNING, else WS_ESTATE saying why and that nothing changed. Each backend
 * reads the state its own way; the answer and its words are the same for both. */
int ws_store_check_running(ws_state state, int number, ws_err *e);

/* A study that a backend's study_create found there already, instead of creating it: 0 when its
 * direction is the one asked for, else WS_EINPUT saying which it has (a direction is fixed when the
 * study is made, in Optuna too). */
int ws_store_check_direction(const ws_store *s, const ws_study *st, int direction, ws_err *e);

/* A copied trial's system and user attributes written to trial_id (each backend's trial_import):
 * those Python wrote with NaN or Infinity as written (ws_trial_attr_text), not their stand-ins. */
int ws_store_trial_import_attrs(ws_store *s, int64_t trial_id, const ws_trial *t, ws_err *e);

/* Each backend's open: fills *out (already allocated, ops set by the caller) or fails. */
int ws_sqlite_open(ws_store *s, const char *url, int flags, ws_err *e);
int ws_pg_open(ws_store *s, const char *url, int flags, ws_err *e);
extern const ws_store_ops ws_sqlite_ops, ws_pg_ops;

#endif
