/* pq_wait.c — a statement's answer waited for with an end (see pq_dl.h, ws_pq_exec_until). */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include "core/clock.h"
#include "store/pq_dl.h"

PGresult *ws_pq_exec_until(PGconn *c, const char *sql, int n, const char *const *params, double until_s,
                           const volatile sig_atomic_t *stop, double after_stop_s, int *late)
{
    *late = 0;
    if (!(n ? PQsendQueryParams(c, sql, n, NULL, params, NULL, NULL, 0) : PQsendQuery(c, sql))) return NULL;
    int stop_seen = 0;
    PGresult *kept = NULL, *r;
    for (;;) {
        while (PQisBusy(c)) {
            double now = ws_mono_s();
            if (stop && *stop && !stop_seen) { stop_seen = 1; until_s = fmin(until_s, now + after_stop_s); }
            if (now >= until_s) {
                PQclear(kept);
                *late = stop_seen ? WS_PQ_STOPPED : WS_PQ_LATE;
                return NULL;
            }
            /* in slices, so that a stop (whose signal may come just before poll) is seen */
            struct pollfd fd = {PQsocket(c), POLLIN, 0};
            int ms = (int)ceil(fmin(until_s - now, 0.05) * 1e3);
            if (poll(&fd, 1, ms) < 0 && errno != EINTR) { PQclear(kept); return NULL; }
            if (!PQconsumeInput(c)) { PQclear(kept); return NULL; }
        }
        if (!(r = PQgetResult(c))) return kept;
        if (kept && PQresultStatus(kept) == PGRES_FATAL_ERROR) PQclear(r);   /* the error stays, as PQexec's */
        else { PQclear(kept); kept = r; }
    }
}
