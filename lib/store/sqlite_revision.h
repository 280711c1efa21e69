/* sqlite_revision.h — a SQLite study file's alembic revision, read as Optuna 3.1 reads it and
 * checked by the store's one rule (ws_store_check_revision), for the store's open and for
 * gpu-monitor, which writes its samples into the study file too: a newer Optuna's schema is
 * refused by both, in the same words, before either writes anything. */
#ifndef WS_STORE_SQLITE_REVISION_H
#define WS_STORE_SQLITE_REVISION_H
#include <sqlite3.h>
#include "core/err.h"

/* The first two rows of db's alembic_version (path: the file, for messages) checked by
 * ws_store_check_revision: 0 when Optuna 3.1 takes them, or when the file has no alembic_version
 * (no Optuna tables yet: a new file); -1 with e filled when refused (WS_EINPUT) or out of memory;
 * else the SQLite result code of the read that failed, e untouched: each caller says that in its
 * own words (its wait for a lock is set by its own variable). */
int ws_sqlite_check_revision(sqlite3 *db, const char *path, ws_err *e);

#endif
