/* pg_study.c — studies and their attributes on PostgreSQL. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "space/config.h"
#include "store/load_common.h"
#include "store/pg_internal.h"

int ws_pg_study_find(ws_store *s, const char *name, ws_study *out, ws_err *e)
{
    PGresult *r;
    const char *pv[] = {name};
    if (ws_pg_exec(s, "SELECT s.study_id, d.direction, (SELECT count(*) FROM study_directions a "
                      "WHERE a.study_id = s.study_id) FROM studies s LEFT JOIN study_directions d "
                      "ON d.study_id = s.study_id AND d.objective = 0 WHERE s.study_name = $1", 1, pv, 0, &r,
                   "find study", e))
        return -1;
    int found = PQntuples(r) > 0;
    if (found) {
        out->id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        const char *dir = PQgetvalue(r, 0, 1);   /* "" for NULL: no row */
        /* 0: none set (NOT_SET, or no row), which ws_store_study_find refuses */
        out->direction = !strcmp(dir, "MAXIMIZE") ? WS_MAXIMIZE : !strcmp(dir, "MINIMIZE") ? WS_MINIMIZE : 0;
        out->n_objectives = (int)strtol(PQgetvalue(r, 0, 2), NULL, 10);
        snprintf(out->name, sizeof out->name, "%s", name);
    }
    PQclear(r);
    return found ? 0 : ws_err_set(e, WS_EINPUT, "%s: unknown study '%s'", s->path, name);
}

int ws_pg_study_create(ws_store *s, const char *name, int direction, ws_study *out, int *created, ws_err *e)
{
    int own, ok = 0;
    ws_err sub;
    *created = 0;
    if (ws_store_auto_begin(s, &own, e)) return -1;
    /* Two processes creating the same study: the second waits here for the first to commit. */
    const char *lock[] = {name};
    if (ws_pg_run(s, "SELECT pg_advisory_xact_lock(hashtext($1))", 1, lock, "create study", e))
        return ws_store_auto_end(s, own, 0, e);
    if (ws_pg_study_find(s, name, out, &sub) == 0)   /* there already: taken when its direction is the same */
        return ws_store_auto_end(s, own, !ws_store_check_direction(s, out, direction, e), e);
    if (sub.kind != WS_EINPUT) { *e = sub; return ws_store_auto_end(s, own, 0, e); }
    PGresult *r;
    if (ws_pg_exec(s, "SELECT nextval(pg_get_serial_sequence('studies', 'study_id'))", 0, NULL, WS_PG_KEEP, &r,
                   "create study", e))
        goto end;
    char id[32];
    snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    const char *pv[] = {id, name}, *pd[] = {direction == WS_MAXIMIZE ? "MAXIMIZE" : "MINIMIZE", id};
    if (ws_pg_run(s, "INSERT INTO studies (study_id, study_name) VALUES ($1, $2)", 2, pv, "create study", e)
        || ws_pg_run(s, "INSERT INTO study_directions (direction, study_id, objective) VALUES ($1, $2, 0)", 2, pd,
                     "create study", e))
        goto end;
    out->id = strtoll(id, NULL, 10);
    out->direction = direction;
    out->n_objectives = 1;
    snprintf(out->name, sizeof out->name, "%s", name);
    *created = 1;
    ok = 1;
end:
    return ws_store_auto_end(s, own, ok, e);
}

int ws_pg_study_names(ws_store *s, json_t **names, ws_err *e)
{
    PGresult *r;
    if (ws_pg_exec(s, "SELECT study_name, study_id FROM studies ORDER BY study_id", 0, NULL, 0, &r, "list studies", e)) return -1;
    *names = json_array();
    for (int i = 0; i < PQntuples(r); i++) {   /* a SQL_ASCII database holds any bytes */
        char row[64];
        snprintf(row, sizeof row, "studies: study_id %s", PQgetvalue(r, i, 1));
        if (ws_load_utf8(PQgetvalue(r, i, 0), row, "study_name", e)) {
            PQclear(r);
            json_decref(*names);
            *names = NULL;
            return ws_err_prefix(e, "%s", s->path);
        }
        json_array_append_new(*names, json_string(PQgetvalue(r, i, 0)));
    }
    PQclear(r);
    return 0;
}

int ws_pg_study_attr_get(ws_store *s, int64_t study_id, int system, const char *key, json_t **value, ws_err *e)
{
    char id[24];
    snprintf(id, sizeof id, "%" PRId64, study_id);
    const char *pv[] = {id, key};
    PGresult *r;
    *value = NULL;
    if (ws_pg_exec(s, system ? "SELECT value_json FROM study_system_attributes WHERE study_id=$1 AND key=$2"
                             : "SELECT value_json FROM study_user_attributes WHERE study_id=$1 AND key=$2",
                   2, pv, 0, &r, "read study attribute", e))
        return -1;
    if (PQntuples(r) > 0) {
        *value = ws_load_study_attr_json(s->path, study_id, system, key,
                                         PQgetisnull(r, 0, 0) ? NULL : PQgetvalue(r, 0, 0), e);
        if (!*value) { PQclear(r); return -1; }
    }
    PQclear(r);
    return 0;
}

/* A study's or a trial's attribute (owner "study" or "trial"): Optuna's tables of both have the
 * same shape, (owner_id, key) unique. */
int ws_pg_attr_set_text(ws_store *s, const char *owner, int64_t owner_id, int system, const char *key, const char *text,
                        ws_err *e)
{
    char id[24], sql[256], what[32];
    snprintf(id, sizeof id, "%" PRId64, owner_id);
    snprintf(sql, sizeof sql, "INSERT INTO %s_%s_attributes (%s_id, key, value_json) VALUES ($1, $2, $3) "
             "ON CONFLICT (%s_id, key) DO UPDATE SET value_json = excluded.value_json",
             owner, system ? "system" : "user", owner, owner);
    snprintf(what, sizeof what, "set %s attribute", owner);
    const char *pv[] = {id, key, text};
    return ws_pg_run(s, sql, 3, pv, what, e);
}

int ws_pg_study_attrs(ws_store *s, int64_t study_id, int system, json_t **obj, json_t **texts, ws_err *e)
{
    char id[24];
    snprintf(id, sizeof id, "%" PRId64, study_id);
    const char *pv[] = {id};
    PGresult *r;
    if (ws_pg_exec(s, system ? "SELECT key, value_json FROM study_system_attributes WHERE study_id=$1 ORDER BY key"
                             : "SELECT key, value_json FROM study_user_attributes WHERE study_id=$1 ORDER BY key",
                   1, pv, 0, &r, "read study attributes", e))
        return -1;
    *obj = json_object();
    *texts = json_object();
    for (int i = 0; i < PQntuples(r); i++) {
        const char *key = PQgetvalue(r, i, 0), *text = PQgetisnull(r, i, 1) ? NULL : PQgetvalue(r, i, 1);
        /* strlen: PostgreSQL's text holds no NUL byte */
        if (ws_load_study_attr(s->path, study_id, system, key, strlen(key), text, *obj, *texts, e)) {
            PQclear(r);
            json_decref(*obj); *obj = NULL; json_decref(*texts); *texts = NULL;
            return -1;
        }
    }
    PQclear(r);
    return 0;
}
