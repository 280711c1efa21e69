/* lock.c — a study locked inside the caller's write transaction (see lock.h). */
#include "study/lock.h"

int study_lock(ws_store *s, const ws_study *st, ws_err *e)
{
    ws_study again;
    int created;
    if (ws_store_study_create(s, st->name, st->direction, &again, &created, e)) return -1;
    /* made anew: deleted since the trial began; rolled back by the caller */
    if (created || again.id != st->id)
        return ws_err_set(e, WS_ESTATE, "study '%s' is gone: deleted by another process while this one trained a "
                          "trial of it", st->name);
    return 0;
}
