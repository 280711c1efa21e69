/* sqlite_read.h — opening a SQLite study file only to read it, also where the reader may not
 * write the file or its directory (a read-only mount, another user's study): report, and
 * study-copy's source. A store opened with WS_STORE_READ never writes (not even the journal
 * mode) and comes here when it may not write the file or its directory; gpu-monitor's samples
 * are always read so. */
#ifndef WS_STORE_SQLITE_READ_H
#define WS_STORE_SQLITE_READ_H
#include <sqlite3.h>
#include "core/err.h"

/* Opens path read-only, with the store's busy timeout and extended result codes; an SQLite
 * result code (on failure *db may be set: close it). A WAL-mode file whose directory the reader
 * may not write has no -shm it can share and can't get one; without a -wal file (no writer has
 * it open: the last one to close folds the WAL into the file) it is read as immutable, without
 * the shared memory; so is a file the reader may not write in a folder it may (SQLite would
 * leave a -wal and -shm there, read-only, that the study's writers could not use). So is one
 * for whose -shm a full disk has no room, where its -wal is absent or empty. */
int ws_sqlite_open_read(const char *path, sqlite3 **db);
/* A failure of such a connection (db may be NULL) with SQLite result code rc into e, as the
 * store words its own (ws_sql_fail): "PATH: WHAT: MESSAGE" of kind, and for a lock held past
 * the busy timeout why and what to do, WS_EINTERNAL. Returns -1. */
int ws_sqlite_read_fail(sqlite3 *db, int rc, ws_errkind kind, const char *path, const char *what, ws_err *e);

/* The busy timeout of every SQLite study connection (but gpu-monitor's): WS_DB_BUSY_S seconds
 * from the environment, 0 to 86400 (empty or unset: 60), in ms; -1 with WS_EINPUT in e (may be
 * NULL) for another value. */
int ws_sqlite_busy_timeout_ms(ws_err *e);

#endif
