/* sqlite_revision.c — a SQLite study file's alembic revision checked (see sqlite_revision.h). */
#include "store/sqlite_revision.h"
#include <stdlib.h>
#include <string.h>
#include "store/backend.h"

int ws_sqlite_check_revision(sqlite3 *db, const char *path, ws_err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                                    " AND name = 'alembic_version'", -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    int have = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) return rc;
    if (!have) return 0;
    /* the first two rows: one is Optuna's, two are refused */
    if ((rc = sqlite3_prepare_v2(db, "SELECT coalesce(version_num, 'NULL') FROM alembic_version ORDER BY 1 LIMIT 2",
                                 -1, &st, NULL)) != SQLITE_OK)
        return rc;
    char *rows[2] = {NULL, NULL};
    int oom = 0;
    for (int i = 0; i < 2 && (rc = sqlite3_step(st)) == SQLITE_ROW; i++)
        if (!(rows[i] = strdup((const char *)sqlite3_column_text(st, 0)))) { oom = 1; break; }
    sqlite3_finalize(st);
    int out = oom ? ws_err_set(e, WS_ENOMEM, "%s: reading alembic_version: out of memory", path)
              : rc != SQLITE_ROW && rc != SQLITE_DONE ? rc
              : ws_store_check_revision(path, rows[0], rows[1], e);
    free(rows[0]);
    free(rows[1]);
    return out;
}
