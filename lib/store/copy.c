/* copy.c — a study copied from one store to another (SQLite to PostgreSQL and back), as
 * Optuna's copy_study does: direction, study attributes, and every trial with its number,
 * state, datetimes, params, value, intermediate values and attributes. Backend-neutral: it
 * only uses store.h. */
#include <stdio.h>
#include "store/store.h"

/* *failed: the store whose read or write failed (src or dst). */
static int copy_attrs(ws_store *src, const ws_study *from, ws_store *dst, const ws_study *to, int system,
                      ws_store **failed, ws_err *e)
{
    json_t *obj, *texts;
    *failed = src;
    if (ws_store_study_attrs(src, from->id, system, &obj, &texts, e)) return -1;
    *failed = dst;
    const char *key;
    json_t *v;
    int rc = 0;
    json_object_foreach(obj, key, v) {   /* Python's NaN and Infinity as written, not their stand-ins */
        const char *text = json_string_value(json_object_get(texts, key));
        rc = text ? ws_store_attr_set_text(dst, "study", to->id, system, key, text, e)
                  : ws_store_study_attr_set(dst, to->id, system, key, v, e);
        if (rc) break;
    }
    json_decref(obj);
    json_decref(texts);
    return rc;
}

static int exists_already(ws_store *dst, const char *name, ws_err *e)
{
    return ws_err_set(e, WS_EINPUT, "%s: a study named '%s' exists already", ws_store_path(dst), name);
}

int ws_store_copy_study(ws_store *src, const char *name, ws_store *dst, const char *dst_name, int *n_trials,
                        ws_store **failed, ws_err *e)
{
    ws_study from, to;
    ws_err none;
    *n_trials = 0;
    *failed = src;
    if (!dst_name) dst_name = name;
    if (ws_store_study_find(src, name, &from, e)) return -1;
    *failed = dst;
    /* early, before the trials are loaded; the answer that counts is the one in the transaction */
    if (ws_store_study_find(dst, dst_name, &to, &none) == 0) return exists_already(dst, dst_name, e);
    ws_trial_list l;
    *failed = src;
    if (ws_store_trials_load(src, &from, WS_LOAD_ALL, &l, e)) return -1;
    /* one transaction: a copy is whole or absent */
    *failed = dst;
    int created, ok = !ws_store_begin(dst, e);
    if (ok) ok = !ws_store_study_create(dst, dst_name, from.direction, &to, &created, e);
    /* Another copy (or suggest) may have created the study since the check above: create finds
     * it then, and the trials would go into it. Inside the write transaction the answer holds
     * until the commit (SQLite's write lock, PostgreSQL's advisory lock on the name). */
    if (ok && !created) ok = !exists_already(dst, dst_name, e);
    for (int system = 1; ok && system >= 0; system--)   /* reads src, writes dst: either may fail */
        ok = !copy_attrs(src, &from, dst, &to, system, failed, e);
    for (size_t i = 0; ok && i < l.n; i++) {
        int64_t id;
        ok = !ws_store_trial_import(dst, &to, &l.v[i], &id, e);
        if (!ok) ws_err_prefix(e, "trial %d", l.v[i].number);
    }
    if (ok) ok = !ws_store_commit(dst, e);
    else ws_store_rollback(dst);
    if (ok) { *n_trials = (int)l.n; *failed = NULL; }
    ws_trial_list_free(&l);
    return ok ? 0 : -1;
}
