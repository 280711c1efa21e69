/* copy.c — a study copied from one store to another (SQLite to PostgreSQL and back), as
 * Optuna's copy_study does: direction, study attributes, and every trial with its number
 * (0..n-1, as Optuna's add_trial numbers them), state, datetimes, params, value, intermediate
 * values and attributes. Backend-neutral: it only uses store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/store.h"

/* A study's attributes as read: system (i = 1) and user (i = 0), each {key: value} and the texts
 * of those that are not strict JSON. */
typedef struct { json_t *obj[2], *texts[2]; } study_attrs;

static void attrs_free(study_attrs *a)
{
    for (int i = 0; i < 2; i++) { json_decref(a->obj[i]); json_decref(a->texts[i]); }
}

static int attrs_read(ws_store *src, const ws_study *from, study_attrs *a, ws_err *e)
{
    for (int system = 1; system >= 0; system--)
        if (ws_store_study_attrs(src, from->id, system, &a->obj[system], &a->texts[system], e)) return -1;
    return 0;
}

/* wakesweep's study config names its study (suggest --study NAME keeps NAME in it, and refuses
 * a config that differs from the kept one): copied under another name, it takes that name, else
 * suggest --study NEW could not continue the copy. NULL when v is not such a config or out of
 * memory (then v is written as it is). */
static json_t *config_renamed(const char *key, json_t *v, const char *name)
{
    if (strcmp(key, WS_ATTR_CONFIG) || !json_is_string(json_object_get(v, "study"))
        || !strcmp(json_string_value(json_object_get(v, "study")), name))
        return NULL;
    json_t *c = json_deep_copy(v);
    if (c && json_object_set_new(c, "study", json_string(name))) { json_decref(c); c = NULL; }
    return c;
}

static int attrs_write(ws_store *dst, const ws_study *to, const study_attrs *a, ws_err *e)
{
    for (int system = 1; system >= 0; system--) {
        const char *key;
        json_t *v;
        json_object_foreach(a->obj[system], key, v) {   /* Python's NaN and Infinity as written, not their stand-ins */
            const char *text = json_string_value(json_object_get(a->texts[system], key));
            json_t *renamed = system && !text ? config_renamed(key, v, to->name) : NULL;
            int rc = text ? ws_store_attr_set_text(dst, "study", to->id, system, key, text, e)
                          : ws_store_study_attr_set(dst, to->id, system, key, renamed ? renamed : v, e);
            json_decref(renamed);
            if (rc) return -1;
        }
    }
    return 0;
}

static int exists_already(ws_store *dst, const char *name, ws_err *e)
{
    return ws_err_set(e, WS_EINPUT, "%s: a study named '%s' exists already", ws_store_path(dst), name);
}

struct ws_copy_source {
    ws_study from;
    ws_trial_list l;
    study_attrs a;
};

void ws_copy_source_free(ws_copy_source *c)
{
    if (!c) return;
    ws_trial_list_free(&c->l);
    attrs_free(&c->a);
    free(c);
}

/* The source's study, trials and attributes as of one moment: read in one snapshot, so that a
 * trial finished meanwhile by another process is copied as it was before (RUNNING, no value) or
 * after (COMPLETE with its value), never half of each. */
ws_copy_source *ws_store_copy_read(ws_store *src, const char *name, ws_err *e)
{
    ws_copy_source *c = calloc(1, sizeof *c);
    if (!c) return ws_err_set(e, WS_ENOMEM, "out of memory"), NULL;
    if (ws_store_begin_read(src, e)) { free(c); return NULL; }
    int ok = !ws_store_study_find(src, name, &c->from, e);
    if (ok) ok = !ws_store_trials_load(src, &c->from, WS_LOAD_ALL, &c->l, e);
    if (ok) ok = !attrs_read(src, &c->from, &c->a, e);
    ws_store_end_read(src);
    if (!ok) { ws_copy_source_free(c); return NULL; }
    return c;
}

int ws_store_copy_write(const ws_copy_source *c, ws_store *dst, const char *dst_name, int *n_trials, ws_err *e)
{
    ws_study to;
    *n_trials = 0;
    if (!dst_name) dst_name = c->from.name;
    /* one transaction: a copy is whole or absent */
    int created, ok = !ws_store_begin(dst, e);
    if (ok) ok = !ws_store_study_create(dst, dst_name, c->from.direction, &to, &created, e);
    /* Another copy (or suggest) may have created the study since an earlier look: create finds
     * it then, and the trials would go into it. Inside the write transaction the answer holds
     * until the commit (SQLite's write lock, PostgreSQL's advisory lock on the name). */
    if (ok && !created) ok = !exists_already(dst, dst_name, e);
    if (ok) ok = !attrs_write(dst, &to, &c->a, e);
    for (size_t i = 0; ok && i < c->l.n; i++) {
        /* Numbered as Optuna's copy_study numbers them: its add_trial gives each trial (in the
         * source's order, by number then trial id, as loaded) the count of those before it, so
         * a source with gaps (trials deleted by hand) or a number two rows hold is copied as
         * 0..n-1; kept as they were, the copy's next trial (numbered by the count) would take
         * a number a trial holds already. */
        ws_trial t = c->l.v[i];
        t.number = (int)i;
        int64_t id;
        ok = !ws_store_trial_import(dst, &to, &t, &id, e);
        if (!ok) ws_err_prefix(e, "trial %d", c->l.v[i].number);
    }
    if (ok) ok = !ws_store_commit(dst, e);
    else ws_store_rollback(dst);
    if (ok) *n_trials = (int)c->l.n;
    return ok ? 0 : -1;
}
