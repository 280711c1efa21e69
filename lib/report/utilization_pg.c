/* utilization_pg.c — a PostgreSQL study's samples into a SQLite copy, a temporary file or else
 * in memory (see utilization_pg.h). */
#include "report/utilization_pg.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "gpu/samples_db.h"
#include "store/pq_dl.h"
#include "store/store.h"

/* The columns utilization.c reads, in the SQLite file's types. */
static const char copy_schema_sql[] =
    "CREATE TABLE " GPU_SAMPLES_TABLE " (row_id INTEGER PRIMARY KEY, sample INTEGER NOT NULL, t REAL NOT NULL,"
    " datetime TEXT NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL, device INTEGER, util REAL,"
    " trial_id INTEGER, cpu REAL, rss_bytes INTEGER);"
    "CREATE INDEX " GPU_SAMPLES_TABLE "_kind_t ON " GPU_SAMPLES_TABLE " (kind, t);";
static const char trials_schema_sql[] =
    "CREATE TABLE trials (trial_id INTEGER PRIMARY KEY, study_id INTEGER, datetime_start TEXT)";
enum { C_ROW, C_SAMPLE, C_T, C_DATETIME, C_SOURCE, C_KIND, C_DEVICE, C_UTIL, C_TRIAL_ID, C_CPU, C_RSS, C_HOST, N_COLS };
/* A cursor, read FETCH_ROWS at a time: one result of the whole window held every row (libpq's
 * PQexec keeps a result whole), 400 MB at a million samples besides the copy. */
#define CURSOR "ws_util_samples"
#define FETCH_ROWS "10000"
static const char declare_sql[] =
    "DECLARE " CURSOR " NO SCROLL CURSOR FOR SELECT row_id, sample, t, datetime, source, kind, device, util, trial_id, cpu, rss_bytes, host FROM "
    GPU_SAMPLES_TABLE " WHERE t BETWEEN $1 AND $2 ORDER BY row_id";
static const char insert_sql[] =
    "INSERT INTO " GPU_SAMPLES_TABLE " (row_id, sample, t, datetime, source, kind, device, util, trial_id, cpu,"
    " rss_bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
#define LEEWAY_S 172800.0   /* two days: more than any two zones' offsets apart */

void ws_util_pg_release(ws_util_pg *c)
{
    sqlite3_close(c->db);
    free(c->shown);
    for (size_t i = 0; i < c->n_hosts; i++) free(c->hosts[i]);
    free(c->hosts);
    memset(c, 0, sizeof *c);
}

/* -2 where the copy's file could not be written (no temporary directory, a full disk, ulimit -f):
 * the copy is made again in memory. */
static int mem_fail(ws_util_pg *c, const char *what, ws_err *e)
{
    int code = c->db ? sqlite3_errcode(c->db) : SQLITE_NOMEM;
    ws_err_set(e, WS_EINTERNAL, "%s: %s: %s", c->shown, what, c->db ? sqlite3_errmsg(c->db) : "out of memory");
    ws_util_pg_release(c);
    return code == SQLITE_IOERR || code == SQLITE_FULL || code == SQLITE_CANTOPEN ? -2 : -1;
}

/* The study's trials, their starts as the trials table holds them (the trainer's local time). */
static int copy_trials(ws_util_pg *c, int64_t study_id, const ws_trial_list *trials, ws_err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_exec(c->db, trials_schema_sql, NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(c->db, "INSERT INTO trials VALUES (?1, ?2, ?3)", -1, &st, NULL) != SQLITE_OK)
        return mem_fail(c, "copying the trials", e);
    for (size_t i = 0; i < trials->n; i++) {
        char start[40];
        if (isfinite(trials->v[i].t_start)) ws_datetime_format(trials->v[i].t_start, start, sizeof start);
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, trials->v[i].trial_id);
        sqlite3_bind_int64(st, 2, study_id);
        if (isfinite(trials->v[i].t_start)) sqlite3_bind_text(st, 3, start, -1, SQLITE_TRANSIENT);
        else sqlite3_bind_null(st, 3);
        if (sqlite3_step(st) != SQLITE_DONE) { sqlite3_finalize(st); return mem_fail(c, "copying the trials", e); }
    }
    sqlite3_finalize(st);
    return 0;
}

/* The number of host h among those seen, added when new; -1 when out of memory. */
static long host_number(ws_util_pg *c, const char *h)
{
    for (size_t i = 0; i < c->n_hosts; i++)
        if (!strcmp(c->hosts[i], h)) return (long)i;
    char **v = realloc(c->hosts, (c->n_hosts + 1) * sizeof *v);
    if (!v) return -1;
    c->hosts = v;
    if (!(v[c->n_hosts] = strdup(h))) return -1;
    return (long)c->n_hosts++;
}

static void bind_cell(sqlite3_stmt *st, int col, const PGresult *r, int i, int pcol, int real)
{
    if (PQgetisnull(r, i, pcol)) sqlite3_bind_null(st, col);
    else if (real) sqlite3_bind_double(st, col, strtod(PQgetvalue(r, i, pcol), NULL));
    else sqlite3_bind_int64(st, col, strtoll(PQgetvalue(r, i, pcol), NULL, 10));
}

/* The rows of r, one chunk of the cursor, into the copy through st; *n_rows, the rows copied before
 * them, counts them. 0, or -1 (c not yet released). */
static int copy_rows(ws_util_pg *c, sqlite3_stmt *st, const PGresult *r, sqlite3_int64 *n_rows)
{
    int rows = PQntuples(r);
    for (int i = 0; i < rows; i++) {
        sqlite3_reset(st);
        /* numbered from 1 in the database's order, not by its row ids: those count every row the
         * database ever took, and shift_sql, which looks at every (max(row_id) / 4000)th row, found
         * none in a window of a few rows with ids past a million (no shift: another zone's report
         * missed the samples) */
        sqlite3_bind_int64(st, 1, ++*n_rows);
        bind_cell(st, 2, r, i, C_SAMPLE, 0);
        bind_cell(st, 3, r, i, C_T, 1);
        sqlite3_bind_text(st, 4, PQgetvalue(r, i, C_DATETIME), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, PQgetvalue(r, i, C_SOURCE), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 6, PQgetvalue(r, i, C_KIND), -1, SQLITE_TRANSIENT);
        /* numbered as first seen, the host of the first row is 0: with one host, + 0 leaves the
         * index as it is, so a chunk need not know whether later ones bring another host */
        long host = host_number(c, PQgetvalue(r, i, C_HOST));
        if (host < 0) return -1;
        if (PQgetisnull(r, i, C_DEVICE)) sqlite3_bind_null(st, 7);
        else sqlite3_bind_int64(st, 7, strtoll(PQgetvalue(r, i, C_DEVICE), NULL, 10) + ((long long)host << WS_UTIL_HOST_SHIFT));
        bind_cell(st, 8, r, i, C_UTIL, 1);
        bind_cell(st, 9, r, i, C_TRIAL_ID, 0);
        bind_cell(st, 10, r, i, C_CPU, 1);
        bind_cell(st, 11, r, i, C_RSS, 0);
        if (sqlite3_step(st) != SQLITE_DONE) return -1;
    }
    return 0;
}

/* The window whose samples matter: the trials' starts to their ends (open while one runs). */
static void window(const ws_trial_list *trials, char *lo, char *hi, size_t n)
{
    double t0 = INFINITY, t1 = -INFINITY;
    for (size_t i = 0; i < trials->n; i++) {
        const ws_trial *t = &trials->v[i];
        if (!isfinite(t->t_start)) continue;
        t0 = fmin(t0, t->t_start);
        /* a RUNNING trial, or one failed when found dead (its end may be its last heartbeat, before this) */
        t1 = isfinite(t->t_complete) ? fmax(t1, t->t_complete) : INFINITY;
    }
    snprintf(lo, n, "%.17g", isfinite(t0) ? t0 - LEEWAY_S : 0.0);
    snprintf(hi, n, "%.17g", isfinite(t1) ? t1 + LEEWAY_S : 1e300);
}

/* The error of r (or, without r, of the connection) as c's reading the samples; c released. */
static int read_fail(ws_util_pg *c, PGconn *conn, const PGresult *r, ws_err *e)
{
    char msg[400];
    ws_pq_first_line(msg, sizeof msg, r ? PQresultErrorMessage(r) : PQerrorMessage(conn));
    ws_err_set(e, WS_EINTERNAL, "%s: reading " GPU_SAMPLES_TABLE ": %s", c->shown, msg);
    ws_util_pg_release(c);
    return -1;
}

/* The cursor's rows into the copy, chunk by chunk, in one SQLite transaction. */
static int copy_cursor(ws_util_pg *c, PGconn *conn, ws_err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_exec(c->db, copy_schema_sql, NULL, NULL, NULL) != SQLITE_OK) return mem_fail(c, "a copy", e);
    if (sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(c->db, insert_sql, -1, &st, NULL) != SQLITE_OK)
        return mem_fail(c, "copying the samples", e);
    sqlite3_int64 n_rows = 0;
    for (;;) {
        PGresult *r = PQexec(conn, "FETCH FORWARD " FETCH_ROWS " FROM " CURSOR);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            sqlite3_finalize(st);
            int rc = read_fail(c, conn, r, e);
            PQclear(r);
            return rc;
        }
        int done = PQntuples(r) == 0, rc = copy_rows(c, st, r, &n_rows);
        PQclear(r);
        if (rc) { sqlite3_finalize(st); return mem_fail(c, "copying the samples", e); }
        if (done) break;
    }
    sqlite3_finalize(st);
    if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) return mem_fail(c, "copying the samples", e);
    return 0;
}

/* The copy in the SQLite database name ("": a temporary file; ":memory:"). */
static int copy_into(ws_util_pg *c, const char *name, const char *url, int64_t study_id, const ws_trial_list *trials,
                     ws_err *e)
{
    memset(c, 0, sizeof *c);
    if (!(c->shown = ws_store_url_shown(url))) return ws_err_set(e, WS_ENOMEM, "out of memory");
    ws_store *s = NULL;
    if (ws_store_open(&s, url, WS_STORE_READ, e)) { ws_util_pg_release(c); return -1; }
    int rc = 0;
    if (sqlite3_open_v2(name, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK
        || (rc = copy_trials(c, study_id, trials, e))) {
        ws_store_close(s);
        return c->shown ? mem_fail(c, "a copy", e) : rc;
    }
    char lo[40], hi[40];
    window(trials, lo, hi, sizeof lo);
    const char *pv[] = {lo, hi};
    PGconn *conn = ws_store_pg(s);
    /* a cursor lives in a transaction; read only, the samples are only read */
    PGresult *r = PQexec(conn, "BEGIN READ ONLY");
    rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : read_fail(c, conn, r, e);
    PQclear(r);
    if (!rc) {
        r = PQexecParams(conn, declare_sql, 2, NULL, pv, NULL, NULL, 0);
        if (PQresultStatus(r) == PGRES_COMMAND_OK) rc = copy_cursor(c, conn, e);
        else if (!ws_pq_sqlstate_is(r, "42P01")) rc = read_fail(c, conn, r, e);   /* 42P01, undefined_table: no samples, not an error */
        PQclear(r);
    }
    /* the transaction only held the cursor; the connection closes next, which would end it too */
    PQclear(PQexec(conn, "ROLLBACK"));
    ws_store_close(s);
    return rc;
}

int ws_util_pg_copy(ws_util_pg *c, const char *url, int64_t study_id, const ws_trial_list *trials, ws_err *e)
{
    /* a temporary file, whose pages SQLite keeps in its cache of a few MB: in memory, the copy
     * took about 110 MB a million samples, three times what report takes of a SQLite study's */
    int rc = copy_into(c, "", url, study_id, trials, e);
    if (rc == -2) {
        ws_err_clear(e);
        rc = copy_into(c, ":memory:", url, study_id, trials, e);
    }
    return rc ? -1 : 0;
}
