/* pg_trial.c — creating, reporting on and finishing trials on PostgreSQL. Where SQLite takes
 * its one write lock (BEGIN IMMEDIATE), this locks rows: numbering holds the study's row
 * (FOR NO KEY UPDATE: it excludes other numberers but not the key-share locks that inserts
 * referencing the study take), finishing holds the trial's row, and claiming a WAITING trial
 * skips rows another process is claiming (SKIP LOCKED). */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/json.h"
#include "store/load_common.h"
#include "store/pg_internal.h"

/* Trial datetimes in the client's local time, as Optuna's datetime.now() (clock.h). */
static void now_text(char *buf, size_t len) { ws_datetime_format(ws_now_s(), buf, len); }
static void id_text(char *buf, size_t len, int64_t id) { snprintf(buf, len, "%" PRId64, id); }

static const char *value_type(double v)
{
    return isnan(v) ? "NAN" : isinf(v) ? (v > 0 ? "INF_POS" : "INF_NEG") : "FINITE";
}

/* The trial's state, its row locked until the transaction ends. */
static int lock_trial(ws_store *s, int64_t trial_id, ws_state *state, int *number, ws_err *e)
{
    char id[24];
    id_text(id, sizeof id, trial_id);
    const char *pv[] = {id};
    PGresult *r;
    if (ws_pg_exec(s, "SELECT state, number FROM trials WHERE trial_id = $1 FOR NO KEY UPDATE", 1, pv, 0, &r,
                   "read trial", e))
        return -1;
    int found = PQntuples(r) > 0;
    if (found) {
        ws_state_parse(PQgetvalue(r, 0, 0), state);
        *number = (int)strtol(PQgetvalue(r, 0, 1), NULL, 10);
    }
    PQclear(r);
    return found ? 0 : ws_err_set(e, WS_EINPUT, "%s: no trial with id %" PRId64, s->path, trial_id);
}

static int require_running(ws_store *s, int64_t trial_id, ws_err *e)
{
    ws_state state = WS_FAIL;
    int number = -1;
    return lock_trial(s, trial_id, &state, &number, e) ? -1 : ws_store_check_running(state, number, e);
}

int ws_pg_trial_require_running(ws_store *s, int64_t trial_id, ws_err *e) { return require_running(s, trial_id, e); }

int ws_pg_trial_set_params(ws_store *s, int64_t trial_id, const ws_param *params, size_t n, ws_err *e)
{
    char id[24];
    id_text(id, sizeof id, trial_id);
    for (size_t i = 0; i < n; i++) {
        char *dist = ws_dist_to_optuna(&params[i].dist), value[40];
        if (!dist) return ws_err_set(e, WS_ENOMEM, "out of memory");
        ws_pg_double(value, sizeof value, params[i].internal);
        const char *pv[] = {id, params[i].name, value, dist};
        int rc = ws_pg_run(s, "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) "
                              "VALUES ($1, $2, $3, $4)", 4, pv, "store param", e);
        free(dist);
        if (rc) return -1;
    }
    return 0;
}

/* The server's clock in the session's zone (LOCALTIMESTAMP), which is what Optuna's now()
 * stores in this zoneless column and what its stale check compares with; trial datetimes,
 * though, are the client's local time (clock.h). */
int ws_pg_trial_heartbeat(ws_store *s, int64_t trial_id, ws_err *e)
{
    char id[24];
    id_text(id, sizeof id, trial_id);
    const char *pv[] = {id};
    return ws_pg_run(s, "INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES ($1, LOCALTIMESTAMP) "
                        "ON CONFLICT (trial_id) DO UPDATE SET heartbeat = excluded.heartbeat", 1, pv, "heartbeat", e);
}

/* A heartbeat is LOCALTIMESTAMP, a zoneless time in the writer's session zone: read as an
 * instant in this session's (the server's or database's TimeZone, or PGTZ), which is the
 * writer's where the sweep's processes share one. */
int ws_pg_heartbeats(ws_store *s, const ws_study *study, void (*beat)(int64_t, double, void *), void *ctx, ws_err *e)
{
    char sid[24];
    id_text(sid, sizeof sid, study->id);
    const char *pv[] = {sid};
    PGresult *r;
    if (ws_pg_exec(s, "SELECT h.trial_id, extract(epoch FROM h.heartbeat::timestamptz) FROM trial_heartbeats h "
                      "JOIN trials t ON t.trial_id = h.trial_id WHERE t.study_id = $1", 1, pv, WS_PG_KEEP, &r,
                   "heartbeats", e))
        return -1;
    for (int i = 0; i < PQntuples(r); i++)
        beat(strtoll(PQgetvalue(r, i, 0), NULL, 10), strtod(PQgetvalue(r, i, 1), NULL), ctx);
    PQclear(r);
    return 0;
}

int ws_pg_trial_peers(ws_store *s, int64_t trial_id, int *active, int *total, ws_err *e)
{
    char id[24];
    id_text(id, sizeof id, trial_id);
    const char *pv[] = {id};
    PGresult *r;
    if (ws_pg_exec(s, "SELECT count(*) FILTER (WHERE state IN ('RUNNING', 'WAITING')), count(*) FROM trials "
                      "WHERE study_id = (SELECT study_id FROM trials WHERE trial_id = $1) AND trial_id <> $1", 1, pv, 0,
                   &r, "count the other trials", e))
        return -1;
    *active = PQntuples(r) > 0 ? (int)strtol(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    *total = PQntuples(r) > 0 ? (int)strtol(PQgetvalue(r, 0, 1), NULL, 10) : 0;
    PQclear(r);
    return 0;
}

int ws_pg_trial_create(ws_store *s, const ws_study *study, ws_state state, const ws_param *params,
                       size_t n_params, int64_t *trial_id, int *number, ws_err *e)
{
    char sid[24], tid[24], num[16], now[40];
    id_text(sid, sizeof sid, study->id);
    now_text(now, sizeof now);
    const char *pv1[] = {sid};
    PGresult *r;
    if (ws_pg_run(s, "SELECT 1 FROM studies WHERE study_id = $1 FOR NO KEY UPDATE", 1, pv1, "lock study", e)
        /* the highest number + 1, from the index (sqlite_trial.c says why) */
        || ws_pg_exec(s, "SELECT coalesce(max(number) + 1, 0) FROM trials WHERE study_id = $1", 1, pv1, 0, &r,
                      "number trial", e))
        return -1;
    *number = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    /* the id from the sequence, not replayed: see pg_internal.h */
    if (ws_pg_exec(s, "SELECT nextval(pg_get_serial_sequence('trials', 'trial_id'))", 0, NULL, WS_PG_KEEP, &r,
                   "create trial", e))
        return -1;
    *trial_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    id_text(tid, sizeof tid, *trial_id);
    snprintf(num, sizeof num, "%d", *number);
    const char *pv[] = {tid, num, sid, ws_state_name(state), state == WS_RUNNING ? now : NULL};
    if (ws_pg_run(s, "INSERT INTO trials (trial_id, number, study_id, state, datetime_start) VALUES ($1, $2, $3, $4, $5)",
                  5, pv, "create trial", e))
        return -1;
    if (ws_pg_trial_set_params(s, *trial_id, params, n_params, e)) return -1;
    return state == WS_RUNNING ? ws_pg_trial_heartbeat(s, *trial_id, e) : 0;
}

int ws_pg_trial_claim_waiting(ws_store *s, const ws_study *study, int64_t *trial_id, int *number, ws_err *e)
{
    char sid[24], now[40];
    id_text(sid, sizeof sid, study->id);
    now_text(now, sizeof now);
    *trial_id = 0;
    const char *pv1[] = {sid};
    PGresult *r;
    if (ws_pg_exec(s, "SELECT trial_id, number FROM trials WHERE study_id = $1 AND state = 'WAITING' "
                      "ORDER BY trial_id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED", 1, pv1, 0, &r, "find waiting trial", e))
        return -1;
    if (PQntuples(r) > 0) {
        *trial_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        *number = (int)strtol(PQgetvalue(r, 0, 1), NULL, 10);
    }
    PQclear(r);
    if (!*trial_id) return 0;
    char tid[24];
    id_text(tid, sizeof tid, *trial_id);
    const char *pv[] = {now, tid};
    if (ws_pg_run(s, "UPDATE trials SET state = 'RUNNING', datetime_start = $1 WHERE trial_id = $2", 2, pv,
                  "claim waiting trial", e))
        return -1;
    return ws_pg_trial_heartbeat(s, *trial_id, e);
}

static int set_value(ws_store *s, int64_t trial_id, double v, ws_err *e)
{
    char id[24], value[40];
    id_text(id, sizeof id, trial_id);
    /* trial_values has no type NAN: a NaN (only a copied trial has one; ws_store_trial_finish
     * refuses it) is the float NaN with FINITE, as Optuna's add_trial leaves it in PostgreSQL
     * (SQLite, having no NaN, gets NULL: sqlite_trial.c) */
    if (isnan(v)) snprintf(value, sizeof value, "NaN");
    else ws_pg_double(value, sizeof value, v);
    const char *pv[] = {id, isinf(v) ? NULL : value, isnan(v) ? "FINITE" : value_type(v)};
    return ws_pg_run(s, "INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES ($1, 0, $2, $3) "
                        "ON CONFLICT (trial_id, objective) DO UPDATE SET value = excluded.value, "
                        "value_type = excluded.value_type", 3, pv, "store value", e);
}

int ws_pg_trial_finish(ws_store *s, int64_t trial_id, ws_state state, const double *value, ws_err *e)
{
    int own;
    if (ws_store_auto_begin(s, &own, e)) return -1;
    int ok = !require_running(s, trial_id, e);
    if (ok && value) ok = !set_value(s, trial_id, *value, e);
    if (ok) {
        char id[24], now[40];
        id_text(id, sizeof id, trial_id);
        now_text(now, sizeof now);
        const char *pv[] = {ws_state_name(state), now, id};
        ok = !ws_pg_run(s, "UPDATE trials SET state = $1, datetime_complete = $2 WHERE trial_id = $3", 3, pv,
                        "finish trial", e);
    }
    return ws_store_auto_end(s, own, ok, e);
}

/* Optuna's PostgreSQL schema holds a step as INTEGER, 32 bits (SQLite's INTEGER has 64): a
 * larger one (prune-check --step, a SQLite study copied here) was the server's "out of range",
 * an internal error (exit 3), where it is bad input. */
static int step_fits(int64_t step, ws_err *e)
{
    if (step >= INT32_MIN && step <= INT32_MAX) return 0;
    return ws_err_set(e, WS_EINPUT, "step %lld: a PostgreSQL study holds steps up to %d (Optuna's schema: INTEGER)",
                      (long long)step, INT32_MAX);
}

int ws_pg_trial_report(ws_store *s, int64_t trial_id, int64_t step, double value, int *stored, ws_err *e)
{
    int own;
    if (step_fits(step, e)) return -1;
    if (ws_store_auto_begin(s, &own, e)) return -1;
    int ok = !require_running(s, trial_id, e);
    if (ok) {
        char id[24], st[24], v[40];
        id_text(id, sizeof id, trial_id);
        snprintf(st, sizeof st, "%lld", (long long)step);
        ws_pg_double(v, sizeof v, value);
        const char *pv[] = {id, st, isfinite(value) ? v : NULL, value_type(value)};
        PGresult *r;
        ok = !ws_pg_exec(s, "INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, "
                            "intermediate_value_type) VALUES ($1, $2, $3, $4) ON CONFLICT (trial_id, step) DO NOTHING",
                         4, pv, 0, &r, "report", e);
        if (ok) { *stored = strcmp(PQcmdTuples(r), "0") != 0; PQclear(r); }
    }
    if (ok) ok = !ws_pg_trial_heartbeat(s, trial_id, e);
    return ws_store_auto_end(s, own, ok, e);
}

int ws_pg_fail_stale(ws_store *s, const ws_study *study, double grace_s, json_t **failed, ws_err *e)
{
    char sid[24], grace[40], now[40];
    id_text(sid, sizeof sid, study->id);
    ws_pg_double(grace, sizeof grace, grace_s);
    now_text(now, sizeof now);
    const char *pv[] = {sid, grace};
    PGresult *r;
    /* The study's row first, as numbering takes it: one reaper at a time. The trials' rows are
     * locked too, so a tell finishing one of them meanwhile is waited for and then excluded. */
    if (ws_pg_run(s, "SELECT 1 FROM studies WHERE study_id = $1 FOR NO KEY UPDATE", 1, pv, "lock study", e)
        || ws_pg_exec(s, "SELECT t.trial_id FROM trials t JOIN trial_heartbeats h ON h.trial_id = t.trial_id "
                         "WHERE t.study_id = $1 AND t.state = 'RUNNING' "
                         "AND h.heartbeat < LOCALTIMESTAMP - make_interval(secs => $2::float8) ORDER BY t.trial_id "
                         "FOR NO KEY UPDATE OF t", 2, pv, 0, &r, "find stale trials", e))
        return -1;
    json_t *list = json_array();
    int ok = 1;
    for (int i = 0; ok && i < PQntuples(r); i++) {
        const char *pu[] = {now, PQgetvalue(r, i, 0)};
        ok = !ws_pg_run(s, "UPDATE trials SET state = 'FAIL', datetime_complete = $1 WHERE trial_id = $2", 2, pu,
                        "fail stale trial", e);
        ok = ok && !ws_store_trial_mark_died(s, strtoll(PQgetvalue(r, i, 0), NULL, 10), WS_REASON_STALE, e);
        if (ok) json_array_append_new(list, json_integer(strtoll(PQgetvalue(r, i, 0), NULL, 10)));
    }
    PQclear(r);
    if (!ok) { json_decref(list); return -1; }
    if (failed) *failed = list; else json_decref(list);
    return 0;
}

int ws_pg_trial_import(ws_store *s, const ws_study *study, const ws_trial *t, int64_t *trial_id, ws_err *e)
{
    char sid[24], tid[24], num[16], start[40], done[40];
    PGresult *r;
    if (ws_pg_exec(s, "SELECT nextval(pg_get_serial_sequence('trials', 'trial_id'))", 0, NULL, WS_PG_KEEP, &r,
                   "import trial", e))
        return -1;
    *trial_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    id_text(tid, sizeof tid, *trial_id);
    id_text(sid, sizeof sid, study->id);
    snprintf(num, sizeof num, "%d", t->number);
    /* as the source stored them */
    int has_start = ws_load_datetime_out(t->start_text, t->t_start, start, sizeof start);
    int has_done = ws_load_datetime_out(t->complete_text, t->t_complete, done, sizeof done);
    const char *pv[] = {tid, num, sid, ws_state_name(t->state), has_start ? start : NULL, has_done ? done : NULL};
    if (ws_pg_run(s, "INSERT INTO trials (trial_id, number, study_id, state, datetime_start, datetime_complete) "
                     "VALUES ($1, $2, $3, $4, $5, $6)", 6, pv, "import trial", e)
        || ws_pg_trial_set_params(s, *trial_id, t->params, t->n_params, e)
        || (t->has_value && set_value(s, *trial_id, t->value, e)))
        return -1;
    for (size_t i = 0; i < t->n_ivs; i++) {
        char step[24], v[40];
        double x = t->ivs[i].value;
        snprintf(step, sizeof step, "%lld", (long long)t->ivs[i].step);
        ws_pg_double(v, sizeof v, x);
        const char *pi[] = {tid, step, isfinite(x) ? v : NULL, value_type(x)};
        if (step_fits(t->ivs[i].step, e) || ws_pg_run(s, "INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, "
                         "intermediate_value_type) VALUES ($1, $2, $3, $4)", 4, pi, "import intermediate value", e))
            return -1;
    }
    return ws_store_trial_import_attrs(s, *trial_id, t, e);
}
