/* sqlite_study.c — studies and their attributes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "core/text.h"
#include "space/config.h"
#include "store/load_common.h"
#include "store/sqlite_internal.h"

int ws_sqlite_study_find(ws_store *s, const char *name, ws_study *out, ws_err *e)
{
    sqlite3_stmt *st;
    if (ws_sql_prepare(s, "SELECT s.study_id, d.direction, (SELECT count(*) FROM study_directions a "
                          "WHERE a.study_id = s.study_id) FROM studies s LEFT JOIN study_directions d "
                          "ON d.study_id = s.study_id AND d.objective = 0 WHERE s.study_name = ?", &st, e))
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        const char *dir = (const char *)sqlite3_column_text(st, 1);
        /* 0: none set (NOT_SET, or no row), which ws_store_study_find refuses */
        out->direction = !dir ? 0 : !strcmp(dir, "MAXIMIZE") ? WS_MAXIMIZE : !strcmp(dir, "MINIMIZE") ? WS_MINIMIZE : 0;
        out->n_objectives = sqlite3_column_int(st, 2);
        snprintf(out->name, sizeof out->name, "%s", name);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) return ws_err_set(e, WS_EINPUT, "%s: unknown study '%s'", s->path, name);
    SQL_CHECK(s, rc, "find study", e);
    return 0;
}

/* The first value of sql's one-column result, bound to id where id >= 0: 1 and *found where it
 * has a row, 0 where none, -1 on an error. */
static int first_row(ws_store *s, const char *sql, long long id, long long *found, ws_err *e)
{
    sqlite3_stmt *st;
    if (ws_sql_prepare(s, sql, &st, e)) return -1;
    if (id >= 0) sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *found = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return 1;
    SQL_CHECK(s, rc, "create study", e);
    return 0;
}

/* A study deleted by hand (DELETE FROM studies in sqlite3, whose foreign keys are off) leaves its
 * rows in the study tables under its study_id, and SQLite gives that id again to the next study
 * made (studies.study_id has no AUTOINCREMENT). Made over them, the new study failed on the
 * study_directions row left (exit 3), or, that one gone too, took the old study's trials and
 * attributes (config, seed, data hash) for its own. Its trials' rows are keyed by trial_id, which
 * SQLite gives again as well (trials.trial_id has no AUTOINCREMENT): left without their trials
 * row (deleted as the first message asks), the new study's first trials took their params and
 * values, or failed on a param's row (exit 3). -1 (WS_EINPUT) where any is left. */
static int check_no_rows_left(ws_store *s, const char *name, long long id, ws_err *e)
{
    static const char *const study_tables[] = {"study_directions", "study_user_attributes",
                                               "study_system_attributes", "trials"};
    static const char *const trial_tables[] = {"trial_params", "trial_values", "trial_intermediate_values",
                                               "trial_user_attributes", "trial_system_attributes", "trial_heartbeats"};
    size_t n_study = sizeof study_tables / sizeof *study_tables, n_trial = sizeof trial_tables / sizeof *trial_tables;
    int rc = 0;
    long long found = 0;
    size_t k;
    for (k = 0; k < n_study + n_trial; k++) {
        char sql[160];
        if (k < n_study) snprintf(sql, sizeof sql, "SELECT study_id FROM %s WHERE study_id = ? LIMIT 1", study_tables[k]);
        else snprintf(sql, sizeof sql, "SELECT trial_id FROM %s WHERE trial_id NOT IN (SELECT trial_id FROM trials) LIMIT 1",
                      trial_tables[k - n_study]);
        if ((rc = first_row(s, sql, k < n_study ? id : -1, &found, e)) != 0) break;   /* k: the table that holds some */
    }
    if (rc <= 0) return rc;
    char *shown = ws_text_escape(name);
    if (k < n_study)
        ws_err_set(e, WS_EINPUT, "%s: cannot make study '%s': %s holds rows of study_id %lld, the id SQLite gives "
                   "the new study, though no study has it (a study deleted by hand, its rows left?); the new "
                   "study would take them for its own: delete them (WHERE study_id = %lld, in %s and the other "
                   "study tables, and the rows of its trials) or use another study file",
                   s->path, shown ? shown : "?", study_tables[k], id, id, study_tables[k]);
    else
        ws_err_set(e, WS_EINPUT, "%s: cannot make study '%s': %s holds rows of trial_id %lld, though no "
                   "trial has it (a study or its trials deleted by hand, their rows left?); the new study's "
                   "trials would take them for their own: delete them (WHERE trial_id NOT IN (SELECT "
                   "trial_id FROM trials), in %s and the other trial tables) or use another study file",
                   s->path, shown ? shown : "?", trial_tables[k - n_study], found, trial_tables[k - n_study]);
    free(shown);
    return -1;
}

int ws_sqlite_study_create(ws_store *s, const char *name, int direction, ws_study *out, int *created, ws_err *e)
{
    int own, ok = 0;
    ws_err sub;
    *created = 0;
    if (ws_store_auto_begin(s, &own, e)) return -1;
    if (ws_sqlite_study_find(s, name, out, &sub) == 0)   /* there already: taken when its direction is the same */
        return ws_store_auto_end(s, own, !ws_store_check_direction(s, out, direction, e), e);
    if (sub.kind != WS_EINPUT) { *e = sub; return ws_store_auto_end(s, own, 0, e); }
    sqlite3_stmt *st;
    if (ws_sql_prepare(s, "INSERT INTO studies (study_name) VALUES (?)", &st, e)) goto end;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    if (ws_sql_run(s, st, "create study", e)) goto end;
    /* checked before out is filled: suggest takes a study id in out for a study found */
    if (check_no_rows_left(s, name, (long long)sqlite3_last_insert_rowid(s->db), e)) goto end;
    out->id = sqlite3_last_insert_rowid(s->db);
    out->direction = direction;
    out->n_objectives = 1;
    snprintf(out->name, sizeof out->name, "%s", name);
    if (ws_sql_prepare(s, "INSERT INTO study_directions (direction, study_id, objective) VALUES (?, ?, 0)", &st, e)) goto end;
    sqlite3_bind_text(st, 1, direction == WS_MAXIMIZE ? "MAXIMIZE" : "MINIMIZE", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, out->id);
    if (ws_sql_run(s, st, "create study", e)) goto end;
    *created = 1;
    ok = 1;
end:
    return ws_store_auto_end(s, own, ok, e);
}

int ws_sqlite_study_names(ws_store *s, json_t **names, ws_err *e)
{
    sqlite3_stmt *st;
    if (ws_sql_prepare(s, "SELECT study_name, study_id FROM studies ORDER BY study_id", &st, e)) return -1;
    *names = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        char row[64];
        snprintf(row, sizeof row, "studies: study_id %lld", (long long)sqlite3_column_int64(st, 1));
        if (ws_load_name(name, (size_t)sqlite3_column_bytes(st, 0), row, "study_name", e)) {
            sqlite3_finalize(st);
            json_decref(*names);
            *names = NULL;
            return ws_err_prefix(e, "%s", s->path);
        }
        json_array_append_new(*names, json_string(name ? name : ""));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) { json_decref(*names); *names = NULL; }
    SQL_CHECK(s, rc, "list studies", e);
    return 0;
}

int ws_sqlite_study_attr_get(ws_store *s, int64_t study_id, int system, const char *key, json_t **value, ws_err *e)
{
    sqlite3_stmt *st;
    *value = NULL;
    if (ws_sql_prepare(s, system ? "SELECT value_json FROM study_system_attributes WHERE study_id=? AND key=?"
                                 : "SELECT value_json FROM study_user_attributes WHERE study_id=? AND key=?", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, study_id);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *value = ws_load_study_attr_json(s->path, study_id, system, key, (const char *)sqlite3_column_text(st, 0), e);
        if (!*value) { sqlite3_finalize(st); return -1; }
    }
    sqlite3_finalize(st);
    SQL_CHECK(s, rc, "read study attribute", e);
    return 0;
}

int ws_sqlite_attr_set_text(ws_store *s, const char *owner, int64_t id, int system, const char *key, const char *text,
                            ws_err *e)
{
    char sql[256], what[32];
    snprintf(sql, sizeof sql, "INSERT INTO %s_%s_attributes (%s_id, key, value_json) VALUES (?, ?, ?) "
             "ON CONFLICT (%s_id, key) DO UPDATE SET value_json = excluded.value_json",
             owner, system ? "system" : "user", owner, owner);
    snprintf(what, sizeof what, "set %s attribute", owner);
    sqlite3_stmt *st;
    if (ws_sql_prepare(s, sql, &st, e)) return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
    return ws_sql_run(s, st, what, e);
}

int ws_sqlite_study_attrs(ws_store *s, int64_t study_id, int system, json_t **obj, json_t **texts, ws_err *e)
{
    sqlite3_stmt *st;
    if (ws_sql_prepare(s, system ? "SELECT key, value_json FROM study_system_attributes WHERE study_id=? ORDER BY key"
                                 : "SELECT key, value_json FROM study_user_attributes WHERE study_id=? ORDER BY key", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, study_id);
    *obj = json_object();
    *texts = json_object();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0), *text = (const char *)sqlite3_column_text(st, 1);
        if (ws_load_study_attr(s->path, study_id, system, key, (size_t)sqlite3_column_bytes(st, 0), text, *obj, *texts, e)) {
            sqlite3_finalize(st);
            json_decref(*obj); *obj = NULL; json_decref(*texts); *texts = NULL;
            return -1;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) { json_decref(*obj); *obj = NULL; json_decref(*texts); *texts = NULL; }
    SQL_CHECK(s, rc, "read study attributes", e);
    return 0;
}
