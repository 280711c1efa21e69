/* sqlite_internal.h — what the SQLite files of lib/store share: the store struct and the one
 * check macro through which every SQLite return code passes. Not for use outside lib/store. */
#ifndef WS_STORE_SQLITE_INTERNAL_H
#define WS_STORE_SQLITE_INTERNAL_H
#include <sqlite3.h>
#include "store/backend.h"

/* The SQLite backend's entries in ws_sqlite_ops (contracts in store.h). */
void ws_sqlite_close(ws_store *s);
int ws_sqlite_begin(ws_store *s, ws_err *e);
int ws_sqlite_commit(ws_store *s, ws_err *e);
void ws_sqlite_rollback(ws_store *s);
int ws_sqlite_study_find(ws_store *s, const char *name, ws_study *out, ws_err *e);
int ws_sqlite_study_create(ws_store *s, const char *name, int direction, ws_study *out, int *created, ws_err *e);
int ws_sqlite_study_names(ws_store *s, json_t **names, ws_err *e);
int ws_sqlite_study_attr_get(ws_store *s, int64_t study_id, int system, const char *key, json_t **value, ws_err *e);
int ws_sqlite_trials_load(ws_store *s, const ws_study *st, int scope, int64_t key, unsigned what, ws_trial_list *out,
                        ws_err *e);
int ws_sqlite_trial_create(ws_store *s, const ws_study *st, ws_state state, const ws_param *params, size_t n_params,
                           int64_t *trial_id, int *number, ws_err *e);
int ws_sqlite_trial_claim_waiting(ws_store *s, const ws_study *st, int64_t *trial_id, int *number, ws_err *e);
int ws_sqlite_trial_set_params(ws_store *s, int64_t trial_id, const ws_param *params, size_t n, ws_err *e);
int ws_sqlite_trial_finish(ws_store *s, int64_t trial_id, ws_state state, const double *value, ws_err *e);
int ws_sqlite_trial_report(ws_store *s, int64_t trial_id, int64_t step, double value, int *stored, ws_err *e);
int ws_sqlite_trial_heartbeat(ws_store *s, int64_t trial_id, ws_err *e);
int ws_sqlite_trial_peers(ws_store *s, int64_t trial_id, int *active, int *total, ws_err *e);
int ws_sqlite_trial_require_running(ws_store *s, int64_t trial_id, ws_err *e);
int ws_sqlite_heartbeats(ws_store *s, const ws_study *st, void (*beat)(int64_t, double, void *), void *ctx,
                         ws_err *e);
int ws_sqlite_fail_stale(ws_store *s, const ws_study *st, double grace_s, json_t **failed, ws_err *e);
int ws_sqlite_study_attrs(ws_store *s, int64_t study_id, int system, json_t **obj, json_t **texts, ws_err *e);
int ws_sqlite_trial_import(ws_store *s, const ws_study *st, const ws_trial *t, int64_t *trial_id, ws_err *e);
int ws_sqlite_attr_set_text(ws_store *s, const char *owner, int64_t id, int system, const char *key, const char *text,
                            ws_err *e);

/* Fills e from the connection's last error: "PATH: WHAT: sqlite message". Input-like failures
 * (read-only file, not a database) are WS_EINPUT; the rest WS_EINTERNAL. Returns -1. */
int ws_sql_fail(ws_store *s, int rc, const char *what, ws_err *e);

/* SQL_CHECK(s, rc, what, e): any rc other than OK, ROW or DONE fails the calling function. */
#define SQL_CHECK(s, rc, what, e) do { int rc_ = (rc); \
    if (rc_ != SQLITE_OK && rc_ != SQLITE_ROW && rc_ != SQLITE_DONE) return ws_sql_fail((s), rc_, (what), (e)); \
    } while (0)

/* Prepares sql into *st; on failure fills e. */
int ws_sql_prepare(ws_store *s, const char *sql, sqlite3_stmt **st, ws_err *e);
/* Runs one statement with no result rows (text only, no parameters). */
int ws_sql_exec(ws_store *s, const char *sql, ws_err *e);
/* Steps a prepared statement to completion (no rows expected) and finalizes it. */
int ws_sql_run(ws_store *s, sqlite3_stmt *st, const char *what, ws_err *e);

/* Value storage as Optuna writes it: finite numbers as they are, ±inf (and NaN for
 * intermediate values) as NULL with a type tag. */
const char *ws_sql_value_type(double v);

#endif
