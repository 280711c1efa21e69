/* pg_conn.c — the PostgreSQL connection: connecting with a bounded wait for the server, and the
 * executor that logs, retries and replays statements (the scheme is described in
 * pg_internal.h). */
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/clock.h"
#include "store/pg_internal.h"

enum { MAX_DELAY_MS = 2000, FIRST_DELAY_MS = 50 };

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
}

/* Sleeps the next backoff step, or what is left until the deadline where that is less (one
 * last try at the deadline: giving up when the next step would pass it ended a 2 s wait after
 * 1.55 s, and said "did not answer within 2 s"); -1 once the deadline has passed. */
static int backoff(double deadline, long *delay_ms)
{
    double left = deadline - ws_mono_s();
    if (left <= 0) return -1;
    sleep_ms((double)*delay_ms / 1000.0 > left ? (long)ceil(left * 1000.0) : *delay_ms);
    *delay_ms = *delay_ms * 2 > MAX_DELAY_MS ? MAX_DELAY_MS : *delay_ms * 2;
    return 0;
}

/* Option `key` of libpq's list, or NULL. */
static const char *conninfo_val(const PQconninfoOption *opts, const char *key)
{
    for (const PQconninfoOption *o = opts; o && o->keyword; o++)
        if (!strcmp(o->keyword, key)) return o->val && *o->val ? o->val : NULL;
    return NULL;
}

/* 1 when every host the connection names is a name the resolver says does not exist (a typo in
 * the URL's host, or in PGHOST): libpq's ping answers "no response" for it as for a server that
 * is down, and every tool waited WS_DB_RETRY_S for a host that no wait makes. Asked of
 * getaddrinfo, not read from libpq's message, which may be translated; a resolver that cannot
 * answer now (EAI_AGAIN: the name server is down) is a wait like a server's. A socket folder, a
 * hostaddr (libpq then resolves nothing) or no host at all is never unknown. Each option is
 * taken as libpq takes it: the connection string's, else the environment's (PQconndefaults),
 * each on its own, so a PGHOSTADDR beside a URL's host name is a hostaddr too; and an empty
 * element of a host list ("name,") is the default socket, which no resolver answers for. */
static int hosts_unknown(const char *conninfo)
{
    PQconninfoOption *opts = PQconninfoParse(conninfo, NULL), *defaults = NULL;
    if (!opts) return 0;
    const char *host = conninfo_val(opts, "host"), *hostaddr = conninfo_val(opts, "hostaddr");
    if (!host || !hostaddr) {   /* libpq's defaults: the environment's (PGHOST, PGHOSTADDR) */
        defaults = PQconndefaults();
        if (!host) host = conninfo_val(defaults, "host");
        if (!hostaddr) hostaddr = conninfo_val(defaults, "hostaddr");
    }
    /* the whole list: a name cut at a buffer's end was another name */
    char *names = host && !hostaddr ? strdup(host) : NULL;
    int unknown = names != NULL;
    for (char *h = names, *next; h && unknown; h = next) {
        next = strchr(h, ',');
        if (next) *next++ = 0;
        if (!*h || *h == '/' || *h == '@') { unknown = 0; break; }
        struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
        int rc = getaddrinfo(h, NULL, &hints, &res);
        if (res) freeaddrinfo(res);
        unknown = rc == EAI_NONAME
#ifdef EAI_NODATA
                  || rc == EAI_NODATA
#endif
            ;
    }
    free(names);
    PQconninfoFree(opts);
    PQconninfoFree(defaults);
    return unknown;
}

/* The connection failed; is it worth waiting (server down, starting, full) or not (no such
 * database, authentication, a bad URL, a host name that does not exist)? */
static int connect_retryable(const char *const *keys, const char *const *vals, const char *msg)
{
    if (strstr(msg, "too many clients") || strstr(msg, "starting up") || strstr(msg, "shutting down")) return 1;
    /* libpq's connect_timeout passed: a server that did not answer in time (stalled, loaded, a
     * network dropping packets), whatever the ping says next (one that answers it, having come
     * back meanwhile or answering new connections only, made this a refusal, exit 2) */
    if (strstr(msg, "timeout expired")) return 1;
    /* a port libpq cannot use (0, past 65535, not a number) is found only when it tries the host,
     * and the ping then answers "no response" as for a server that is down: a mistake in the URL,
     * which no wait mends */
    if (strstr(msg, "invalid port number") || strstr(msg, "invalid integer value")) return 0;
    if (hosts_unknown(vals[2])) return 0;
    PGPing ping = PQpingParams(keys, vals, 1);
    return ping == PQPING_REJECT || ping == PQPING_NO_RESPONSE;
}

/* The parameters every connection is made with: connect_timeout first, so that one given in the
 * URL (dbname expands it) wins. */
#define CONNECT_KEYS {"connect_timeout", "application_name", "dbname", NULL}
#define CONNECT_VALS(conninfo) {"10", "wakesweep", (conninfo), NULL}

PGconn *ws_pg_connect_start(const char *conninfo)
{
    const char *keys[] = CONNECT_KEYS, *vals[] = CONNECT_VALS(conninfo);
    return PQconnectStartParams(keys, vals, 1);
}

static int connect_until(ws_store *s, double deadline, long *delay_ms, ws_err *e)
{
    struct ws_pg *p = s->pg;
    const char *keys[] = CONNECT_KEYS, *vals[] = CONNECT_VALS(p->conninfo);
    for (;;) {
        p->conn = PQconnectdbParams(keys, vals, 1);
        if (p->conn && PQstatus(p->conn) == CONNECTION_OK) {
            ws_pg_settings(s);
            return 0;
        }
        char msg[512];
        ws_pq_first_line(msg, sizeof msg, p->conn ? PQerrorMessage(p->conn) : "out of memory");
        PQfinish(p->conn);
        p->conn = NULL;
        if (!connect_retryable(keys, vals, msg))
            return ws_err_set(e, WS_EINPUT, "%s: cannot connect: %s", s->path, msg);
        if (s->pg_try_once)   /* the caller tries again later (ws_store_wait) */
            return ws_err_set(e, WS_EINTERNAL, "%s: the database server does not answer: %s", s->path, msg);
        if (backoff(deadline, delay_ms))
            return ws_err_set(e, WS_EINTERNAL, "%s: the database server did not answer within %g s: %s", s->path,
                              p->retry_s, msg);
    }
}

static PGresult *exec(ws_store *s, const char *sql, int n, const char *const *params);

void ws_pg_settings(ws_store *s)
{
    /* Quiet NOTICEs (IF NOT EXISTS ...) that libpq would print on stderr; and the caller's
     * lock_timeout (ws_store_wait's), in the same round trip */
    char sql[96] = "SET client_min_messages = warning";
    if (s->pg_lock_timeout_ms > 0)
        snprintf(sql + strlen(sql), sizeof sql - strlen(sql), "; SET lock_timeout = %d", s->pg_lock_timeout_ms);
    PQclear(exec(s, sql, 0, NULL));
}

int ws_pg_connect(ws_store *s, ws_err *e)
{
    long delay = FIRST_DELAY_MS;
    return connect_until(s, ws_mono_s() + s->pg->retry_s, &delay, e);
}

/* Connection lost (class 08, or libpq says so), the server shutting down or restarting (57P0x),
 * or the transaction aborted for a concurrency reason (40001 serialization, 40P01 deadlock). */
static int retryable(PGconn *c, const PGresult *r)
{
    if (!c || PQstatus(c) != CONNECTION_OK) return 1;
    const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (!code) return r == NULL;
    return !strncmp(code, "08", 2) || !strcmp(code, "40001") || !strcmp(code, "40P01") || !strncmp(code, "57P0", 4);
}

/* A statement's answer during an open with a deadline (ws_store_wait's pg_answer_until_s), waited
 * for until then at most, and not after a stop (s->stop): NULL then, the connection closed
 * (p->conn NULL) and why in p->late, so that the server ends what it was at and the caller sees a
 * connection gone. */
static PGresult *exec_until(ws_store *s, const char *sql, int n, const char *const *params)
{
    struct ws_pg *p = s->pg;
    int late;
    PGresult *r = ws_pq_exec_until(p->conn, sql, n, params, p->answer_until_s, s->stop, 0, &late);
    if (late) {
        snprintf(p->late, sizeof p->late, late == WS_PQ_STOPPED ? "stopped while waiting for the server's answer"
                 : "no answer to a statement within %.3g s", p->answer_s);
        PQfinish(p->conn);
        p->conn = NULL;
    }
    return r;
}

/* Without parameters the simple protocol, which also takes several statements in one string. */
static PGresult *exec(ws_store *s, const char *sql, int n, const char *const *params)
{
    PGconn *c = s->pg->conn;
    if (s->pg->answer_until_s > 0) return exec_until(s, sql, n, params);
    return n ? PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0) : PQexec(c, sql);
}

void ws_pg_send_rollback(ws_store *s)
{
    PGconn *c = s->pg->conn;
    if (c && PQstatus(c) == CONNECTION_OK) PQclear(exec(s, "ROLLBACK", 0, NULL));
}

static unsigned long long digest(const PGresult *r)
{
    unsigned long long h = 1469598103934665603ULL;
#define MIX(byte) (h = (h ^ (unsigned char)(byte)) * 1099511628211ULL)
    int rows = PQntuples(r), cols = PQnfields(r);
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            if (PQgetisnull(r, i, j)) { MIX(0xff); MIX(0xfe); continue; }
            for (const char *v = PQgetvalue(r, i, j); *v; v++) MIX(*v);
            MIX(0);
        }
    for (const char *v = PQcmdTuples((PGresult *)r); *v; v++) MIX(*v);
    MIX(rows); MIX(cols);
#undef MIX
    return h;
}

void ws_pg_log_clear(struct ws_pg *p)
{
    for (size_t i = 0; i < p->n_log; i++) {
        ws_pg_logged *l = &p->log[i];
        for (int k = 0; k < l->n_params; k++) free(l->params[k]);
        free(l->params);
        free(l->sql);
    }
    p->n_log = 0;
}

static int log_add(struct ws_pg *p, const char *sql, int n, const char *const *params, int flags,
                   unsigned long long d)
{
    if (p->n_log == p->cap_log) {
        size_t cap = p->cap_log ? 2 * p->cap_log : 16;
        ws_pg_logged *nl = realloc(p->log, cap * sizeof *nl);
        if (!nl) return -1;
        p->log = nl;
        p->cap_log = cap;
    }
    ws_pg_logged *l = &p->log[p->n_log];
    memset(l, 0, sizeof *l);
    l->sql = strdup(sql);
    l->params = calloc(n ? (size_t)n : 1, sizeof *l->params);
    l->digest = d;
    l->keep = flags & WS_PG_KEEP;
    if (!l->sql || !l->params) { free(l->sql); free(l->params); return -1; }
    l->n_params = n;
    p->n_log++;
    for (int k = 0; k < n; k++)
        if (params[k] && !(l->params[k] = strdup(params[k]))) return -1;
    return 0;
}

/* In a fresh transaction, runs the logged statements again. 0: same results, go on; 1: a
 * retryable failure again; -1: a result changed or a real error (e filled). */
static int replay(ws_store *s, ws_err *e)
{
    struct ws_pg *p = s->pg;
    PGresult *r = exec(s, "BEGIN", 0, NULL);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) return 1;
    for (size_t i = 0; i < p->n_log; i++) {
        ws_pg_logged *l = &p->log[i];
        if (l->keep) continue;
        r = exec(s, l->sql, l->n_params, (const char *const *)l->params);
        ExecStatusType st = PQresultStatus(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            int again = retryable(p->conn, r);
            char msg[512];
            ws_pq_first_line(msg, sizeof msg, PQresultErrorMessage(r));
            PQclear(r);
            if (again) return 1;
            return ws_err_set(e, WS_EINTERNAL, "%s: replaying a transaction after reconnecting: %s", s->path, msg);
        }
        unsigned long long d = digest(r);
        PQclear(r);
        if (d != l->digest)
            return ws_err_set(e, WS_EINTERNAL, "%s: the connection to the server was lost in a transaction and the "
                              "study changed meanwhile (or the lost commit had gone through); nothing more was "
                              "written", s->path);
    }
    return 0;
}

/* After a retryable failure: reconnect when the connection is gone, and resume the open
 * transaction by replaying it. */
static int recover(ws_store *s, double deadline, long *delay_ms, const char *why, ws_err *e)
{
    struct ws_pg *p = s->pg;
    for (;;) {
        if (!p->conn || PQstatus(p->conn) != CONNECTION_OK) {
            PQfinish(p->conn);
            p->conn = NULL;
            if (s->pg_try_once)   /* the caller tries again later (ws_store_wait) */
                return ws_err_set(e, WS_EINTERNAL, "%s: the database server does not answer: %s", s->path, why);
            if (backoff(deadline, delay_ms))
                return ws_err_set(e, WS_EINTERNAL, "%s: lost the database server and it did not come back within "
                                  "%g s (%s)", s->path, p->retry_s, why);
            if (connect_until(s, deadline, delay_ms, e)) return -1;
        } else if (s->in_txn) {
            ws_pg_send_rollback(s);
        }
        if (!s->in_txn) return 0;
        int rc = replay(s, e);
        if (rc <= 0) return rc;
        ws_pg_send_rollback(s);
        if (backoff(deadline, delay_ms))
            return ws_err_set(e, WS_EINTERNAL, "%s: could not resume a transaction within %g s (%s)", s->path,
                              p->retry_s, why);
    }
}

int ws_pg_exec(ws_store *s, const char *sql, int n, const char *const *params, int flags, PGresult **res,
               const char *what, ws_err *e)
{
    struct ws_pg *p = s->pg;
    double deadline = -1;
    long delay = FIRST_DELAY_MS;
    if (res) *res = NULL;
    for (;;) {
        PGresult *r = p->conn ? exec(s, sql, n, params) : NULL;
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            if (s->in_txn && log_add(p, sql, n, params, flags, digest(r))) {
                PQclear(r);
                return ws_err_set(e, WS_ENOMEM, "out of memory");
            }
            if (res) *res = r; else PQclear(r);
            return 0;
        }
        char msg[512];
        if (r) ws_pq_error_line(msg, sizeof msg, r);
        else ws_pq_first_line(msg, sizeof msg, p->conn ? PQerrorMessage(p->conn) : p->late[0] ? p->late : "not connected");
        if (s->pg_locked && ws_pq_lock_timed_out(r)) *s->pg_locked = 1;
        int again = retryable(p->conn, r);
        PQclear(r);
        if (!again) return ws_err_set(e, WS_EINTERNAL, "%s: %s: %s", s->path, what, msg);
        if (deadline < 0) deadline = ws_mono_s() + p->retry_s;
        /* a server given up at once (pg_try_once) is said "PATH: the database server does not
         * answer: WHY", as the caller shows it, with nothing before the path */
        if (recover(s, deadline, &delay, msg, e)) return s->pg_try_once ? -1 : ws_err_prefix(e, "%s", what);
    }
}

int ws_pg_run(ws_store *s, const char *sql, int n, const char *const *params, const char *what, ws_err *e)
{
    return ws_pg_exec(s, sql, n, params, 0, NULL, what, e);
}

void ws_pg_double(char *buf, size_t len, double v)
{
    snprintf(buf, len, "%.17g", v);
}
