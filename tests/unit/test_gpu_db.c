/* test_gpu_db.c — lib/gpu/samples_db.c: the samples table, its rows, the RUNNING trials' pids read
 * from Optuna-shaped tables, and the per-trial mean utilization query documented in samples_db.h
 * run on samples whose mean is known. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/clock.h"
#include "gpu/sample.h"
#include "gpu/samples_db.h"
#include "harness.h"

static char dir[256], path[300];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "%s/ws-gpu-db.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) dir[0] = 0;
    snprintf(path, sizeof path, "%s/study.db", dir);
}

static void remove_dir(void)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (dir[0] && system(cmd)) {}
}

/* The first column of the first row of sql on its own connection, as a double (NAN: NULL or none). */
static double query1(const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    double v = NAN;
    if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static int exec(const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

/* One sample written at once, as gpu-monitor writes it when no other connection holds the lock. */
static int write_now(gpu_samples_db *db, const gpu_sample *s, ws_err *e)
{
    return gpu_samples_db_queue(db, s, ws_mono_s(), e) ? -1 : gpu_samples_db_flush(db, ws_mono_s() + 60, e);
}

static void nvml_sample(gpu_sample *s)
{
    gpu_sample_init(s);
    s->t_s = 1700000000.5;
    s->source = GPU_SOURCE_NVML;
    gpu_sample_set_devices(s, 2);
    for (int i = 0; i < 2; i++) {
        gpu_device *d = &s->devices[i];
        snprintf(d->name, sizeof d->name, "GPU %d", i);
        d->util_pct = 50 + i;
        d->mem_util_pct = 10;
        d->mem_used_bytes = 1000 + i;
        d->mem_total_bytes = 2000;
        d->power_w = i ? NAN : 70.5;
        d->temp_c = 40;
        d->sm_clock_mhz = 1500;
        d->procs_known = 1;
    }
    gpu_process *p = gpu_process_push(&s->devices[0].procs, &s->devices[0].n_procs, &s->devices[0].cap_procs);
    p->pid = 11;
    p->gpu_mem_bytes = 300;
    p->trial = 3;
    p->trial_id = 4;
    p = gpu_process_push(&s->devices[0].procs, &s->devices[0].n_procs, &s->devices[0].cap_procs);
    p->pid = 12;
    s->with_procs = 1;
    p = gpu_sample_watch(s, 11);
    p->trial = 3;
    p->trial_id = 4;
    p->cpu_pct = 99.5;
    p->rss_bytes = 4096;
    gpu_sample_watch(s, 13);
}

static void test_rows(void)
{
    make_dir();
    ws_err e = {0};
    CHECK(access(path, F_OK) != 0, "fresh path");
    gpu_samples_db *db = gpu_samples_db_open(path, GPU_SAMPLES_BUSY_TIMEOUT_MS, NULL, &e);
    CHECK(db != NULL, "open: %s", e.msg);
    if (!db) { remove_dir(); return; }
    CHECK(access(path, F_OK) == 0, "file created");
    gpu_sample s;
    nvml_sample(&s);
    size_t watched = s.n_procs;
    CHECK(gpu_samples_db_watch_trials(db, &s, &e) == 0 && s.n_procs == watched, "no Optuna tables: %s", e.msg);
    CHECK(write_now(db, &s, &e) == 0, "write: %s", e.msg);
    CHECK(query1("SELECT count(*) FROM sqlite_master WHERE name = 'trials'") == 0, "created Optuna tables");
    CHECK(query1("SELECT count(*) FROM wakesweep_gpu_samples WHERE kind = 'device' AND sample = 1") == 2, "device rows");
    CHECK(query1("SELECT count(*) FROM wakesweep_gpu_samples WHERE kind = 'process' AND device = 0") == 2, "GPU process rows");
    CHECK(query1("SELECT count(*) FROM wakesweep_gpu_samples WHERE kind = 'process' AND device IS NULL") == 2,
          "watched process rows");
    CHECK(query1("SELECT util FROM wakesweep_gpu_samples WHERE kind = 'device' AND device = 1") == 51, "util");
    CHECK(query1("SELECT count(*) FROM wakesweep_gpu_samples WHERE device = 1 AND power_w IS NULL AND name = 'GPU 1'"
                 " AND mem_used_bytes = 1001 AND mem_total_bytes = 2000 AND temp_c = 40 AND sm_clock_mhz = 1500"
                 " AND mem_util = 10 AND source = 'nvml' AND t = 1700000000.5"
                 " AND datetime = '2023-11-14 22:13:20.500000'") == 1, "device 1 row");
    CHECK(query1("SELECT mem_used_bytes FROM wakesweep_gpu_samples WHERE kind = 'process' AND device = 0 AND pid = 11"
                 " AND trial_id = 4") == 300, "GPU process row");
    CHECK(query1("SELECT count(*) FROM wakesweep_gpu_samples WHERE pid = 12 AND trial_id IS NULL"
                 " AND mem_used_bytes IS NULL") == 1, "unknown process memory");
    CHECK(query1("SELECT cpu + rss_bytes FROM wakesweep_gpu_samples WHERE kind = 'process' AND device IS NULL AND pid = 11"
                 " AND trial_id = 4") == 99.5 + 4096, "watched process row");
    gpu_sample_release(&s);
    /* the /proc fallback: one device row (device NULL) */
    gpu_sample_init(&s);
    s.t_s = 1700000001.5;
    s.source = GPU_SOURCE_PROC;
    s.cpu_total_pct = 37.5;
    s.mem_used_bytes = 5;
    s.mem_total_bytes = 9;
    CHECK(write_now(db, &s, &e) == 0, "write: %s", e.msg);
    CHECK(query1("SELECT count(*) FROM wakesweep_gpu_samples WHERE sample = 2 AND kind = 'device' AND device IS NULL"
                 " AND source = 'proc' AND util = 37.5 AND mem_used_bytes = 5 AND mem_total_bytes = 9") == 1, "proc row");
    CHECK(query1("SELECT count(*) FROM wakesweep_gpu_samples WHERE sample = 2") == 1, "proc rows");
    gpu_samples_db_close(db);
    /* reopened: sample numbers go on */
    db = gpu_samples_db_open(path, GPU_SAMPLES_BUSY_TIMEOUT_MS, NULL, &e);
    CHECK(db && write_now(db, &s, &e) == 0, "reopen: %s", e.msg);
    CHECK(query1("SELECT max(sample) FROM wakesweep_gpu_samples") == 3, "sample numbers continue");
    CHECK(query1("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'") == 1, "WAL");
    gpu_samples_db_close(db);
    gpu_sample_release(&s);
    remove_dir();
}

static const char optuna_tables[] =
    "CREATE TABLE trials (trial_id INTEGER PRIMARY KEY, number INTEGER, study_id INTEGER, state VARCHAR(8) NOT NULL,"
    " datetime_start DATETIME, datetime_complete DATETIME);"
    "CREATE TABLE trial_system_attributes (trial_system_attribute_id INTEGER PRIMARY KEY, trial_id INTEGER,"
    " key VARCHAR(512), value_json TEXT, UNIQUE (trial_id, key));";

static void test_running_trial_pids(void)
{
    make_dir();
    ws_err e = {0};
    gpu_samples_db *db = gpu_samples_db_open(path, GPU_SAMPLES_BUSY_TIMEOUT_MS, NULL, &e);
    CHECK(db != NULL, "open: %s", e.msg);
    if (!db) { remove_dir(); return; }
    gpu_sample s;
    gpu_sample_init(&s);
    CHECK(gpu_samples_db_watch_trials(db, &s, &e) == 0 && s.n_procs == 0, "before Optuna: %s", e.msg);
    /* Optuna's tables appear while the monitor runs */
    CHECK(exec(optuna_tables) == SQLITE_OK, "create tables");
    CHECK(exec("INSERT INTO trials VALUES (10, 0, 1, 'COMPLETE', NULL, NULL), (11, 1, 1, 'RUNNING', NULL, NULL),"
               " (12, 2, 1, 'RUNNING', NULL, NULL), (13, 3, 1, 'RUNNING', NULL, NULL), (14, 4, 1, 'RUNNING', NULL, NULL);"
               "INSERT INTO trial_system_attributes (trial_id, key, value_json) VALUES"
               " (10, 'wakesweep:pid', '500'), (11, 'wakesweep:pid', '501'), (12, 'wakesweep:pid', '\"x\"'),"
               " (13, 'other', '503'), (14, 'wakesweep:pid', ' 504 ')") == SQLITE_OK, "insert");
    gpu_sample_watch(&s, 504);                       /* also in the pidfile: one entry */
    CHECK(gpu_samples_db_watch_trials(db, &s, &e) == 0, "%s", e.msg);
    CHECK(s.n_procs == 2, "watched %zu", s.n_procs);
    if (s.n_procs == 2) {
        const gpu_process *a = s.procs[0].pid == 501 ? &s.procs[0] : &s.procs[1];
        const gpu_process *b = s.procs[0].pid == 501 ? &s.procs[1] : &s.procs[0];
        CHECK(a->pid == 501 && a->trial == 1 && a->trial_id == 11, "501: trial %ld id %lld", a->trial, a->trial_id);
        CHECK(b->pid == 504 && b->trial == 4 && b->trial_id == 14, "504: trial %ld id %lld", b->trial, b->trial_id);
    }
    gpu_sample_release(&s);
    gpu_samples_db_close(db);
    remove_dir();
}

/* The mean-utilization queries of samples_db.h give the means of the samples inside each trial. */
static void test_report_queries(void)
{
    make_dir();
    ws_err e = {0};
    gpu_samples_db *db = gpu_samples_db_open(path, GPU_SAMPLES_BUSY_TIMEOUT_MS, NULL, &e);
    CHECK(db != NULL, "open: %s", e.msg);
    if (!db) { remove_dir(); return; }
    gpu_sample s;
    gpu_sample_init(&s);
    s.source = GPU_SOURCE_PROC;
    for (int k = 0; k < 10; k++) {                 /* util 0, 10, ..., 90 at t0 + k s */
        s.t_s = 1700000000.0 + k;
        s.cpu_total_pct = 10.0 * k;
        CHECK(write_now(db, &s, &e) == 0, "write: %s", e.msg);
    }
    gpu_samples_db_close(db);
    char a0[40], a1[40], b0[40], sql[1024];
    ws_datetime_format(1700000002.0, a0, sizeof a0);   /* trial 0: samples 2, 3, 4 */
    ws_datetime_format(1700000004.5, a1, sizeof a1);
    ws_datetime_format(1700000006.25, b0, sizeof b0);  /* trial 1, still running: 7, 8, 9 */
    snprintf(sql, sizeof sql, "%s INSERT INTO trials VALUES (1, 0, 1, 'COMPLETE', '%s', '%s'), (2, 1, 1, 'RUNNING', '%s', NULL);",
             optuna_tables, a0, a1, b0);
    CHECK(exec(sql) == SQLITE_OK, "trials");
#define PER_TRIAL \
        "SELECT avg(s.util) FROM trials tr JOIN wakesweep_gpu_samples s" \
        " ON s.kind = 'device' AND s.datetime >= tr.datetime_start AND s.datetime <= coalesce(tr.datetime_complete, '9999')" \
        " WHERE tr.study_id = 1 AND tr.number = %d GROUP BY tr.trial_id"
    snprintf(sql, sizeof sql, PER_TRIAL, 0);
    CHECK_NEAR(query1(sql), 30.0, 1e-9);
    snprintf(sql, sizeof sql, PER_TRIAL, 1);
    CHECK_NEAR(query1(sql), 80.0, 1e-9);
    CHECK_NEAR(query1("SELECT avg(s.util) FROM wakesweep_gpu_samples s WHERE s.kind = 'device' AND s.datetime BETWEEN"
                      " (SELECT min(datetime_start) FROM trials WHERE study_id = 1)"
                      " AND (SELECT max(datetime_complete) FROM trials WHERE study_id = 1)"), 30.0, 1e-9);
    remove_dir();
}
/* Another connection holds the write lock: a flush waits for it no longer than told and keeps
 * the queued samples (nothing of them written); a sample that has waited the busy timeout (1 s
 * here) is dropped, named by its time, the newer ones stay; once the lock is gone one flush
 * writes them all, in order, numbered on as if the one dropped had never come, and their rows
 * (devices and processes, from copies: the caller's sample has changed since) are whole. */
static void test_locked(void)
{
    make_dir();
    ws_err e = {0};
    gpu_samples_db *db = gpu_samples_db_open(path, 1000, NULL, &e);
    CHECK(db != NULL, "open: %s", e.msg);
    if (!db) { remove_dir(); return; }
    gpu_sample s;
    gpu_sample_init(&s);
    s.t_s = 1700000000.25;
    s.source = GPU_SOURCE_PROC;
    CHECK(write_now(db, &s, &e) == 0, "write: %s", e.msg);
    sqlite3 *other = NULL;
    CHECK(sqlite3_open(path, &other) == SQLITE_OK && sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK,
          "the other connection's lock: %s", sqlite3_errmsg(other));
    double m0 = ws_mono_s();
    s.t_s = 1700000001.5;
    CHECK(gpu_samples_db_queue(db, &s, m0, &e) == 0, "queue: %s", e.msg);
    int rc = gpu_samples_db_flush(db, ws_mono_s() + 0.05, &e);
    double took = ws_mono_s() - m0;
    CHECK(rc == 1 && gpu_samples_db_queued(db) == 1, "rc %d, %zu queued: %s", rc, gpu_samples_db_queued(db), e.msg);
    CHECK(took >= 0.045 && took < 0.5, "waited %.3f s, told 0.05", took);
    CHECK(gpu_samples_db_expire(db, m0 + 0.9, &e) == 0 && gpu_samples_db_queued(db) == 1, "dropped before its time");
    gpu_sample_release(&s);
    nvml_sample(&s);   /* t 1700000000.5: a sample of another shape, queued behind */
    s.t_s = 1700000002.5;
    CHECK(gpu_samples_db_queue(db, &s, m0 + 0.6, &e) == 0, "queue: %s", e.msg);
    CHECK(gpu_samples_db_flush(db, 0, &e) == 1 && gpu_samples_db_queued(db) == 2, "flush without waiting");
    CHECK(gpu_samples_db_deadline(db) == m0 + 0.6 + 1.0, "deadline %.3f", gpu_samples_db_deadline(db) - m0);
    char want[500];
    snprintf(want, sizeof want, "%s: sample of 2023-11-14 22:13:21.500000 (t=1700000001.500000) not stored: "
             "database is locked (for more than 1 s)", path);
    rc = gpu_samples_db_expire(db, m0 + 1.0, &e);
    CHECK(rc == 1 && !strcmp(e.msg, want), "rc %d: %s", rc, e.msg);
    CHECK(gpu_samples_db_expire(db, m0 + 1.0, &e) == 0 && gpu_samples_db_queued(db) == 1, "the newer one kept");
    s.devices[0].n_procs = 0;   /* the caller's sample changes; the queued copy does not */
    s.devices[1].util_pct = 0;
    sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(other);
    gpu_sample_release(&s);
    gpu_sample_init(&s);
    s.t_s = 1700000003.5;
    s.source = GPU_SOURCE_PROC;
    CHECK(gpu_samples_db_queue(db, &s, ws_mono_s(), &e) == 0, "queue: %s", e.msg);
    CHECK(gpu_samples_db_flush(db, 0, &e) == 0 && gpu_samples_db_queued(db) == 0, "after the lock: %s", e.msg);
    CHECK(query1("SELECT count(DISTINCT sample) FROM wakesweep_gpu_samples") == 3, "samples");
    CHECK(query1("SELECT count(*) FROM wakesweep_gpu_samples WHERE t = 1700000001.5") == 0, "the sample left out");
    CHECK(query1("SELECT min(sample) * 10 + max(sample) FROM wakesweep_gpu_samples WHERE t = 1700000002.5") == 22,
          "the queued one numbered on");
    CHECK(query1("SELECT sample FROM wakesweep_gpu_samples WHERE t = 1700000003.5") == 3, "then the next");
    CHECK(query1("SELECT count(*) FROM wakesweep_gpu_samples WHERE t = 1700000002.5 AND kind = 'process'"
                 " AND device = 0") == 2, "its GPU processes, as queued");
    CHECK(query1("SELECT util FROM wakesweep_gpu_samples WHERE t = 1700000002.5 AND device = 1 AND kind = 'device'") == 51,
          "its device values, as queued");
    gpu_samples_db_close(db);
    gpu_sample_release(&s);
    remove_dir();
}

/* After a stop, a flush does not wait for the lock, and every queued sample is dropped at once,
 * saying so. */
static void test_locked_stop(void)
{
    make_dir();
    ws_err e = {0};
    volatile sig_atomic_t stop = 0;
    gpu_samples_db *db = gpu_samples_db_open(path, 30000, &stop, &e);
    CHECK(db != NULL, "open: %s", e.msg);
    if (!db) { remove_dir(); return; }
    sqlite3 *other = NULL;
    CHECK(sqlite3_open(path, &other) == SQLITE_OK && sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK,
          "the other connection's lock: %s", sqlite3_errmsg(other));
    gpu_sample s;
    gpu_sample_init(&s);
    s.source = GPU_SOURCE_PROC;
    for (int i = 0; i < 9; i++) {   /* past the ring's first sizes */
        s.t_s = 1700000000 + i;
        CHECK(gpu_samples_db_queue(db, &s, ws_mono_s(), &e) == 0, "queue: %s", e.msg);
    }
    CHECK(gpu_samples_db_flush(db, 0, &e) == 1 && gpu_samples_db_expire(db, ws_mono_s(), &e) == 0, "kept");
    stop = 1;
    double t0 = ws_mono_s();
    CHECK(gpu_samples_db_flush(db, ws_mono_s() + 60, &e) == 1 && ws_mono_s() - t0 < 1, "waited after the stop");
    int n = 0;
    char want[500];
    snprintf(want, sizeof want, "%s: sample of 2023-11-14 22:13:20.000000 (t=1700000000.000000) not stored: "
             "database is locked (stopped while waiting for it)", path);
    CHECK(gpu_samples_db_expire(db, t0, &e) == 1 && !strcmp(e.msg, want), "%s", e.msg);
    for (n = 1; gpu_samples_db_expire(db, t0, &e); n++) {}
    CHECK(n == 9 && gpu_samples_db_queued(db) == 0 && strstr(e.msg, "(t=1700000008.000000)"), "%d dropped: %s", n, e.msg);
    sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(other);
    gpu_samples_db_close(db);
    gpu_sample_release(&s);
    remove_dir();
}

static void test_open_errors(void)
{
    make_dir();
    ws_err e = {0};
    FILE *f = fopen(path, "w");
    if (f) { fputs("this is not a database, just text that is long enough to have a header.....\n", f); fclose(f); }
    CHECK(gpu_samples_db_open(path, GPU_SAMPLES_BUSY_TIMEOUT_MS, NULL, &e) == NULL && e.kind == WS_EINPUT
          && strstr(e.msg, "not a database"), "%s", e.msg);
    snprintf(path, sizeof path, "%s/no/such/dir/study.db", dir);
    CHECK(gpu_samples_db_open(path, GPU_SAMPLES_BUSY_TIMEOUT_MS, NULL, &e) == NULL && e.kind == WS_EINPUT && strstr(e.msg, "does not exist"), "%s", e.msg);
    remove_dir();
}

int main(void)
{
    RUN(test_rows);
    RUN(test_running_trial_pids);
    RUN(test_report_queries);
    RUN(test_locked);
    RUN(test_locked_stop);
    RUN(test_open_errors);
    return test_summary();
}
