/* sqlite_trial.c — creating, reporting on and finishing trials. Every read-modify-write runs in
 * one short BEGIN IMMEDIATE transaction, so a trial's number (count of earlier trials, as Optuna
 * numbers them) and its state changes are decided under the write lock. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/json.h"
#include "store/load_common.h"
#include "store/sqlite_internal.h"

/* Trial datetimes in local time, as Optuna's datetime.now(); heartbeats are UTC (clock.h). */
static void now_text(char *buf, size_t len) { ws_datetime_format(ws_now_s(), buf, len); }

/* The state of a trial, or -1 when there is no such trial. */
static int trial_state(ws_store *s, int64_t trial_id, ws_state *state, int *number, ws_err *e)
{
    sqlite3_stmt *st;
    if (ws_sql_prepare(s, "SELECT state, number FROM trials WHERE trial_id = ?", &st, e)) return -1;
    sqlite3_bind_int64(st, 1, trial_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        ws_state_parse((const char *)sqlite3_column_text(st, 0), state);
        if (number) *number = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) return ws_err_set(e, WS_EINPUT, "%s: no trial with id %lld", s->path, (long long)trial_id);
    SQL_CHECK(s, rc, "read trial", e);
    return 0;
}

static int require_running(ws_store *s, int64_t trial_id, ws_err *e)
{
    ws_state state = WS_FAIL;
    int number = -1;
    return trial_state(s, trial_id, &state, &number, e) ? -1 : ws_store_check_running(state, number, e);
}

int ws_sqlite_trial_require_running(ws_store *s, int64_t trial_id, ws_err *e) { return require_running(s, trial_id, e); }

int ws_sqlite_trial_set_params(ws_store *s, int64_t trial_id, const ws_param *params, size_t n, ws_err *e)
{
    for (size_t i = 0; i < n; i++) {
        char *dist = ws_dist_to_optuna(&params[i].dist);
        sqlite3_stmt *st;
        if (!dist) return ws_err_set(e, WS_ENOMEM, "out of memory");
        if (ws_sql_prepare(s, "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) "
                              "VALUES (?, ?, ?, ?)", &st, e)) { free(dist); return -1; }
        sqlite3_bind_int64(st, 1, trial_id);
        sqlite3_bind_text(st, 2, params[i].name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(st, 3, params[i].internal);
        sqlite3_bind_text(st, 4, dist, -1, SQLITE_TRANSIENT);
        int rc = ws_sql_run(s, st, "store param", e);
        free(dist);
        if (rc) return -1;
    }
    return 0;
}

/* CURRENT_TIMESTAMP, as Optuna writes it: UTC (clock.h) and in whole seconds. Optuna judges a
 * heartbeat by (CURRENT_TIMESTAMP - heartbeat).seconds, so one with a fraction, a moment ahead
 * of the truncated clock, would read as a day old and its trial be failed at once. */
int ws_sqlite_trial_heartbeat(ws_store *s, int64_t trial_id, ws_err *e)
{
    sqlite3_stmt *st;
    if (ws_sql_prepare(s, "INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (?, CURRENT_TIMESTAMP) "
                          "ON CONFLICT (trial_id) DO UPDATE SET heartbeat = excluded.heartbeat", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, trial_id);
    return ws_sql_run(s, st, "heartbeat", e);
}

int ws_sqlite_trial_create(ws_store *s, const ws_study *study, ws_state state, const ws_param *params,
                          size_t n_params, int64_t *trial_id, int *number, ws_err *e)
{
    sqlite3_stmt *st;
    char now[40];
    now_text(now, sizeof now);
    /* Optuna's number is the count of the study's earlier trials; numbers being dense, that is
     * the highest number + 1, which the (study_id, number) index gives without a scan. */
    if (ws_sql_prepare(s, "SELECT coalesce(max(number) + 1, 0) FROM trials WHERE study_id = ?", &st, e)) return -1;
    sqlite3_bind_int64(st, 1, study->id);
    int rc = sqlite3_step(st);
    *number = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    SQL_CHECK(s, rc, "count trials", e);
    if (ws_sql_prepare(s, "INSERT INTO trials (number, study_id, state, datetime_start) VALUES (?, ?, ?, ?)", &st, e))
        return -1;
    sqlite3_bind_int(st, 1, *number);
    sqlite3_bind_int64(st, 2, study->id);
    sqlite3_bind_text(st, 3, ws_state_name(state), -1, SQLITE_STATIC);
    if (state == WS_RUNNING) sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
    if (ws_sql_run(s, st, "create trial", e)) return -1;
    *trial_id = sqlite3_last_insert_rowid(s->db);
    if (ws_sqlite_trial_set_params(s, *trial_id, params, n_params, e)) return -1;
    return state == WS_RUNNING ? ws_sqlite_trial_heartbeat(s, *trial_id, e) : 0;
}

int ws_sqlite_trial_claim_waiting(ws_store *s, const ws_study *study, int64_t *trial_id, int *number, ws_err *e)
{
    sqlite3_stmt *st;
    char now[40];
    now_text(now, sizeof now);
    *trial_id = 0;
    if (ws_sql_prepare(s, "SELECT trial_id, number FROM trials WHERE study_id = ? AND state = 'WAITING' "
                          "ORDER BY trial_id LIMIT 1", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, study->id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *trial_id = sqlite3_column_int64(st, 0);
        *number = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    SQL_CHECK(s, rc, "find waiting trial", e);
    if (!*trial_id) return 0;
    if (ws_sql_prepare(s, "UPDATE trials SET state = 'RUNNING', datetime_start = ? WHERE trial_id = ?", &st, e)) return -1;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, *trial_id);
    if (ws_sql_run(s, st, "claim waiting trial", e)) return -1;
    return ws_sqlite_trial_heartbeat(s, *trial_id, e);
}

static int set_value(ws_store *s, int64_t trial_id, double v, ws_err *e)
{
    sqlite3_stmt *st;
    if (ws_sql_prepare(s, "INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, 0, ?, ?) "
                          "ON CONFLICT (trial_id, objective) DO UPDATE SET value = excluded.value, "
                          "value_type = excluded.value_type", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, trial_id);
    if (isfinite(v)) sqlite3_bind_double(st, 2, v);
    /* trial_values has no type NAN: a NaN (only a copied trial has one; ws_store_trial_finish
     * refuses it) is NULL with FINITE, as Optuna's add_trial leaves it in SQLite */
    sqlite3_bind_text(st, 3, isnan(v) ? "FINITE" : ws_sql_value_type(v), -1, SQLITE_STATIC);
    return ws_sql_run(s, st, "store value", e);
}

int ws_sqlite_trial_finish(ws_store *s, int64_t trial_id, ws_state state, const double *value, ws_err *e)
{
    int own;
    if (ws_store_auto_begin(s, &own, e)) return -1;
    int ok = !require_running(s, trial_id, e);
    if (ok && value) ok = !set_value(s, trial_id, *value, e);
    if (ok) {
        sqlite3_stmt *st;
        char now[40];
        now_text(now, sizeof now);
        ok = !ws_sql_prepare(s, "UPDATE trials SET state = ?, datetime_complete = ? WHERE trial_id = ?", &st, e);
        if (ok) {
            sqlite3_bind_text(st, 1, ws_state_name(state), -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(st, 3, trial_id);
            ok = !ws_sql_run(s, st, "finish trial", e);
        }
    }
    return ws_store_auto_end(s, own, ok, e);
}

int ws_sqlite_trial_report(ws_store *s, int64_t trial_id, int64_t step, double value, int *stored, ws_err *e)
{
    int own;
    sqlite3_stmt *st;
    if (ws_store_auto_begin(s, &own, e)) return -1;
    int ok = !require_running(s, trial_id, e)
             && !ws_sql_prepare(s, "INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, "
                                   "intermediate_value_type) VALUES (?, ?, ?, ?) ON CONFLICT (trial_id, step) DO NOTHING",
                                &st, e);
    if (ok) {
        sqlite3_bind_int64(st, 1, trial_id);
        sqlite3_bind_int64(st, 2, step);
        if (isfinite(value)) sqlite3_bind_double(st, 3, value);
        sqlite3_bind_text(st, 4, ws_sql_value_type(value), -1, SQLITE_STATIC);
        ok = !ws_sql_run(s, st, "report", e);
        *stored = ok && sqlite3_changes(s->db) > 0;
    }
    if (ok) ok = !ws_sqlite_trial_heartbeat(s, trial_id, e);
    return ws_store_auto_end(s, own, ok, e);
}

int ws_sqlite_trial_peers(ws_store *s, int64_t trial_id, int *active, int *total, ws_err *e)
{
    sqlite3_stmt *st;
    if (ws_sql_prepare(s, "SELECT count(*) FILTER (WHERE state IN ('RUNNING', 'WAITING')), count(*) FROM trials "
                          "WHERE study_id = (SELECT study_id FROM trials WHERE trial_id = ?1) AND trial_id <> ?1", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, trial_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *active = sqlite3_column_int(st, 0);
        *total = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : ws_sql_fail(s, rc, "count the other trials", e);
}

/* Heartbeats are CURRENT_TIMESTAMP: UTC text (clock.h). */
int ws_sqlite_heartbeats(ws_store *s, const ws_study *study, void (*beat)(int64_t, double, void *), void *ctx,
                         ws_err *e)
{
    sqlite3_stmt *st;
    if (ws_sql_prepare(s, "SELECT h.trial_id, h.heartbeat FROM trial_heartbeats h JOIN trials t ON t.trial_id = h.trial_id "
                          "WHERE t.study_id = ?", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, study->id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *text = sqlite3_column_text(st, 1);
        if (text) beat(sqlite3_column_int64(st, 0), ws_datetime_parse_utc((const char *)text), ctx);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : ws_sql_fail(s, rc, "heartbeats", e);
}

/* The ids of the study's RUNNING trials whose heartbeat is older than limit (UTC text), all of
 * them: *ids is malloc'd (free it), and appended to list too. */
static int find_stale(ws_store *s, const ws_study *study, const char *limit, int64_t **ids, size_t *n, json_t *list,
                      ws_err *e)
{
    sqlite3_stmt *st;
    *ids = NULL;
    *n = 0;
    if (ws_sql_prepare(s, "SELECT t.trial_id FROM trials t JOIN trial_heartbeats h ON h.trial_id = t.trial_id "
                          "WHERE t.study_id = ? AND t.state = 'RUNNING' AND julianday(h.heartbeat) < julianday(?) "
                          "ORDER BY t.trial_id", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, study->id);
    sqlite3_bind_text(st, 2, limit, -1, SQLITE_TRANSIENT);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            int64_t *grown = realloc(*ids, cap * sizeof *grown);
            if (!grown) { sqlite3_finalize(st); return ws_err_set(e, WS_ENOMEM, "out of memory"); }
            *ids = grown;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
        json_array_append_new(list, json_integer(sqlite3_column_int64(st, 0)));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : ws_sql_fail(s, rc, "find stale trials", e);
}

int ws_sqlite_fail_stale(ws_store *s, const ws_study *study, double grace_s, json_t **failed, ws_err *e)
{
    /* heartbeats are UTC, datetime_complete local: the two zones of clock.h. A heartbeat is
     * CURRENT_TIMESTAMP, whole seconds (up to 1 s before the beat): stale as Optuna judges it,
     * when the database's clock, whole seconds too, is more than the grace (whole seconds, as
     * Optuna's) past it, so never before grace_s has passed since the beat; compared as times,
     * not as text, where "12:00:05" sorts before "12:00:05.000000". */
    char limit[40], now[40];
    double t = ws_now_s();
    ws_datetime_format_utc(floor(t) - ceil(grace_s), limit, sizeof limit);
    ws_datetime_format(t, now, sizeof now);
    json_t *list = json_array();
    int64_t *ids;
    size_t n;
    int ok = !find_stale(s, study, limit, &ids, &n, list, e);
    for (size_t i = 0; ok && i < n; i++) {
        sqlite3_stmt *st;
        ok = !ws_sql_prepare(s, "UPDATE trials SET state = 'FAIL', datetime_complete = ? WHERE trial_id = ?", &st, e);
        if (!ok) break;
        sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, ids[i]);
        ok = !ws_sql_run(s, st, "fail stale trial", e) && !ws_store_trial_mark_died(s, ids[i], WS_REASON_STALE, e);
    }
    free(ids);
    if (!ok) { json_decref(list); return -1; }
    if (failed) *failed = list; else json_decref(list);
    return 0;
}

/* A copied datetime (ws_load_datetime_out), or NULL */
static void bind_datetime(sqlite3_stmt *st, int col, double t, const char *stored)
{
    char text[40];
    if (ws_load_datetime_out(stored, t, text, sizeof text)) sqlite3_bind_text(st, col, text, -1, SQLITE_TRANSIENT);
}

int ws_sqlite_trial_import(ws_store *s, const ws_study *study, const ws_trial *t, int64_t *trial_id, ws_err *e)
{
    sqlite3_stmt *st;
    if (ws_sql_prepare(s, "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) "
                          "VALUES (?, ?, ?, ?, ?)", &st, e))
        return -1;
    sqlite3_bind_int(st, 1, t->number);
    sqlite3_bind_int64(st, 2, study->id);
    sqlite3_bind_text(st, 3, ws_state_name(t->state), -1, SQLITE_STATIC);
    bind_datetime(st, 4, t->t_start, t->start_text);
    bind_datetime(st, 5, t->t_complete, t->complete_text);
    if (ws_sql_run(s, st, "import trial", e)) return -1;
    *trial_id = sqlite3_last_insert_rowid(s->db);
    if (ws_sqlite_trial_set_params(s, *trial_id, t->params, t->n_params, e)) return -1;
    if (t->has_value && set_value(s, *trial_id, t->value, e)) return -1;
    for (size_t i = 0; i < t->n_ivs; i++) {
        if (ws_sql_prepare(s, "INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, "
                              "intermediate_value_type) VALUES (?, ?, ?, ?)", &st, e))
            return -1;
        sqlite3_bind_int64(st, 1, *trial_id);
        sqlite3_bind_int64(st, 2, t->ivs[i].step);
        if (isfinite(t->ivs[i].value)) sqlite3_bind_double(st, 3, t->ivs[i].value);
        sqlite3_bind_text(st, 4, ws_sql_value_type(t->ivs[i].value), -1, SQLITE_STATIC);
        if (ws_sql_run(s, st, "import intermediate value", e)) return -1;
    }
    return ws_store_trial_import_attrs(s, *trial_id, t, e);
}
