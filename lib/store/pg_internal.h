/* pg_internal.h — what the PostgreSQL files of lib/store share: the connection state and the
 * one executor every statement goes through. Not for use outside lib/store.
 *
 * Surviving a server restart: every statement run inside a transaction (the caller's or a
 * function's own) is logged with its parameters and a digest of its result. When the connection
 * drops, or the server aborts the transaction as a serialization failure or a deadlock, the
 * executor reconnects with backoff (up to retry_s), begins again and replays the log: when every
 * replayed statement gives the same result, the caller's decisions still hold and the statement
 * that failed is run again; when one differs (another process changed what it read), the
 * transaction fails. Ids the caller keeps (trial_id, study_id) come from nextval() in statements
 * marked WS_PG_KEEP, which are not replayed: a sequence never hands out a value twice, so the
 * ids stay valid. Loading a study's trials (pg_load.c) is marked so too: those reads lock
 * nothing, and the whole study changes under concurrent workers, so comparing them would fail
 * every resumed transaction; what a decision needs (a count under the study's row lock, a
 * trial's state under its own) is replayed and compared. A COMMIT lost with its connection is replayed the same way: when it had
 * succeeded, the replay reads the changed rows and fails rather than applying anything twice. */
#ifndef WS_STORE_PG_INTERNAL_H
#define WS_STORE_PG_INTERNAL_H
#include <libpq-fe.h>
#include "store/pq_dl.h"
#include "store/backend.h"

typedef struct {
    char *sql;
    char **params; int n_params;
    unsigned long long digest;   /* FNV-1a of the result rows and the affected-row count */
    int keep;                    /* WS_PG_KEEP: not replayed (a sequence value, an unlocked load) */
} ws_pg_logged;

struct ws_pg {
    PGconn *conn;
    char *conninfo;              /* the URL as libpq takes it */
    double retry_s;              /* how long to wait for a server that went away */
    double answer_until_s;       /* > 0: during the open, a statement's answer is waited for until
                                  * this monotonic time at most, and not after a stop (ws_store_wait's
                                  * pg_answer_until_s), then the connection closed */
    double answer_s;             /* ... how long that was at the open, for the message */
    char late[96];               /* ... why a statement was given up ("": none) */
    ws_pg_logged *log; size_t n_log, cap_log;
};

enum { WS_PG_KEEP = 1 };

/* Runs sql with text parameters (NULL for SQL NULL). On success *res (when res is not NULL)
 * holds the result, to PQclear. Retries as described above; fills e and returns -1 otherwise. */
int ws_pg_exec(ws_store *s, const char *sql, int n, const char *const *params, int flags, PGresult **res,
               const char *what, ws_err *e);
/* Like ws_pg_exec for a statement whose result is not needed. */
int ws_pg_run(ws_store *s, const char *sql, int n, const char *const *params, const char *what, ws_err *e);
/* Connects (waiting for the server up to retry_s). */
int ws_pg_connect(ws_store *s, ws_err *e);
/* A connection to conninfo begun without waiting (PQconnectStartParams), with the parameters
 * ws_pg_connect's are made with (ws_store_pg_connect_start). */
PGconn *ws_pg_connect_start(const char *conninfo);
/* The settings of every connection once made (NOTICEs not printed by libpq; ws_store_wait's
 * lock_timeout), on s's. */
void ws_pg_settings(ws_store *s);
/* ROLLBACK on s's connection (none: nothing), its answer waited for as every statement of s's
 * (during an open with a deadline: until then, not after a stop, then the connection closed):
 * libpq's PQexec waited for ever for a server that stalled just then, after a statement of the
 * open failed in its transaction (gpu-monitor's CREATE INDEX ended by lock_timeout). */
void ws_pg_send_rollback(ws_store *s);
/* Drops the transaction log (after commit or rollback). */
void ws_pg_log_clear(struct ws_pg *p);

/* Numbers as text parameters: %.17g round-trips a double; ±inf and NaN are stored as NULL with
 * a type tag, as Optuna does. */
void ws_pg_double(char *buf, size_t len, double v);

/* INSERT ... ON CONFLICT UPDATE of an attribute of owner "study" or "trial", the value_json text
 * given, as it is (ws_pg_ops' attr_set_text; store.c makes the text from a JSON value). */
int ws_pg_attr_set_text(ws_store *s, const char *owner, int64_t owner_id, int system, const char *key, const char *text,
                        ws_err *e);

/* The PostgreSQL backend's entries in ws_pg_ops (contracts in store.h). */
void ws_pg_close(ws_store *s);
int ws_pg_begin(ws_store *s, ws_err *e);
int ws_pg_commit(ws_store *s, ws_err *e);
void ws_pg_rollback(ws_store *s);
int ws_pg_study_find(ws_store *s, const char *name, ws_study *out, ws_err *e);
int ws_pg_study_create(ws_store *s, const char *name, int direction, ws_study *out, int *created, ws_err *e);
int ws_pg_study_names(ws_store *s, json_t **names, ws_err *e);
int ws_pg_study_attr_get(ws_store *s, int64_t study_id, int system, const char *key, json_t **value, ws_err *e);
int ws_pg_trials_load(ws_store *s, const ws_study *st, int scope, int64_t key, unsigned what, ws_trial_list *out,
                        ws_err *e);
int ws_pg_trial_create(ws_store *s, const ws_study *st, ws_state state, const ws_param *params, size_t n_params,
                       int64_t *trial_id, int *number, ws_err *e);
int ws_pg_trial_claim_waiting(ws_store *s, const ws_study *st, int64_t *trial_id, int *number, ws_err *e);
int ws_pg_trial_set_params(ws_store *s, int64_t trial_id, const ws_param *params, size_t n, ws_err *e);
int ws_pg_trial_finish(ws_store *s, int64_t trial_id, ws_state state, const double *value, ws_err *e);
int ws_pg_trial_report(ws_store *s, int64_t trial_id, int64_t step, double value, int *stored, ws_err *e);
int ws_pg_trial_heartbeat(ws_store *s, int64_t trial_id, ws_err *e);
int ws_pg_trial_peers(ws_store *s, int64_t trial_id, int *active, int *total, ws_err *e);
int ws_pg_trial_require_running(ws_store *s, int64_t trial_id, ws_err *e);
int ws_pg_heartbeats(ws_store *s, const ws_study *st, void (*beat)(int64_t, double, void *), void *ctx, ws_err *e);
int ws_pg_fail_stale(ws_store *s, const ws_study *st, double grace_s, json_t **failed, ws_err *e);
int ws_pg_study_attrs(ws_store *s, int64_t study_id, int system, json_t **obj, json_t **texts, ws_err *e);
int ws_pg_trial_import(ws_store *s, const ws_study *st, const ws_trial *t, int64_t *trial_id, ws_err *e);

#endif
