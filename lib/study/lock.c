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

int study_attr_once(ws_store *s, const ws_study *st, const char *key, int record,
                    json_t *(*make)(void *ctx, ws_err *e), void *ctx, json_t **kept, ws_err *e)
{
    *kept = NULL;
    /* read first: once made (every trial after a study's first), no write transaction, which
     * would queue the trials of a sweep that start together on the store's write lock */
    if (ws_store_study_attr_get(s, st->id, 1, key, kept, e)) return -1;
    if (!record || *kept) return 0;
    if (ws_store_begin(s, e)) return -1;
    int rc = study_lock(s, st, e) || ws_store_study_attr_get(s, st->id, 1, key, kept, e) ? -1 : 0;
    if (!rc && !*kept) rc = (*kept = make(ctx, e)) && !ws_store_study_attr_set(s, st->id, 1, key, *kept, e) ? 0 : -1;
    if (rc) ws_store_rollback(s);
    else rc = ws_store_commit(s, e) ? -1 : 0;
    if (rc) {
        json_decref(*kept);
        *kept = NULL;
    }
    return rc;
}
