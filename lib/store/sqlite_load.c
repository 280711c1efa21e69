/* sqlite_load.c — reading a study's trials from SQLite: the queries and the cells; what the rows
 * become is load_common.c's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "store/load_common.h"
#include "store/sqlite_internal.h"

static const char *text_col(sqlite3_stmt *st, int col) { return (const char *)sqlite3_column_text(st, col); }
/* the bytes of a text cell, past a NUL in it too (ws_load_name): after text_col, as SQLite asks */
static size_t text_bytes(sqlite3_stmt *st, int col) { return (size_t)sqlite3_column_bytes(st, col); }

static int prepare(ws_store *s, const char *sql, const ws_study *study, int scope, int64_t key, sqlite3_stmt **st,
                   ws_err *e)
{
    if (ws_sql_prepare(s, sql, st, e)) return -1;
    sqlite3_bind_int64(*st, 1, study->id);
    if (scope != WS_LOAD_SCOPE_STUDY) sqlite3_bind_int64(*st, 2, key);
    return 0;
}

/* Cells by their storage classes: the columns' affinities turn what looks like a number into
 * one, so text or a blob in a FLOAT column is not a number, and a REAL in an INTEGER column is a
 * fraction (or past 64 bits). Texts only where a message needs them. */
static const ws_int_cell *int_cell(sqlite3_stmt *st, int col, ws_int_cell *c)
{
    int class = sqlite3_column_type(st, col);
    c->ok = class == SQLITE_INTEGER;
    c->v = sqlite3_column_int64(st, col);
    if (!c->ok && class != SQLITE_BLOB) c->text = text_col(st, col);
    return c;
}

/* type_col < 0: the number has no type column */
static const ws_num_cells *num_cells(sqlite3_stmt *st, int col, int type_col, ws_num_cells *c)
{
    int class = sqlite3_column_type(st, col);
    c->null = class == SQLITE_NULL;
    c->ok = class == SQLITE_FLOAT || class == SQLITE_INTEGER;
    c->v = sqlite3_column_double(st, col);
    if (class == SQLITE_TEXT) c->text = text_col(st, col);
    if (type_col >= 0) c->type = text_col(st, type_col);
    return c;
}

/* One row of query k into its trial. */
static int add_row(ws_loader *ld, int k, sqlite3_stmt *st, ws_err *e)
{
    ws_trial *t = ws_loader_trial(ld, sqlite3_column_int64(st, 0));
    if (!t) return 0;
    switch (k) {
    case WS_LOADQ_VALUE:
        return ws_load_value_row(t, int_cell(st, 3, &(ws_int_cell){0}), num_cells(st, 1, 2, &(ws_num_cells){0}), e);
    case WS_LOADQ_PARAM: {
        const char *name = text_col(st, 1);
        return ws_load_param(ld, t, name, text_bytes(st, 1), num_cells(st, 2, -1, &(ws_num_cells){0}), text_col(st, 3), e);
    }
    case WS_LOADQ_IV:
        return ws_load_iv_row(t, int_cell(st, 1, &(ws_int_cell){0}), num_cells(st, 2, 3, &(ws_num_cells){0}), e);
    default: {
        const char *key = text_col(st, 1);
        return ws_load_attr(t, k == WS_LOADQ_SYS_ATTR, key, text_bytes(st, 1), text_col(st, 2), e);
    }
    }
}

/* scope (WS_LOAD_SCOPE_*): the study's trials, or those whose number or trial_id is key */
int ws_sqlite_trials_load(ws_store *s, const ws_study *study, int scope, int64_t key, unsigned what,
                          ws_trial_list *l, ws_err *e)
{
    memset(l, 0, sizeof *l);
    char sql[512];
    sqlite3_stmt *st;
    if (prepare(s, ws_load_trials_query('?', scope, sql, sizeof sql), study, scope, key, &st, e)) return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (!ws_load_add_trial(l, sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1), text_col(st, 2),
                               text_col(st, 3), text_col(st, 4), e)) {
            if (e->kind == WS_EINPUT) ws_err_prefix(e, "%s: study '%s'", s->path, study->name);
            sqlite3_finalize(st);
            ws_trial_list_free(l);
            return -1;
        }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) { ws_trial_list_free(l); return ws_sql_fail(s, rc, "load trials", e); }

    ws_loader ld;
    int ok = !ws_loader_init(&ld, l, e);
    for (int k = 0; ok && k < WS_LOADQ_N; k++) {
        if (!ws_load_query(k, what, '?', scope, key, sql, sizeof sql)) continue;
        if (prepare(s, sql, study, scope, key, &st, e)) { ok = 0; break; }
        while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW)
            if (add_row(&ld, k, st, e)) {   /* "trial N: param P: ..." alone names neither file nor study */
                ws_err_prefix(e, "%s: study '%s'", s->path, study->name);
                ok = 0;
            }
        sqlite3_finalize(st);
        if (ok && rc != SQLITE_DONE) { ws_sql_fail(s, rc, "load trials", e); ok = 0; }
    }
    ws_loader_release(&ld);
    if (!ok) { ws_trial_list_free(l); return -1; }
    return 0;
}
