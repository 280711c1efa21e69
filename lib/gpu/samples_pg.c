/* samples_pg.c — gpu-monitor's samples into a PostgreSQL study database, and the RUNNING trials'
 * pids out of it (see samples_pg.h). The study is opened through the store, as every tool opens
 * it; the statements here go to its connection with libpq's calls (store/pq_dl.h), not through
 * the store's executor, which waits WS_DB_RETRY_S for a server that went away: a monitor must
 * sample on, and try again at its next sample. Every connection, the first one too, is made
 * without waiting in libpq (PQconnectStartParams), driven while the open or a write may wait and
 * (a reconnection) carried on at the next write: libpq's own connect waited connect_timeout (10 s)
 * for a server that accepts nothing, taking no sample, deaf to SIGTERM. */
#include "gpu/samples_pg.h"
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/proc.h"
#include "gpu/sample_rows.h"
#include "gpu/samples_db.h"
#include "store/pq_dl.h"
#include "store/store.h"

struct gpu_samples_pg {
    char *url;                           /* as given: each reconnection opens it again */
    char *shown;                         /* for messages: without its password */
    const volatile sig_atomic_t *stop;   /* set by a signal: connect no more */
    ws_store *store;                     /* NULL while the server does not answer */
    PGconn *conn;                        /* the store's */
    double until_s;                      /* monotonic: the statements now run wait for the server until then */
    int late;                            /* the server did not answer by until_s: the connection is dropped */
    char txid[24];                       /* the write in progress's transaction (txid_current) */
    int unsure;                          /* a write was given up in its COMMIT (the server may have
                                          * committed it): its transaction, its last sample's time */
    char unsure_txid[24];
    double unsure_t;
    PGconn *pending;                     /* a reconnection under way (NULL: none) */
    PostgresPollingStatusType polling;   /* ... PQconnectPoll's last answer: what it waits for */
    double timeout_s;                    /* ... its connect_timeout (0: none), for the whole of it */
    double give_up_s;                    /* ... monotonic: abandoned then */
    char lost[400];                      /* why the last connection ended ("": none), for the
                                          * messages of the one that waits */
    int locked;                          /* the last open failed on another session's lock, not
                                          * on the server (its statement ended by lock_timeout) */
};

/* How long a statement waits for the server at least (a write, until the next sample is due when
 * that is later): one that stalled, or whose network is cut without a reset (TCP tries for about
 * 15 minutes), held the monitor in libpq for as long, taking no sample, deaf to SIGTERM. */
#define ANSWER_S 2.0

/* A statement of the monitor's waits on the server for another session's lock until LOCK_MARGIN_S
 * before the monitor gives it up at most (lock_timeout: its connections' LOCK_WAIT_MS, a write's
 * set in its transaction): a statement given up, its connection closed, stayed on the server
 * until it ended (the server reads the connection only then), and one queued for a lock queued
 * every later request that conflicts with it behind it: the store's CREATE INDEX at the open,
 * queued for a SHARE lock on trials behind an open write, held every trial's write to trials
 * until that write ended, the monitor long gone. The margin lets the server's answer (55P03)
 * come back first, so that the wait is said as a lock, not as a server that does not answer. */
#define LOCK_MARGIN_S 0.5
#define LOCK_WAIT_MS ((int)((ANSWER_S - LOCK_MARGIN_S) * 1e3))

/* Two monitors (two nodes) making the table at once: one CREATE ... IF NOT EXISTS fails on the
 * other's catalog row, so they take turns (a transaction-scoped advisory lock; the store's schema
 * lock is another key). */
#define SAMPLES_LOCK "7770313"
static const char schema_sql[] =
    "BEGIN; SELECT pg_advisory_xact_lock(" SAMPLES_LOCK ");"
    "CREATE TABLE IF NOT EXISTS " GPU_SAMPLES_TABLE " ("
    " row_id BIGSERIAL PRIMARY KEY, sample BIGINT NOT NULL, t DOUBLE PRECISION NOT NULL, datetime TEXT NOT NULL,"
    " source TEXT NOT NULL, kind TEXT NOT NULL, device INTEGER, name TEXT, util DOUBLE PRECISION,"
    " mem_util DOUBLE PRECISION, mem_used_bytes BIGINT, mem_total_bytes BIGINT, power_w DOUBLE PRECISION,"
    " temp_c DOUBLE PRECISION, sm_clock_mhz DOUBLE PRECISION, pid BIGINT, trial_id BIGINT, cpu DOUBLE PRECISION,"
    " rss_bytes BIGINT, host TEXT NOT NULL);"
    "CREATE SEQUENCE IF NOT EXISTS " GPU_SAMPLES_TABLE "_sample_seq;"
    "CREATE INDEX IF NOT EXISTS " GPU_SAMPLES_TABLE "_t ON " GPU_SAMPLES_TABLE " (t);"
    "COMMIT";
/* every column the inserts name: a table of that name that is not ours is refused at the open */
#define COLUMNS "sample, t, datetime, source, kind, device, name, util, mem_util, mem_used_bytes, mem_total_bytes," \
                " power_w, temp_c, sm_clock_mhz, pid, trial_id, cpu, rss_bytes, host"
static const char insert_sql[] =
    "INSERT INTO " GPU_SAMPLES_TABLE " (" COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
    " $14, $15, $16, $17, $18, $19)";
enum { N_COLUMNS = 19 };

static const char running_sql[] = GPU_RUNNING_PIDS_SQL;

static int ok(const PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* The connection is gone (the server stopped, restarted, the network cut) or did not answer in
 * time: closed here, tried again at the next write. */
static int gone(gpu_samples_pg *p)
{
    return !p->conn || p->late || PQstatus(p->conn) != CONNECTION_OK;
}

static void disconnect(gpu_samples_pg *p)
{
    ws_store_close(p->store);
    p->store = NULL;
    p->conn = NULL;
    p->late = 0;
}

/* A statement's answer, waited for until p->until_s at most, and after a stop for ANSWER_S more at
 * most (ws_pq_exec_until). NULL where libpq gave none, or (p->late set) the server did not answer
 * by then: the caller drops the connection, so that the server ends the transaction. */
static PGresult *exec_until(gpu_samples_pg *p, const char *sql, int n, const char *const *params)
{
    int late;
    PGresult *r = ws_pq_exec_until(p->conn, sql, n, params, p->until_s, p->stop, ANSWER_S, &late);
    if (late) p->late = 1;
    return r;
}

/* Sets how long the statements that follow wait for the server: until until_s, ANSWER_S at least.
 * Returns the seconds that allows them, from the same reading of the clock. */
static double answer_by(gpu_samples_pg *p, double until_s)
{
    double now = ws_mono_s();
    p->until_s = fmax(until_s, now + ANSWER_S);
    return p->until_s - now;
}

/* The connection is gone: why (r's error, else the connection's) into p->lost, and closed. */
static void drop_lost(gpu_samples_pg *p, const PGresult *r)
{
    ws_pq_first_line(p->lost, sizeof p->lost, r ? PQresultErrorMessage(r) : NULL);
    if (!r || !strcmp(p->lost, "no message from libpq"))
        ws_pq_first_line(p->lost, sizeof p->lost, p->conn ? PQerrorMessage(p->conn) : NULL);
    if (p->late) snprintf(p->lost, sizeof p->lost, "no answer to a statement within %g s", ANSWER_S);
    disconnect(p);
}

/* A statement of the open ended by lock_timeout: said as the lock it waited for; tried again at
 * the next write, the samples kept as for a lock (p->locked). */
static int locked_error(gpu_samples_pg *p, const char *what, ws_err *e)
{
    p->locked = 1;
    return ws_err_set(e, WS_EINTERNAL, "%s: %s: " WS_PQ_LOCKED, p->shown, what);
}

static int down_error(gpu_samples_pg *p, const PGresult *r, ws_err *e)
{
    drop_lost(p, r);
    return ws_err_set(e, WS_EINTERNAL, "%s: the database server does not answer: %s", p->shown, p->lost);
}

/* Whether the table, its sequence and its index are all there: read from the catalog, which
 * takes no lock (as pg_open.c's HAVE_TABLES, and not to_regclass: its syscache entry). */
static const char have_table_sql[] =
    "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = current_schema() AND c.relname IN ('" GPU_SAMPLES_TABLE "', '" GPU_SAMPLES_TABLE
    "_sample_seq', '" GPU_SAMPLES_TABLE "_t')";

/* Makes the samples table when missing and checks that the one there is ours. The DDL runs only
 * when something is missing: CREATE INDEX IF NOT EXISTS takes a SHARE lock on the table before it
 * finds the index there, and so waited for any other connection's write to the table (one cut off
 * mid-write stays open on the server for hours), every other monitor's inserts queued behind it. */
static int make_table(gpu_samples_pg *p, ws_err *e)
{
    PGresult *r = exec_until(p, have_table_sql, 0, NULL);
    int have = ok(r) && PQntuples(r) == 1 && !strcmp(PQgetvalue(r, 0, 0), "3");
    PQclear(r);
    r = have || gone(p) ? NULL : exec_until(p, schema_sql, 0, NULL);
    if (!have && !ok(r)) {
        char msg[400];
        ws_pq_first_line(msg, sizeof msg, PQresultErrorMessage(r));
        int locked = ws_pq_lock_timed_out(r);
        PQclear(r);
        if (gone(p)) return down_error(p, NULL, e);
        PQclear(exec_until(p, "ROLLBACK", 0, NULL));
        if (locked) return locked_error(p, "creating the samples table", e);
        return ws_err_set(e, WS_EINTERNAL, "%s: creating the samples table: %s", p->shown, msg);
    }
    PQclear(r);   /* NULL when not run */
    r = exec_until(p, "SELECT row_id, " COLUMNS " FROM " GPU_SAMPLES_TABLE " LIMIT 0", 0, NULL);
    if (!ok(r)) {
        char msg[400];
        ws_pq_first_line(msg, sizeof msg, PQresultErrorMessage(r));
        int locked = ws_pq_lock_timed_out(r);   /* another session's ACCESS EXCLUSIVE (ALTER, VACUUM FULL) */
        PQclear(r);
        if (gone(p)) return down_error(p, NULL, e);
        if (locked) return locked_error(p, "reading the samples table", e);
        return ws_err_set(e, WS_EINPUT, "%s: its " GPU_SAMPLES_TABLE " is not gpu-monitor's samples table (%s); expected "
                          "a database without another table or view of that name", p->shown, msg);
    }
    PQclear(r);
    return 0;
}

/* The store's open of the URL and the samples table: conn a connection made already (taken), or
 * NULL to connect through libpq's own connect (after a connection failed: the server has just
 * answered, and the store's connect tells a refusal from a server to wait for, with its words).
 * 0 connected, 1 the server does not answer (e says why), -1 refused. */
static int open_db(gpu_samples_pg *p, PGconn *conn, ws_err *e)
{
    double allowed_s = answer_by(p, p->until_s);   /* the wait for the connection may have taken the statements' time */
    /* the store's statements on the new connection wait for the server as this file's do; the time
     * they are allowed is said as set here (2 s, not what is left once the store begins) */
    ws_store_wait w = {.stop = p->stop, .pg_try_once = 1, .pg_conn = conn, .pg_answer_until_s = p->until_s,
                       .pg_answer_s = allowed_s,
                       .pg_lock_timeout_ms = LOCK_WAIT_MS, .pg_locked = &p->locked};
    if (ws_store_open_wait(&p->store, p->url, WS_STORE_CREATE | WS_STORE_NO_SCHEMA, &w, e)) {
        p->store = NULL;
        return e->kind == WS_EINPUT || e->kind == WS_ENOMEM ? -1 : 1;
    }
    p->conn = ws_store_pg(p->store);
    p->late = 0;
    p->lost[0] = 0;
    int rc = make_table(p, e);
    if (rc && p->locked) disconnect(p);   /* the table checked again on the next connection */
    if (rc) return gone(p) || !p->store ? 1 : -1;
    return 0;
}

static void abandon(gpu_samples_pg *p)
{
    /* not PQfinish(NULL): where libpq could not be loaded (the open refused), it is no function */
    if (p->pending) PQfinish(p->pending);
    p->pending = NULL;
}

static int stopped(gpu_samples_pg *p, ws_err *e)
{
    abandon(p);
    return ws_err_set(e, WS_EINTERNAL, "%s: stopped while the database server did not answer", p->shown), 1;
}

/* A connection, begun when there is none, driven until monotonic until_s (the next sample; the
 * first connection, INFINITY) at most, and left pending for the next write where it is not made
 * by then: the samples queue meanwhile, and a stop ends it at once. Abandoned after its
 * connect_timeout (the next write begins another). One that fails is tried once more through the
 * store's open, which the server has just answered: its refusal (no such database, a password)
 * is the first connection's, with its message. As open_db. */
static int reconnect(gpu_samples_pg *p, double until_s, ws_err *e)
{
    if (!p->pending) {
        if (!(p->pending = ws_store_pg_connect_start(p->url, &p->timeout_s, e))) return -1;
        /* PQconnectStartParams has tried the first step: as if PQconnectPoll said WRITING */
        p->polling = PQstatus(p->pending) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
        p->give_up_s = p->timeout_s > 0 ? ws_mono_s() + p->timeout_s : INFINITY;
    }
    for (;;) {
        if (p->polling == PGRES_POLLING_OK) {
            PGconn *made = p->pending;
            p->pending = NULL;
            return open_db(p, made, e);
        }
        if (p->polling == PGRES_POLLING_FAILED) {
            abandon(p);
            /* not after a stop: the store's connect waits in libpq, and looks the host's name
             * up again three times (its connect, hosts_unknown, the ping), each a resolver's
             * timeout where the name server is silent (a SIGTERM at start took 4 lookups) */
            if (p->stop && *p->stop) return stopped(p, e);
            return open_db(p, NULL, e);
        }
        double now = ws_mono_s();
        if (p->stop && *p->stop) return stopped(p, e);
        if (now >= p->give_up_s) {
            abandon(p);
            return ws_err_set(e, WS_EINTERNAL, "%s: the database server does not answer: no connection within %g s "
                              "(connect_timeout)", p->shown, p->timeout_s), 1;
        }
        if (now >= until_s)
            return ws_err_set(e, WS_EINTERNAL, "%s: the database server does not answer: a connection is waiting for "
                              "it%s%s%s", p->shown, p->lost[0] ? " (the last one ended: " : "", p->lost,
                              p->lost[0] ? ")" : ""), 1;
        /* in slices, so that a stop is seen (its signal may come just before poll) */
        struct pollfd fd = {PQsocket(p->pending), p->polling == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0};
        int ms = (int)ceil(fmin(fmin(until_s, p->give_up_s) - now, 0.05) * 1e3);
        int n = poll(&fd, 1, ms);
        if (n < 0 && errno != EINTR) {
            int err = errno;
            abandon(p);
            return ws_err_set(e, WS_EINTERNAL, "%s: the database server does not answer: poll: %s", p->shown,
                              strerror(err)), 1;
        }
        if (n > 0) p->polling = PQconnectPoll(p->pending);
    }
}

/* 0 connected (already, or now), 1 the server does not answer (e says why), -1 refused. */
static int connect_db(gpu_samples_pg *p, double until_s, ws_err *e)
{
    p->locked = 0;
    if (p->store && !gone(p)) return 0;
    disconnect(p);
    if (p->stop && *p->stop) return stopped(p, e);
    return reconnect(p, until_s, e);
}

gpu_samples_pg *gpu_samples_pg_open(const char *url, const volatile sig_atomic_t *stop, int *down, ws_err *e)
{
    gpu_samples_pg *p = calloc(1, sizeof *p);
    if (p) { p->url = strdup(url); p->shown = ws_store_url_shown(url); }
    if (!p || !p->url || !p->shown) {
        gpu_samples_pg_close(p);
        ws_err_set(e, WS_ENOMEM, "out of memory");
        return NULL;
    }
    p->stop = stop;
    answer_by(p, 0);
    /* The first connection waits for the server up to connect_timeout, as every tool's (its
     * answer decides whether the URL is refused, before anything is sampled), but not in libpq's
     * connect: a stop ends it at once. Stopped, there is nothing to open. */
    int rc = stop && *stop ? stopped(p, e) : reconnect(p, INFINITY, e);
    if (rc < 0 || (rc > 0 && !p->store && stop && *stop)) { gpu_samples_pg_close(p); return NULL; }
    if (down) *down = rc <= 0 ? 0 : p->locked ? 2 : 1;
    return p;
}

void gpu_samples_pg_close(gpu_samples_pg *p)
{
    if (!p) return;
    disconnect(p);
    abandon(p);
    free(p->url);
    free(p->shown);
    free(p);
}

const char *gpu_samples_pg_path(const gpu_samples_pg *p) { return p->shown; }

int gpu_samples_pg_running(gpu_samples_pg *p,
                           int (*row)(void *ctx, long long trial_id, long number, const char *pid_json,
                                      const char *host_json, const char *start_json),
                           void *ctx, ws_err *e)
{
    if (!p->store) return 0;   /* the write tries the server again; until then no pids */
    answer_by(p, 0);
    PGresult *r = exec_until(p, running_sql, 0, NULL);
    if (!ok(r)) {
        /* undefined_table: Optuna's, before suggest makes them; a lock held on them (ALTER TABLE,
         * VACUUM FULL): no pids this time, the next sample asks again */
        int no_study = ws_pq_sqlstate_is(r, "42P01") || ws_pq_lock_timed_out(r);
        if (!no_study && gone(p)) {   /* said by the write that follows */
            drop_lost(p, r);
            PQclear(r);
            return 0;
        }
        char msg[400];
        ws_pq_error_line(msg, sizeof msg, r);
        PQclear(r);
        if (no_study) return 0;
        return ws_err_set(e, WS_EINTERNAL, "%s: reading running trials: %s", p->shown, msg);
    }
    int rc = 0;
    for (int i = 0; !rc && i < PQntuples(r); i++)
        rc = row(ctx, strtoll(PQgetvalue(r, i, 0), NULL, 10), strtol(PQgetvalue(r, i, 1), NULL, 10),
                 PQgetisnull(r, i, 2) ? NULL : PQgetvalue(r, i, 2), PQgetisnull(r, i, 3) ? NULL : PQgetvalue(r, i, 3),
                 PQgetisnull(r, i, 4) ? NULL : PQgetvalue(r, i, 4));
    PQclear(r);
    return rc;
}

/* One sample's rows: the columns they share as text, and where a failure goes. */
typedef struct {
    gpu_samples_pg *p;
    const char *shared[5];   /* sample, t, datetime, source (kind is the row's), host */
    PGresult *failed;        /* the result of the statement that failed (to PQclear) */
} row_ctx;

static const char *real_text(char *buf, size_t n, double v)
{
    if (!isfinite(v)) return NULL;
    snprintf(buf, n, "%.17g", v);
    return buf;
}

static const char *count_text(char *buf, size_t n, long long v)
{
    if (v < 0) return NULL;
    snprintf(buf, n, "%lld", v);
    return buf;
}

static int insert_row(const gpu_sample_row *r, void *arg)
{
    row_ctx *c = arg;
    char b[13][32];
    const char *v[N_COLUMNS] = {
        c->shared[0], c->shared[1], c->shared[2], c->shared[3], r->kind, count_text(b[0], sizeof b[0], r->device),
        r->name, real_text(b[1], sizeof b[1], r->util), real_text(b[2], sizeof b[2], r->mem_util),
        count_text(b[3], sizeof b[3], r->mem_used_bytes), count_text(b[4], sizeof b[4], r->mem_total_bytes),
        real_text(b[5], sizeof b[5], r->power_w), real_text(b[6], sizeof b[6], r->temp_c),
        real_text(b[7], sizeof b[7], r->sm_clock_mhz), r->pid > 0 ? count_text(b[8], sizeof b[8], r->pid) : NULL,
        count_text(b[9], sizeof b[9], r->trial_id), real_text(b[10], sizeof b[10], r->cpu),
        count_text(b[11], sizeof b[11], r->rss_bytes), c->shared[4]};
    PGresult *res = exec_until(c->p, insert_sql, N_COLUMNS, v);
    if (ok(res)) { PQclear(res); return 0; }
    c->failed = res;
    return 1;
}

/* The rows of one sample, numbered from the sequence, inside the caller's transaction: 0, or 1
 * with c->failed set (NULL: libpq gave no result). */
static int write_sample(row_ctx *c, const gpu_sample *s)
{
    PGresult *r = exec_until(c->p, "SELECT nextval('" GPU_SAMPLES_TABLE "_sample_seq')", 0, NULL);
    if (!ok(r)) { c->failed = r; return 1; }
    char sample[32], t[40], datetime[40];
    snprintf(sample, sizeof sample, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    snprintf(t, sizeof t, "%.17g", s->t_s);
    ws_datetime_format(s->t_s, datetime, sizeof datetime);
    c->shared[0] = sample;
    c->shared[1] = t;
    c->shared[2] = datetime;
    c->shared[3] = gpu_sample_source_name(s);
    c->shared[4] = ws_hostname();
    return gpu_sample_rows(s, insert_row, c);
}

/* After a write given up in its COMMIT: what became of its transaction (txid_status, which the
 * server keeps). 1 committed, 0 not (or not known: a server before PostgreSQL 10), 2 still in
 * progress (the server at it yet: a slow COMMIT), -1 no answer (*failed set, or NULL). */
static int committed(gpu_samples_pg *p, PGresult **failed)
{
    const char *v[] = {p->unsure_txid};
    PGresult *r = exec_until(p, "SELECT txid_status($1::bigint)", 1, v);
    if (!ok(r)) {
        if (!r || gone(p)) { *failed = r; return -1; }
        PQclear(r);
        return 0;   /* no txid_status: written again, as before it was looked for */
    }
    const char *st = PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0);
    int rc = !strcmp(st, "committed") ? 1 : !strcmp(st, "in progress") ? 2 : 0;
    PQclear(r);
    return rc;
}

int gpu_samples_pg_write(gpu_samples_pg *p, const gpu_sample *const *samples, size_t n, double until_s, int *busy,
                         ws_err *e)
{
    *busy = 0;
    answer_by(p, until_s);   /* the server's answers too, and a (re)connection's statements */
    int rc = connect_db(p, until_s, e);
    if (rc) { *busy = rc > 0 && p->locked; return rc; }
    /* A write given up in its COMMIT may have gone through: its samples, still queued (the oldest,
     * in time order), are not written again where it did, and wait while the server is at it. */
    row_ctx c = {p, {NULL}, NULL};
    PGresult *r = NULL;
    int there = p->unsure ? committed(p, &c.failed) : 0;
    if (there == 2) {
        *busy = 1;
        return ws_err_set(e, WS_EINTERNAL, "%s: database is locked: an earlier write of these samples, given up in "
                          "its COMMIT, is still in progress on the server", p->shown), 1;
    }
    if (there >= 0) p->unsure = 0;
    if (there == 1)
        while (n && samples[0]->t_s <= p->unsure_t) { samples++; n--; }
    if (there >= 0 && !n) return 0;
    /* the wait for another connection's lock ends when the next sample is due, and LOCK_MARGIN_S
     * before the monitor's wait for the answer at the latest (1 ms at least: 0 would be none) */
    char begin[96];
    double left_ms = (fmin(until_s, p->until_s - LOCK_MARGIN_S) - ws_mono_s()) * 1e3;
    snprintf(begin, sizeof begin, "BEGIN; SET LOCAL lock_timeout = %ld; SELECT txid_current()",
             left_ms > 1 ? (long)ceil(left_ms) : 1L);
    int in_commit = 0;
    if (there < 0) {}   /* c.failed: committed()'s */
    else if (!ok(r = exec_until(p, begin, 0, NULL))) c.failed = r;
    else {
        snprintf(p->txid, sizeof p->txid, "%s", PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "");
        PQclear(r);
        int failed = 0;
        for (size_t i = 0; !failed && i < n; i++) failed = write_sample(&c, samples[i]);
        if (!failed) {
            in_commit = 1;
            r = exec_until(p, "COMMIT", 0, NULL);
            /* COMMIT of a transaction that had failed answers ROLLBACK, without an error */
            if (ok(r) && !strcmp(PQcmdStatus(r), "COMMIT")) { PQclear(r); return 0; }
            c.failed = r;
        }
    }
    if (gone(p)) {
        if (in_commit && p->txid[0]) {   /* the server's answer lost: what became of it is asked later */
            p->unsure = 1;
            p->unsure_t = samples[n - 1]->t_s;
            memcpy(p->unsure_txid, p->txid, sizeof p->txid);
        }
        rc = down_error(p, c.failed, e);
        PQclear(c.failed);
        return 1;
    }
    char msg[400];
    if (c.failed) ws_pq_error_line(msg, sizeof msg, c.failed);
    else ws_pq_first_line(msg, sizeof msg, PQerrorMessage(p->conn));
    *busy = ws_pq_lock_timed_out(c.failed);
    PQclear(c.failed);
    if (there >= 0) PQclear(exec_until(p, "ROLLBACK", 0, NULL));   /* committed() began none */
    if (*busy) return ws_err_set(e, WS_EINTERNAL, "%s: database is locked: %s", p->shown, msg), 1;
    return ws_err_set(e, WS_EINTERNAL, "%s: writing samples: %s", p->shown, msg);
}
