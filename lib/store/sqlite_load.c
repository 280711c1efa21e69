/* sqlite_load.c — reading a study's trials into ws_trial records: one query per table for the
 * whole study (not one per trial), so loading stays fast with thousands of trials. Distribution
 * JSON repeats across trials, so each distinct text is parsed once. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/json.h"
#include "store/sqlite_internal.h"

typedef struct { int64_t trial_id; size_t idx; } id_index;

typedef struct {
    char **text; ws_dist *dist; size_t n, cap;
} dist_cache;

static int cmp_id(const void *a, const void *b)
{
    int64_t x = ((const id_index *)a)->trial_id, y = ((const id_index *)b)->trial_id;
    return (x > y) - (x < y);
}

static ws_trial *find(ws_trial_list *l, id_index *ix, int64_t id)
{
    id_index key = {id, 0};
    id_index *hit = bsearch(&key, ix, l->n, sizeof *ix, cmp_id);
    return hit ? &l->v[hit->idx] : NULL;
}

static const ws_dist *cached_dist(dist_cache *c, const char *text, ws_err *e)
{
    for (size_t i = 0; i < c->n; i++) if (!strcmp(c->text[i], text)) return &c->dist[i];
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        char **t = realloc(c->text, cap * sizeof *t);
        if (t) c->text = t;
        ws_dist *d = realloc(c->dist, cap * sizeof *d);
        if (d) c->dist = d;
        if (!t || !d) { ws_err_set(e, WS_EINTERNAL, "out of memory"); return NULL; }
        c->cap = cap;
    }
    if (ws_dist_from_optuna(text, &c->dist[c->n], e)) return NULL;
    c->text[c->n] = strdup(text);
    return &c->dist[c->n++];
}

static void dist_cache_free(dist_cache *c)
{
    for (size_t i = 0; i < c->n; i++) { free(c->text[i]); ws_dist_release(&c->dist[i]); }
    free(c->text);
    free(c->dist);
}

static double datetime_col(sqlite3_stmt *st, int col)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    return t ? ws_datetime_parse(t) : NAN;
}

/* Runs `sql` (?1 the study id, ?2 a trial number when number >= 0) and hands each row, with
 * the trial its first column names, to `row`. */
typedef int (*row_fn)(ws_trial *t, sqlite3_stmt *st, void *ctx, ws_err *e);

static int each_row(ws_store *s, const char *sql, const ws_study *study, int number, ws_trial_list *l,
                    id_index *ix, row_fn row, void *ctx, ws_err *e)
{
    sqlite3_stmt *st;
    if (ws_sql_prepare(s, sql, &st, e)) return -1;
    sqlite3_bind_int64(st, 1, study->id);
    if (number >= 0) sqlite3_bind_int(st, 2, number);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ws_trial *t = find(l, ix, sqlite3_column_int64(st, 0));
        if (t && row(t, st, ctx, e)) { sqlite3_finalize(st); return -1; }
    }
    sqlite3_finalize(st);
    SQL_CHECK(s, rc, "load trials", e);
    return 0;
}

static int value_row(ws_trial *t, sqlite3_stmt *st, void *ctx, ws_err *e)
{
    (void)ctx; (void)e;
    t->has_value = 1;
    t->value = ws_sql_value_from(st, 1, 2);
    return 0;
}

static int param_row(ws_trial *t, sqlite3_stmt *st, void *ctx, ws_err *e)
{
    const ws_dist *d = cached_dist(ctx, (const char *)sqlite3_column_text(st, 3), e);
    if (!d) return ws_err_prefix(e, "trial %d: param %s", t->number, (const char *)sqlite3_column_text(st, 1));
    ws_param *np = realloc(t->params, (t->n_params + 1) * sizeof *np);
    if (!np) return ws_err_set(e, WS_EINTERNAL, "out of memory");
    t->params = np;
    np[t->n_params].name = strdup((const char *)sqlite3_column_text(st, 1));
    ws_dist_copy(&np[t->n_params].dist, d);
    np[t->n_params].internal = sqlite3_column_double(st, 2);
    t->n_params++;
    return 0;
}

static int iv_row(ws_trial *t, sqlite3_stmt *st, void *ctx, ws_err *e)
{
    (void)ctx;
    if ((t->n_ivs & (t->n_ivs - 1)) == 0) {   /* grow at powers of two */
        ws_iv *nv = realloc(t->ivs, (t->n_ivs ? 2 * t->n_ivs : 1) * sizeof *nv);
        if (!nv) return ws_err_set(e, WS_EINTERNAL, "out of memory");
        t->ivs = nv;
    }
    t->ivs[t->n_ivs].step = sqlite3_column_int(st, 1);
    t->ivs[t->n_ivs].value = ws_sql_value_from(st, 2, 3);
    t->n_ivs++;
    return 0;
}

static int attr_row(ws_trial *t, sqlite3_stmt *st, void *ctx, ws_err *e)
{
    (void)e;
    json_t *obj = *(int *)ctx ? t->system_attrs : t->user_attrs;
    const char *text = (const char *)sqlite3_column_text(st, 2);
    json_t *v = text ? ws_json_load_string(text, "attribute", NULL) : NULL;
    /* Python writes NaN/Infinity, which strict JSON parsers refuse: keep such values as text. */
    json_object_set_new(obj, (const char *)sqlite3_column_text(st, 1), v ? v : json_string(text ? text : ""));
    return 0;
}

static int load(ws_store *s, const ws_study *study, const char *where, int number, unsigned what,
                ws_trial_list *l, ws_err *e)
{
    memset(l, 0, sizeof *l);
    char sql[512];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials "
                              "WHERE study_id = ?%s ORDER BY number, trial_id", where);
    if (ws_sql_prepare(s, sql, &st, e)) return -1;
    sqlite3_bind_int64(st, 1, study->id);
    if (number >= 0) sqlite3_bind_int(st, 2, number);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (l->n == cap) {
            cap = cap ? 2 * cap : 64;
            ws_trial *nv = realloc(l->v, cap * sizeof *nv);
            if (!nv) { sqlite3_finalize(st); ws_trial_list_free(l); return ws_err_set(e, WS_EINTERNAL, "out of memory"); }
            l->v = nv;
        }
        ws_trial *t = &l->v[l->n++];
        memset(t, 0, sizeof *t);
        t->trial_id = sqlite3_column_int64(st, 0);
        t->number = sqlite3_column_int(st, 1);
        if (ws_state_parse((const char *)sqlite3_column_text(st, 2), &t->state)) t->state = WS_FAIL;
        t->t_start = datetime_col(st, 3);
        t->t_complete = datetime_col(st, 4);
        t->system_attrs = json_object();
        t->user_attrs = json_object();
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) { ws_trial_list_free(l); return ws_sql_fail(s, rc, "load trials", e); }

    id_index *ix = malloc((l->n ? l->n : 1) * sizeof *ix);
    if (!ix) { ws_trial_list_free(l); return ws_err_set(e, WS_EINTERNAL, "out of memory"); }
    for (size_t i = 0; i < l->n; i++) ix[i] = (id_index){l->v[i].trial_id, i};
    qsort(ix, l->n, sizeof *ix, cmp_id);

    /* Each table in one query over the study (or over the one trial wanted). */
    const char *scope = number >= 0 ? " AND t.number = ?2" : "";
    dist_cache cache = {0};
    int sys = 1, usr = 0, ok = 1;
    struct { unsigned need; const char *head, *tail; row_fn fn; void *ctx; } q[] = {
        {0, "SELECT x.trial_id, x.value, x.value_type FROM trial_values x", " AND x.objective = 0", value_row, NULL},
        {WS_LOAD_PARAMS, "SELECT x.trial_id, x.param_name, x.param_value, x.distribution_json FROM trial_params x",
         " ORDER BY x.param_id", param_row, &cache},
        {WS_LOAD_IVS, "SELECT x.trial_id, x.step, x.intermediate_value, x.intermediate_value_type FROM "
         "trial_intermediate_values x", " ORDER BY x.trial_id, x.step", iv_row, NULL},
        {WS_LOAD_ATTRS, "SELECT x.trial_id, x.key, x.value_json FROM trial_system_attributes x", "", attr_row, &sys},
        {WS_LOAD_ATTRS, "SELECT x.trial_id, x.key, x.value_json FROM trial_user_attributes x", "", attr_row, &usr},
    };
    for (size_t i = 0; ok && i < sizeof q / sizeof q[0]; i++) {
        if (q[i].need && !(what & q[i].need)) continue;
        char text[512];
        snprintf(text, sizeof text, "%s JOIN trials t ON t.trial_id = x.trial_id WHERE t.study_id = ?1%s%s",
                 q[i].head, scope, q[i].tail);
        ok = !each_row(s, text, study, number, l, ix, q[i].fn, q[i].ctx, e);
    }
    free(ix);
    dist_cache_free(&cache);
    if (!ok) { ws_trial_list_free(l); return -1; }
    return 0;
}

int ws_store_trials_load(ws_store *s, const ws_study *st, unsigned what, ws_trial_list *out, ws_err *e)
{
    return load(s, st, "", -1, what, out, e);
}

int ws_store_trial_load(ws_store *s, const ws_study *st, int number, unsigned what, ws_trial *out, ws_err *e)
{
    ws_trial_list l;
    if (load(s, st, " AND number = ?2", number, what, &l, e)) return -1;
    if (l.n == 0) {
        ws_trial_list_free(&l);
        return ws_err_set(e, WS_EINPUT, "study '%s': unknown trial %d", st->name, number);
    }
    *out = l.v[0];
    for (size_t i = 1; i < l.n; i++) ws_trial_release(&l.v[i]);
    free(l.v);
    return 0;
}
