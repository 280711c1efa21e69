/* pg_load.c — reading a study's trials from PostgreSQL: the queries and the cells; what the rows
 * become is load_common.c's. The reads take no locks, so they are not replayed after a
 * reconnect (WS_PG_KEEP): other trials changing meanwhile is what any unlocked read allows
 * (prune-check and suggest decide on such a view, as Optuna's do); what must hold is re-checked
 * under the row locks. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "store/load_common.h"
#include "store/pg_internal.h"

static const char *text_or_null(const PGresult *r, int i, int col)
{
    return PQgetisnull(r, i, col) ? NULL : PQgetvalue(r, i, col);
}

static int64_t int_col(const PGresult *r, int i, int col) { return strtoll(PQgetvalue(r, i, col), NULL, 10); }

/* Cells of row i: PostgreSQL's column types leave only a NULL (and a type, a sign, an
 * objective's number) to check; a number as text round-trips (%.17g, NaN, Infinity). */
static const ws_num_cells *num_cells(const PGresult *r, int i, int col, int type_col, ws_num_cells *c)
{
    c->null = PQgetisnull(r, i, col);
    c->ok = !c->null;
    if (c->ok) c->v = strtod(PQgetvalue(r, i, col), NULL);
    if (type_col >= 0) c->type = text_or_null(r, i, type_col);
    return c;
}

static const ws_int_cell *int_cell(const PGresult *r, int i, int col, ws_int_cell *c)
{
    c->ok = !PQgetisnull(r, i, col);   /* NOT NULL columns: only a changed table has one */
    c->v = int_col(r, i, col);
    return c;
}

/* Row i of query k into its trial. */
static int add_row(ws_loader *ld, int k, const PGresult *r, int i, ws_err *e)
{
    ws_trial *t = ws_loader_trial(ld, int_col(r, i, 0));
    if (!t) return 0;
    switch (k) {
    case WS_LOADQ_VALUE:
        return ws_load_value_row(t, int_cell(r, i, 3, &(ws_int_cell){0}), num_cells(r, i, 1, 2, &(ws_num_cells){0}), e);
    case WS_LOADQ_PARAM:
        /* the names' lengths as C strings: PostgreSQL's text holds no NUL byte */
        return ws_load_param(ld, t, PQgetvalue(r, i, 1), strlen(PQgetvalue(r, i, 1)),
                             num_cells(r, i, 2, -1, &(ws_num_cells){0}), text_or_null(r, i, 3), e);
    case WS_LOADQ_IV:
        return ws_load_iv_row(t, int_cell(r, i, 1, &(ws_int_cell){0}), num_cells(r, i, 2, 3, &(ws_num_cells){0}), e);
    default: return ws_load_attr(t, k == WS_LOADQ_SYS_ATTR, PQgetvalue(r, i, 1), strlen(PQgetvalue(r, i, 1)),
                                 text_or_null(r, i, 2), e);
    }
}

/* scope (WS_LOAD_SCOPE_*): the study's trials, or those whose number or trial_id is key */
int ws_pg_trials_load(ws_store *s, const ws_study *study, int scope, int64_t key, unsigned what,
                      ws_trial_list *l, ws_err *e)
{
    memset(l, 0, sizeof *l);
    char sid[24], num[24], sql[512];
    snprintf(sid, sizeof sid, "%" PRId64, study->id);
    snprintf(num, sizeof num, "%" PRId64, key);
    const char *pv[] = {sid, num};
    int np = scope != WS_LOAD_SCOPE_STUDY ? 2 : 1;
    PGresult *r;
    if (ws_pg_exec(s, ws_load_trials_query('$', scope, sql, sizeof sql), np, pv, WS_PG_KEEP, &r, "load trials", e))
        return -1;
    int ok = 1;
    for (int i = 0; ok && i < PQntuples(r); i++)
        ok = ws_load_add_trial(l, int_col(r, i, 0), (int)int_col(r, i, 1), PQgetvalue(r, i, 2), text_or_null(r, i, 3),
                               text_or_null(r, i, 4), e) != NULL;
    PQclear(r);
    if (!ok && e->kind == WS_EINPUT) ws_err_prefix(e, "%s: study '%s'", s->path, study->name);
    if (!ok) { ws_trial_list_free(l); return -1; }

    ws_loader ld;
    ok = !ws_loader_init(&ld, l, e);
    for (int k = 0; ok && k < WS_LOADQ_N; k++) {
        if (!ws_load_query(k, what, '$', scope, key, sql, sizeof sql)) continue;
        if (ws_pg_exec(s, sql, np, pv, WS_PG_KEEP, &r, "load trials", e)) { ok = 0; break; }
        for (int i = 0; ok && i < PQntuples(r); i++)
            if (add_row(&ld, k, r, i, e)) {   /* "trial N: param P: ..." alone names neither file nor study */
                ws_err_prefix(e, "%s: study '%s'", s->path, study->name);
                ok = 0;
            }
        PQclear(r);
    }
    ws_loader_release(&ld);
    if (!ok) { ws_trial_list_free(l); return -1; }
    return 0;
}
