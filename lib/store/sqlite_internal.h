/* sqlite_internal.h — what the SQLite files of lib/store share: the store struct and the one
 * check macro through which every SQLite return code passes. Not for use outside lib/store. */
#ifndef WS_STORE_SQLITE_INTERNAL_H
#define WS_STORE_SQLITE_INTERNAL_H
#include <sqlite3.h>
#include "store/store.h"

struct ws_store {
    sqlite3 *db;
    char *path;          /* file path, for messages */
    int in_txn;          /* inside ws_store_begin .. commit/rollback */
};

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
/* Begins an implicit transaction when the caller holds none; *own says whether to end it. */
int ws_sql_auto_begin(ws_store *s, int *own, ws_err *e);
int ws_sql_auto_end(ws_store *s, int own, int ok, ws_err *e);

/* Value storage as Optuna writes it: finite numbers as they are, ±inf (and NaN for
 * intermediate values) as NULL with a type tag. */
const char *ws_sql_value_type(double v);
double ws_sql_value_from(sqlite3_stmt *st, int value_col, int type_col);

#endif
