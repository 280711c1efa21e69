/* samples_db.c — samples into the study's SQLite file, and the RUNNING trials' pids out of it
 * (see samples_db.h for the table), or, for a PostgreSQL study, through samples_pg.c; the queue
 * of samples not written yet is the same for both. Every SQLite return code goes through
 * SQL_CHECK. */
#include "gpu/samples_db.h"
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/json.h"
#include "core/proc.h"
#include "gpu/sample_rows.h"
#include "gpu/samples_pg.h"
#include "store/sqlite_wal.h"
#include "store/store.h"

/* A sample waiting to be written, and when it was taken. */
typedef struct queued {
    gpu_sample s;                        /* a copy; its buffers stay for the next one in this slot */
    double mono_s;
} queued;

struct gpu_samples_db {
    gpu_samples_pg *pg;                  /* a PostgreSQL study (none of the SQLite fields below then) */
    int pg_down;                         /* ... whose server did not answer at the last try */
    int pg_why;                          /* ... what kept samples out: 1 a server that did not answer, 2 a lock, 3 both */
    char note[1400];                     /* a note for gpu-monitor to print ("" none), note_loud: even with --quiet */
    char note_out[1400];                 /* ... as gpu_samples_db_next_note hands it out */
    int note_loud;
    ws_store *store;                     /* the study, opened as the other tools open it */
    sqlite3 *db;                         /* its connection (ws_store_sqlite) */
    const volatile sig_atomic_t *stop;   /* set by a signal: stop waiting for a lock */
    int busy_timeout_ms;                 /* how long one wait for a lock lasts at most */
    long long busy_until_ms;             /* this wait for a lock gives up then */
    long long flush_until_ms;            /* >= 0: a flush's wait gives up then (monotonic ms) */
    queued *q;                           /* ring of q_cap slots: q_n samples from q_head, oldest first */
    size_t q_head, q_n, q_cap;
    char path[512];
    sqlite3_stmt *insert;        /* one row */
    sqlite3_stmt *last_sample;   /* the newest row's sample number */
    sqlite3_stmt *has_optuna;    /* do Optuna's trial tables exist yet? */
    sqlite3_stmt *running;       /* RUNNING trials' pids; NULL until Optuna's tables exist */
    sqlite3_stmt *begin, *commit, *rollback;   /* prepared once: no parsing per sample */
};

static int sql_fail(gpu_samples_db *d, const char *what, ws_err *e)
{
    if ((sqlite3_errcode(d->db) & 0xff) == SQLITE_BUSY)   /* said as the study tools say it (ws_sql_fail) */
        return ws_err_set(e, WS_EINTERNAL, "%s: %s: database is locked: another process held the lock for longer than "
                          "the %g s gpu-monitor waits (WS_MONITOR_BUSY_S); run it again once that process has finished, "
                          "or set WS_MONITOR_BUSY_S to wait longer", d->path, what, d->busy_timeout_ms * 1e-3);
    char buf[512];
    return ws_err_set(e, ws_sqlite_error_kind(sqlite3_extended_errcode(d->db)), "%s: %s: %s", d->path, what,
                      ws_sqlite_errmsg(d->db, buf, sizeof buf));
}

/* Any code but OK, ROW or DONE fails the calling function with sqlite3_errmsg (ws_sqlite_errmsg). */
#define SQL_CHECK(d, call, what, e) do { int rc_ = (call); \
    if (rc_ != SQLITE_OK && rc_ != SQLITE_ROW && rc_ != SQLITE_DONE) return sql_fail((d), (what), (e)); \
    } while (0)

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS " GPU_SAMPLES_TABLE " ("
    " row_id INTEGER PRIMARY KEY, sample INTEGER NOT NULL, t REAL NOT NULL, datetime TEXT NOT NULL,"
    " source TEXT NOT NULL, kind TEXT NOT NULL, device INTEGER, name TEXT, util REAL, mem_util REAL,"
    " mem_used_bytes INTEGER, mem_total_bytes INTEGER, power_w REAL, temp_c REAL, sm_clock_mhz REAL,"
    " pid INTEGER, trial_id INTEGER, cpu REAL, rss_bytes INTEGER);"
    "CREATE INDEX IF NOT EXISTS " GPU_SAMPLES_TABLE "_kind_datetime ON " GPU_SAMPLES_TABLE " (kind, datetime);";

enum { C_SAMPLE = 1, C_T, C_DATETIME, C_SOURCE, C_KIND, C_DEVICE, C_NAME, C_UTIL, C_MEM_UTIL, C_MEM_USED,
       C_MEM_TOTAL, C_POWER, C_TEMP, C_CLOCK, C_PID, C_TRIAL_ID, C_CPU, C_RSS };
static const char insert_sql[] =
    "INSERT INTO " GPU_SAMPLES_TABLE " (sample, t, datetime, source, kind, device, name, util, mem_util,"
    " mem_used_bytes, mem_total_bytes, power_w, temp_c, sm_clock_mhz, pid, trial_id, cpu, rss_bytes)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";

static const char running_sql[] = GPU_RUNNING_PIDS_SQL;

const char *gpu_samples_db_file(const char *url, ws_err *e)
{
    /* a PostgreSQL study keeps them in its database (samples_pg.c) */
    if (ws_store_url_kind(url) == WS_DB_POSTGRES) return url;
    /* a query is refused as the store refuses it, but naming the variable that sets this tool's
     * wait for a lock: the store's words name WS_DB_BUSY_S, which gpu-monitor does not read */
    const char *file = ws_store_sqlite_file(url);
    if (file != url && strchr(file, '?')) {
        ws_err_set(e, WS_EINPUT, "--db: a query ('?...') after sqlite:///FILE, which Optuna (SQLAlchemy) passes to "
                   "Python's sqlite3 while it opens FILE, is not taken (WS_MONITOR_BUSY_S sets its wait for a lock): "
                   "give sqlite:///FILE alone");
        return NULL;
    }
    /* "sqlite:///" alone would be a private temporary database: the samples would vanish */
    const char *why = ws_store_url_no_file(url);
    if (why) {
        ws_err_set(e, WS_EINPUT, "--db: %s", why);
        return NULL;
    }
    return ws_store_sqlite_file(url);
}

/* Waits for a lock like a busy timeout of d->busy_timeout_ms, but gives up at once when a signal
 * asked the monitor to stop: SIGTERM must not wait out another connection's transaction. */
static int on_busy(void *arg, int tries)
{
    gpu_samples_db *d = arg;
    long long now = (long long)(ws_mono_s() * 1e3);
    if (tries == 0) d->busy_until_ms = d->flush_until_ms >= 0 ? d->flush_until_ms : now + d->busy_timeout_ms;
    if ((d->stop && *d->stop) || now >= d->busy_until_ms) return 0;
    long long nap = tries < 10 ? 1 + tries : 20;   /* never far past the end: a flush ends at the next sample */
    sqlite3_sleep((int)(nap < d->busy_until_ms - now ? nap : d->busy_until_ms - now));
    return 1;
}

gpu_samples_db *gpu_samples_db_open(const char *url, int busy_timeout_ms, const volatile sig_atomic_t *stop,
                                    ws_err *e)
{
    const char *path = gpu_samples_db_file(url, e);
    if (!path) return NULL;
    gpu_samples_db *d = calloc(1, sizeof *d);
    if (!d) { ws_err_set(e, WS_ENOMEM, "%s: out of memory", path); return NULL; }
    snprintf(d->path, sizeof d->path, "%s", path);
    d->stop = stop;   /* before the first wait for a lock: setting WAL, creating the table */
    d->busy_timeout_ms = busy_timeout_ms;
    d->flush_until_ms = -1;
    if (ws_store_url_kind(url) == WS_DB_POSTGRES) {
        ws_err why = {0};
        int down = 0;
        d->pg = gpu_samples_pg_open(url, stop, &down, &why);
        if (!d->pg) { *e = why; gpu_samples_db_close(d); return NULL; }
        snprintf(d->path, sizeof d->path, "%s", gpu_samples_pg_path(d->pg));
        d->pg_down = down == 1;
        if (down) {   /* sampling goes on: said even with --quiet, as samples may be lost */
            snprintf(d->note, sizeof d->note, "%s; sampling goes on, and the samples are stored once %s (each one "
                     "not stored within %g s, WS_MONITOR_BUSY_S, is named)", why.msg,
                     down == 1 ? "it answers" : "that lock is released", busy_timeout_ms * 1e-3);
            d->note_loud = 1;
        }
        return d;
    }
    /* Opened as every study tool opens the study (the same checks, refusals and words): made
     * when missing, but without Optuna's tables, which suggest makes; a file of a schema the
     * tools refuse is refused before anything is written to it. The store's wait is this
     * tool's (WS_MONITOR_BUSY_S), and ends at once on a stop. */
    ws_store_wait w = {.busy_timeout_ms = busy_timeout_ms, .busy_var = "WS_MONITOR_BUSY_S", .stop = stop};
    if (ws_store_open_wait(&d->store, url, WS_STORE_CREATE | WS_STORE_NO_SCHEMA, &w, e)) {
        gpu_samples_db_close(d);
        return NULL;
    }
    d->db = ws_store_sqlite(d->store);
    sqlite3_busy_handler(d->db, on_busy, d);   /* a flush's wait ends at the next sample */
    if (sqlite3_exec(d->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(d->db, insert_sql, -1, &d->insert, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(d->db, "SELECT sample FROM " GPU_SAMPLES_TABLE " ORDER BY row_id DESC LIMIT 1", -1,
                              &d->last_sample, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(d->db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                              " AND name IN ('trials', 'trial_system_attributes')", -1, &d->has_optuna, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(d->db, "BEGIN IMMEDIATE", -1, &d->begin, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(d->db, "COMMIT", -1, &d->commit, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(d->db, "ROLLBACK", -1, &d->rollback, NULL) != SQLITE_OK) {
        /* CREATE ... IF NOT EXISTS keeps what the file holds by that name: a view, or a table of
         * someone else's, failed here as an internal error ("no such column: kind") */
        sqlite3_stmt *q = NULL;
        int code = sqlite3_extended_errcode(d->db), busy = (code & 0xff) == SQLITE_BUSY;
        char msg[512];
        ws_sqlite_errmsg(d->db, msg, sizeof msg);
        if (!busy && sqlite3_prepare_v2(d->db, "SELECT type FROM sqlite_master WHERE name = '" GPU_SAMPLES_TABLE "'",
                                        -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
            ws_err_set(e, WS_EINPUT, "%s: its %s " GPU_SAMPLES_TABLE " is not gpu-monitor's samples table (%s); expected "
                       "a study file without another table or view of that name", d->path,
                       (const char *)sqlite3_column_text(q, 0), msg);
        else if (busy)
            sql_fail(d, "creating the samples table", e);
        else   /* msg and code: the failure's own (the query above has set others since); a file
                * whose damage SQLite finds only as the schema is written is bad input, as it is
                * to the study tools (ws_sqlite_error_kind), not an internal error */
            ws_err_set(e, ws_sqlite_error_kind(code), "%s: creating the samples table: %s", d->path, msg);
        sqlite3_finalize(q);
        gpu_samples_db_close(d);
        return NULL;
    }
    return d;
}

void gpu_samples_db_close(gpu_samples_db *d)
{
    if (!d) return;
    gpu_samples_pg_close(d->pg);
    sqlite3_finalize(d->insert);
    sqlite3_finalize(d->last_sample);
    sqlite3_finalize(d->has_optuna);
    sqlite3_finalize(d->running);
    sqlite3_finalize(d->begin);
    sqlite3_finalize(d->commit);
    sqlite3_finalize(d->rollback);
    /* the store's close empties the WAL of a file deleted or renamed over into it first (SQLite
     * checkpoints no moved file), as for every study tool */
    ws_store_close(d->store);
    for (size_t i = 0; i < d->q_cap; i++) gpu_sample_release(&d->q[i].s);
    free(d->q);
    free(d);
}

/* Prepares the RUNNING-pid query once Optuna's tables exist. 0 (with d->running still NULL
 * when they do not), or -1. */
static int prepare_running(gpu_samples_db *d, ws_err *e)
{
    int rc = sqlite3_step(d->has_optuna);
    int both = rc == SQLITE_ROW && sqlite3_column_int(d->has_optuna, 0) == 2;
    sqlite3_reset(d->has_optuna);
    SQL_CHECK(d, rc, "looking for Optuna's tables", e);
    if (both) SQL_CHECK(d, sqlite3_prepare_v2(d->db, running_sql, -1, &d->running, NULL), "reading running trials", e);
    return 0;
}

/* Whether a trainer recorded its pid on another host (value_json of wakesweep:host, a JSON
 * string; NULL: none recorded): that pid names another process here, as suggest --reap knows. */
static int other_host(const unsigned char *host_json)
{
    if (!host_json) return 0;
    json_t *h = json_loads((const char *)host_json, JSON_DECODE_ANY, NULL);
    int other = json_is_string(h) && strcmp(json_string_value(h), ws_hostname()) != 0;
    json_decref(h);
    return other;
}

/* Whether pid names another process than the one the trainer recorded (start_json: the value_json
 * of wakesweep:pid_start, NULL or null where not known): a trainer killed leaves its trial
 * RUNNING until it is found dead, and its pid may be another process's meanwhile. */
static int other_process(long pid, const unsigned char *start_json)
{
    if (!start_json) return 0;
    char *end;
    errno = 0;
    long long want = strtoll((const char *)start_json, &end, 10);
    if (end == (const char *)start_json || *end || errno) return 0;
    return ws_process_reused(pid, want);
}

/* A JSON integer (Optuna's value_json) as a pid; 0 when it is not one. */
static long json_pid(const unsigned char *text)
{
    if (!text) return 0;
    char *end;
    errno = 0;
    long v = strtol((const char *)text, &end, 10);
    while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r') end++;
    return end == (const char *)text || *end || errno || v <= 0 || v > 4194304 ? 0 : v;
}

/* A RUNNING trial's pid (Optuna's value_json texts; host and start NULL where not recorded) into
 * s's watched processes, unless it names no process of this host's trainer. */
static int watch_trial(gpu_sample *s, long long trial_id, long number, const char *pid_json, const char *host_json,
                       const char *start_json)
{
    long pid = json_pid((const unsigned char *)pid_json);
    if (!pid || other_host((const unsigned char *)host_json) || other_process(pid, (const unsigned char *)start_json))
        return 0;
    gpu_process *p = gpu_sample_watch(s, pid);
    if (!p) return -1;
    p->trial_id = trial_id;
    p->trial = number;
    return 0;
}

static int watch_pg_row(void *ctx, long long trial_id, long number, const char *pid_json, const char *host_json,
                        const char *start_json)
{
    return watch_trial(ctx, trial_id, number, pid_json, host_json, start_json);
}

int gpu_samples_db_watch_trials(gpu_samples_db *d, gpu_sample *s, ws_err *e)
{
    if (d->pg) {
        ws_err pe = {0};
        int rc = gpu_samples_pg_running(d->pg, watch_pg_row, s, &pe);
        if (rc && !pe.msg[0]) return ws_err_set(e, WS_ENOMEM, "%s: out of memory", d->path);
        if (rc) *e = pe;
        return rc ? -1 : 0;
    }
    if (!d->running && prepare_running(d, e)) return -1;
    if (!d->running) return 0;
    int rc;
    while ((rc = sqlite3_step(d->running)) == SQLITE_ROW)
        if (watch_trial(s, sqlite3_column_int64(d->running, 0), (long)sqlite3_column_int64(d->running, 1),
                        (const char *)sqlite3_column_text(d->running, 2), (const char *)sqlite3_column_text(d->running, 3),
                        (const char *)sqlite3_column_text(d->running, 4))) {
            sqlite3_reset(d->running);
            return ws_err_set(e, WS_ENOMEM, "%s: out of memory", d->path);
        }
    sqlite3_reset(d->running);
    SQL_CHECK(d, rc, "reading running trials", e);
    return 0;
}

static int bind_real(sqlite3_stmt *st, int col, double v)
{
    return isfinite(v) ? sqlite3_bind_double(st, col, v) : sqlite3_bind_null(st, col);
}

static int bind_count(sqlite3_stmt *st, int col, long long v)
{
    return v >= 0 ? sqlite3_bind_int64(st, col, v) : sqlite3_bind_null(st, col);
}

/* One sample's rows: what they share, and where errors go. */
typedef struct {
    gpu_samples_db *d;
    const gpu_sample *s;
    long long sample;
    const char *datetime;
    ws_err *e;
} row_ctx;

/* Binds and inserts one row (gpu_sample_rows' callback). */
static int insert_row(const gpu_sample_row *r, void *arg)
{
    row_ctx *c = arg;
    gpu_samples_db *d = c->d;
    ws_err *e = c->e;
    sqlite3_stmt *st = d->insert;
    SQL_CHECK(d, sqlite3_reset(st), "writing a sample", e);
    SQL_CHECK(d, sqlite3_clear_bindings(st), "writing a sample", e);
    SQL_CHECK(d, sqlite3_bind_int64(st, C_SAMPLE, c->sample), "binding sample", e);
    SQL_CHECK(d, sqlite3_bind_double(st, C_T, c->s->t_s), "binding t", e);
    SQL_CHECK(d, sqlite3_bind_text(st, C_DATETIME, c->datetime, -1, SQLITE_TRANSIENT), "binding datetime", e);
    SQL_CHECK(d, sqlite3_bind_text(st, C_SOURCE, gpu_sample_source_name(c->s), -1, SQLITE_STATIC), "binding source", e);
    SQL_CHECK(d, sqlite3_bind_text(st, C_KIND, r->kind, -1, SQLITE_STATIC), "binding kind", e);
    SQL_CHECK(d, r->device >= 0 ? sqlite3_bind_int(st, C_DEVICE, r->device) : SQLITE_OK, "binding device", e);
    SQL_CHECK(d, r->name ? sqlite3_bind_text(st, C_NAME, r->name, -1, SQLITE_STATIC) : SQLITE_OK, "binding name", e);
    SQL_CHECK(d, bind_real(st, C_UTIL, r->util), "binding util", e);
    SQL_CHECK(d, bind_real(st, C_MEM_UTIL, r->mem_util), "binding mem_util", e);
    SQL_CHECK(d, bind_count(st, C_MEM_USED, r->mem_used_bytes), "binding mem_used_bytes", e);
    SQL_CHECK(d, bind_count(st, C_MEM_TOTAL, r->mem_total_bytes), "binding mem_total_bytes", e);
    SQL_CHECK(d, bind_real(st, C_POWER, r->power_w), "binding power_w", e);
    SQL_CHECK(d, bind_real(st, C_TEMP, r->temp_c), "binding temp_c", e);
    SQL_CHECK(d, bind_real(st, C_CLOCK, r->sm_clock_mhz), "binding sm_clock_mhz", e);
    SQL_CHECK(d, r->pid > 0 ? sqlite3_bind_int64(st, C_PID, r->pid) : SQLITE_OK, "binding pid", e);
    SQL_CHECK(d, bind_count(st, C_TRIAL_ID, r->trial_id), "binding trial_id", e);
    SQL_CHECK(d, bind_real(st, C_CPU, r->cpu), "binding cpu", e);
    SQL_CHECK(d, bind_count(st, C_RSS, r->rss_bytes), "binding rss_bytes", e);
    SQL_CHECK(d, sqlite3_step(st), "inserting a sample row", e);
    return 0;
}

/* The rows of one sample, inside the caller's transaction. */
static int write_rows(gpu_samples_db *d, const gpu_sample *s, ws_err *e)
{
    long long sample = 1;
    int rc = sqlite3_step(d->last_sample);
    if (rc == SQLITE_ROW) sample = sqlite3_column_int64(d->last_sample, 0) + 1;
    sqlite3_reset(d->last_sample);
    SQL_CHECK(d, rc, "reading the last sample number", e);
    char datetime[40];
    ws_datetime_format(s->t_s, datetime, sizeof datetime);
    row_ctx c = {d, s, sample, datetime, e};
    return gpu_sample_rows(s, insert_row, &c) ? -1 : 0;
}

/* Steps a statement that returns no rows and resets it; its result code. */
static int step_once(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc;
}

/* e says which sample was left out, and why. */
static void not_stored(gpu_samples_db *d, const gpu_sample *s, const char *why, ws_err *e)
{
    char datetime[40];
    ws_datetime_format(s->t_s, datetime, sizeof datetime);
    ws_err_set(e, WS_EINTERNAL, "%s: sample of %s (t=%.6f) not stored: %s (%s)", d->path, datetime, s->t_s,
               d->pg_down ? "the database server does not answer" : "database is locked", why);
}

static int is_busy(int rc) { return (rc & 0xff) == SQLITE_BUSY; }

int gpu_samples_db_queue(gpu_samples_db *d, const gpu_sample *s, double mono_s, ws_err *e)
{
    if (d->q_n == d->q_cap) {   /* full: twice the slots, the ring unrolled into them */
        size_t cap = d->q_cap ? 2 * d->q_cap : 4;
        queued *q = malloc(cap * sizeof *q);
        if (!q) return ws_err_set(e, WS_ENOMEM, "%s: out of memory", d->path);
        for (size_t i = 0; i < d->q_cap; i++) q[i] = d->q[(d->q_head + i) % d->q_cap];
        for (size_t i = d->q_cap; i < cap; i++) gpu_sample_init(&q[i].s);
        free(d->q);
        d->q = q;
        d->q_head = 0;
        d->q_cap = cap;
    }
    queued *slot = &d->q[(d->q_head + d->q_n) % d->q_cap];
    if (gpu_sample_copy(&slot->s, s)) return ws_err_set(e, WS_ENOMEM, "%s: out of memory", d->path);
    slot->mono_s = mono_s;
    d->q_n++;
    return 0;
}

size_t gpu_samples_db_queued(const gpu_samples_db *d) { return d->q_n; }

double gpu_samples_db_deadline(const gpu_samples_db *d)
{
    return d->q_n ? d->q[(d->q_head + d->q_n - 1) % d->q_cap].mono_s + d->busy_timeout_ms * 1e-3 : -INFINITY;
}

/* The queue in one transaction; as gpu_samples_db_flush. */
static int flush_queue(gpu_samples_db *d, ws_err *e)
{
    int rc = step_once(d->begin);   /* IMMEDIATE: the one wait for the write lock is here */
    if (is_busy(rc)) return 1;
    SQL_CHECK(d, rc, "beginning a transaction", e);
    for (size_t i = 0; i < d->q_n; i++)
        if (write_rows(d, &d->q[(d->q_head + i) % d->q_cap].s, e)) {
            sqlite3_reset(d->insert);
            step_once(d->rollback);
            return -1;
        }
    sqlite3_reset(d->insert);
    if ((rc = step_once(d->commit)) != SQLITE_DONE) {
        if (!is_busy(rc)) sql_fail(d, "committing samples", e);
        step_once(d->rollback);
        return is_busy(rc) ? 1 : -1;
    }
    d->q_head = d->q_n = 0;
    return 0;
}

/* The queue to the PostgreSQL study; as gpu_samples_db_flush, and notes when the server stops or
 * starts answering. */
static int flush_pg(gpu_samples_db *d, double until_s, ws_err *e)
{
    const gpu_sample **v = malloc(d->q_n * sizeof *v);
    if (!v) return ws_err_set(e, WS_ENOMEM, "%s: out of memory", d->path);
    for (size_t i = 0; i < d->q_n; i++) v[i] = &d->q[(d->q_head + i) % d->q_cap].s;
    int busy = 0, was_down = d->pg_down;
    ws_err why = {0};
    int rc = gpu_samples_pg_write(d->pg, v, d->q_n, until_s, &busy, &why);
    /* A server that does not answer is tried again until the wait ends (the next sample, or the
     * newest sample's busy timeout at the end), every half second, as a lock is waited for; a
     * stop ends the wait at once. */
    while (rc > 0 && !busy && !(d->stop && *d->stop) && ws_mono_s() + 0.5 < until_s) {
        for (int k = 0; k < 25 && !(d->stop && *d->stop); k++) sqlite3_sleep(20);
        why = (ws_err){0};
        rc = gpu_samples_pg_write(d->pg, v, d->q_n, until_s, &busy, &why);
    }
    free(v);
    if (rc < 0) { *e = why; return -1; }
    d->pg_down = rc > 0 && !busy;
    if (rc > 0) d->pg_why |= busy ? 2 : 1;
    if (d->pg_down && !was_down) {   /* once per time it goes away */
        snprintf(d->note, sizeof d->note, "%s; sampling goes on, and the samples are stored once it answers again",
                 why.msg);
        d->note_loud = 1;
    } else if (was_down && !d->pg_down && rc == 0) {
        snprintf(d->note, sizeof d->note, "%s: the database server answers again; the samples are stored", d->path);
        d->note_loud = 0;
    }
    if (rc > 0) *e = why;
    if (rc == 0) d->q_head = d->q_n = 0;
    return rc;
}

int gpu_samples_db_flush(gpu_samples_db *d, double until_s, ws_err *e)
{
    if (!d->q_n) return 0;
    if (d->pg) return flush_pg(d, until_s, e);
    d->flush_until_ms = until_s > 0 ? (long long)(until_s * 1e3) : 0;
    int rc = flush_queue(d, e);
    d->flush_until_ms = -1;
    return rc;
}

int gpu_samples_db_moved(gpu_samples_db *d) { return d->pg ? 0 : ws_store_moved(d->store); }

const char *gpu_samples_db_path(const gpu_samples_db *d) { return d->path; }

const char *gpu_samples_db_next_note(gpu_samples_db *d, int *loud)
{
    if (!d->note[0]) return NULL;
    *loud = d->note_loud;
    memcpy(d->note_out, d->note, sizeof d->note_out);
    d->note[0] = 0;
    return d->note_out;
}

const char *gpu_samples_db_lost_why(const gpu_samples_db *d)
{
    if (!d->pg) return "another connection held the file's lock";
    return d->pg_why == 1 ? "the database server did not answer"
           : d->pg_why == 2 ? "another connection held a lock"
                            : "the database server did not answer, or another connection held a lock";
}

int gpu_samples_db_expire(gpu_samples_db *d, double now_s, ws_err *e)
{
    if (!d->q_n) return 0;
    const queued *oldest = &d->q[d->q_head];
    int stopped = d->stop && *d->stop;
    if (!stopped && now_s - oldest->mono_s < d->busy_timeout_ms * 1e-3) return 0;
    char why[64];
    if (stopped) snprintf(why, sizeof why, "stopped while waiting for it");
    else snprintf(why, sizeof why, "for more than %g s", d->busy_timeout_ms * 1e-3);
    not_stored(d, &oldest->s, why, e);
    d->q_head = (d->q_head + 1) % d->q_cap;
    d->q_n--;
    return 1;
}
