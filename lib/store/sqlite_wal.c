/* sqlite_wal.c — WAL mode despite the deadlock of two new connections (see sqlite_wal.h). */
#include "store/sqlite_wal.h"
#include "core/clock.h"

int ws_sqlite_set_wal(sqlite3 *db, int timeout_ms, const volatile sig_atomic_t *stop)
{
    double t0 = ws_mono_s();
    for (;;) {
        int rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL, NULL, NULL);
        if ((rc & 0xff) != SQLITE_BUSY || (ws_mono_s() - t0) * 1e3 > timeout_ms || (stop && *stop)) return rc;
        unsigned r;
        sqlite3_randomness(sizeof r, &r);
        sqlite3_sleep(5 + (int)(r % 20));   /* random: two that collided should not meet again */
    }
}
