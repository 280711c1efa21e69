/* test_report_util.c — utilization per trial and per sweep from gpu-monitor's samples
 * (lib/report/utilization.c), and the time layout of the report (lib/report/analysis.c):
 * the test makes a study with the store, sets its trials' times itself, inserts samples with
 * known values inside and outside the trials' windows (the schema of lib/gpu/samples_db.h,
 * created by gpu_samples_db_open) and checks the means, the slots, busy and idle time. */
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"
#include "core/clock.h"
#include "core/json.h"
#include "gpu/samples_db.h"
#include "report/analysis.h"
#include "report/summary.h"
#include "space/config.h"
#include "store/store.h"

#define BASE 1800000000.0   /* epoch seconds of the samples' time 0 */

static char dir[512], path[600];

static int sql(sqlite3 *db, const char *text)
{
    char *err = NULL;
    int rc = sqlite3_exec(db, text, NULL, NULL, &err);
    if (rc != SQLITE_OK) fprintf(stderr, "%s: %s\n", text, err ? err : "?");
    sqlite3_free(err);
    return rc;
}

/* A study "a" of 4 trials: 0 on [10, 20] s, 1 on [15, 30] s, 2 RUNNING since 40 s (last
 * heartbeat at 47 s), 3 WAITING; trial 0 carries the time breakdown train-trial writes. And a
 * study "b" whose trial runs on [100, 110] s (its samples must not count for "a"). */
static int make_study(ws_study *a)
{
    ws_err e = {0};
    ws_store *s;
    snprintf(dir, sizeof dir, "%s/ws-util-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) return -1;
    snprintf(path, sizeof path, "%s/s.db", dir);
    ws_study b;
    int created, rc = ws_store_open(&s, path, WS_STORE_CREATE, &e) || ws_store_begin(s, &e)
                      || ws_store_study_create(s, "a", WS_MAXIMIZE, a, &created, &e)
                      || ws_store_study_create(s, "b", WS_MAXIMIZE, &b, &created, &e);
    int64_t id;
    int number;
    for (int i = 0; i < 4 && !rc; i++) rc = ws_store_trial_create(s, a, i < 3 ? WS_RUNNING : WS_WAITING, NULL, 0, &id, &number, &e);
    if (!rc) rc = ws_store_trial_create(s, &b, WS_RUNNING, NULL, 0, &id, &number, &e);
    if (!rc) rc = ws_store_commit(s, &e);
    double v0 = 0.5, v1 = 0.7;
    if (!rc) rc = ws_store_trial_finish(s, 1, WS_COMPLETE, &v0, &e) || ws_store_trial_finish(s, 2, WS_COMPLETE, &v1, &e)
                  || ws_store_trial_finish(s, 5, WS_COMPLETE, &v1, &e);
    json_t *secs = json_pack("{s:f,s:f,s:f,s:f,s:i}", "setup", 1.0, "train", 6.0, "eval", 2.0, "total", 9.5, "threads", 1);
    if (!rc) rc = ws_store_trial_attr_set(s, 1, 0, "seconds", secs, &e);
    json_decref(secs);
    ws_store_close(s);
    if (rc) { fprintf(stderr, "%s\n", e.msg); return -1; }

    gpu_samples_db *g = gpu_samples_db_open(path, GPU_SAMPLES_BUSY_TIMEOUT_MS, NULL, &e);   /* the real schema */
    if (!g) { fprintf(stderr, "%s\n", e.msg); return -1; }
    gpu_samples_db_close(g);
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) return -1;
    char t[4][40], q[1024];
    double when[4] = {BASE + 10, BASE + 20, BASE + 15, BASE + 30};
    for (int k = 0; k < 4; k++) ws_datetime_format(when[k], t[k], sizeof t[k]);
    char t40[40], t47[40], t100[40], t110[40];
    ws_datetime_format(BASE + 40, t40, sizeof t40);
    ws_datetime_format_utc(BASE + 47, t47, sizeof t47);   /* a heartbeat: UTC, as SQLite's CURRENT_TIMESTAMP */
    ws_datetime_format(BASE + 100, t100, sizeof t100);
    ws_datetime_format(BASE + 110, t110, sizeof t110);
    snprintf(q, sizeof q,
             "UPDATE trials SET datetime_start = '%s', datetime_complete = '%s' WHERE trial_id = 1;"
             "UPDATE trials SET datetime_start = '%s', datetime_complete = '%s' WHERE trial_id = 2;"
             "UPDATE trials SET datetime_start = '%s' WHERE trial_id = 3;"
             "UPDATE trial_heartbeats SET heartbeat = '%s' WHERE trial_id = 3;",
             t[0], t[1], t[2], t[3], t40, t47);
    rc = sql(db, q);
    snprintf(q, sizeof q, "UPDATE trials SET datetime_start = '%s', datetime_complete = '%s' WHERE trial_id = 5;", t100, t110);
    rc |= sql(db, q);
    /* one device row per second from 0 to 120 s with util = the second (so a window's mean is
     * its middle); a NULL reading at 12 s, which must be ignored; process rows of trial 0's
     * process (cpu 50 and 70, rss 100 and 300 bytes) and of no trial */
    rc |= sql(db, "BEGIN");
    for (int k = 0; k <= 120 && !rc; k++) {
        char dt[40];
        ws_datetime_format(BASE + k, dt, sizeof dt);
        snprintf(q, sizeof q,
                 "INSERT INTO " GPU_SAMPLES_TABLE " (sample, t, datetime, source, kind, util, mem_used_bytes, mem_total_bytes)"
                 " VALUES (%d, %.6f, '%s', 'proc', 'device', %d, 1000, 2000)", k, BASE + k, dt, k);
        rc |= sql(db, q);
        if (k == 12) {
            snprintf(q, sizeof q, "INSERT INTO " GPU_SAMPLES_TABLE " (sample, t, datetime, source, kind, util)"
                                  " VALUES (%d, %.6f, '%s', 'proc', 'device', NULL)", k, BASE + k, dt);
            rc |= sql(db, q);
        }
        if (k == 11 || k == 13) {
            snprintf(q, sizeof q, "INSERT INTO " GPU_SAMPLES_TABLE " (sample, t, datetime, source, kind, pid, trial_id, cpu, rss_bytes)"
                                  " VALUES (%d, %.6f, '%s', 'proc', 'process', 4242, 1, %d, %d)", k, BASE + k, dt,
                     k == 11 ? 50 : 70, k == 11 ? 100 : 300);
            rc |= sql(db, q);
            snprintf(q, sizeof q, "INSERT INTO " GPU_SAMPLES_TABLE " (sample, t, datetime, source, kind, pid, cpu, rss_bytes)"
                                  " VALUES (%d, %.6f, '%s', 'proc', 'process', 4343, 99, 999)", k, BASE + k, dt);
            rc |= sql(db, q);
        }
    }
    rc |= sql(db, "COMMIT");
    sqlite3_close(db);
    return rc ? -1 : 0;
}

static void cleanup(void)
{
    char p[sizeof dir + 16];
    static const char *const files[] = {"s.db", "s.db-wal", "s.db-shm"};
    for (int i = 0; i < 3; i++) { snprintf(p, sizeof p, "%s/%s", dir, files[i]); unlink(p); }
    rmdir(dir);
}

/* The trials' heartbeats as the report reads them (ws_store_trial_heartbeats), filled by load(). */
static double beats[64];

static int load(ws_study *a, ws_trial_list *l)
{
    ws_err e = {0};
    ws_store *s;
    int rc = ws_store_open(&s, path, 0, &e) || ws_store_study_find(s, "a", a, &e) || ws_store_trials_load(s, a, WS_LOAD_ALL, l, &e)
             || (l->n > 64 ? ws_err_set(&e, WS_EINTERNAL, "too many trials") : ws_store_trial_heartbeats(s, a, l, beats, &e));
    ws_store_close(s);
    if (rc) fprintf(stderr, "%s\n", e.msg);
    return rc;
}

static void test_means(void)
{
    ws_study a;
    ws_trial_list l = {0};
    if (make_study(&a) || load(&a, &l)) { CHECK(0, "setting up the study"); cleanup(); return; }
    ws_utilization u;
    ws_err e = {0};
    CHECK(ws_utilization_load(&u, path, a.id, &l, beats, &e) == 0, "%s", e.msg);
    CHECK(u.present && !strcmp(u.source, "proc") && !strcmp(ws_utilization_what(&u), "CPU"), "source '%s'", u.source);
    /* trial 0 on [10, 20]: seconds 10..20 (12 has one NULL row more): mean 15 over 11 rows */
    CHECK_NEAR(u.trial_mean[0], 15.0, 1e-9);
    CHECK(u.trial_n[0] == 11, "trial 0: %ld rows", u.trial_n[0]);
    /* trial 1 on [15, 30]: mean 22.5 over 16 */
    CHECK_NEAR(u.trial_mean[1], 22.5, 1e-9);
    CHECK(u.trial_n[1] == 16, "trial 1: %ld rows", u.trial_n[1]);
    /* trial 2 RUNNING since 40: every later sample, 40..120: mean 80 */
    CHECK_NEAR(u.trial_mean[2], 80.0, 1e-9);
    CHECK(isnan(u.trial_mean[3]) && u.trial_n[3] == 0, "a WAITING trial has no utilization");
    /* the sweep: from the first start (10 s) on, open while trial 2 runs: 10..120, mean 65 */
    CHECK_NEAR(u.sweep_mean, 65.0, 1e-9);
    CHECK(u.n_samples == 111, "%ld samples in the sweep", u.n_samples);
    /* trial 0's own process */
    CHECK_NEAR(u.trial_cpu[0], 60.0, 1e-9);
    CHECK_NEAR(u.trial_rss[0], 300.0, 1e-9);
    CHECK(isnan(u.trial_cpu[1]), "no process rows for trial 1");
    CHECK_NEAR(u.trial_beat[2], BASE + 47, 1e-3);
    CHECK(u.n > 0 && u.n <= WS_UTIL_POINTS && u.t[0] >= BASE + 10 - 1e-6, "series of %zu points", u.n);
    printf("# trial means %.1f %.1f %.1f, sweep %.1f over %ld samples\n", u.trial_mean[0], u.trial_mean[1], u.trial_mean[2],
           u.sweep_mean, u.n_samples);
    ws_utilization_release(&u);

    /* trial 2 finished at 45 s: it covers 40..45 (42.5), the sweep 10..45 (27.5) */
    sqlite3 *db;
    char q[256], t45[40];
    ws_datetime_format(BASE + 45, t45, sizeof t45);
    snprintf(q, sizeof q, "UPDATE trials SET state = 'COMPLETE', datetime_complete = '%s' WHERE trial_id = 3", t45);
    CHECK(sqlite3_open(path, &db) == SQLITE_OK && sql(db, q) == SQLITE_OK, "update");
    sqlite3_close(db);
    ws_trial_list_free(&l);
    if (load(&a, &l)) { CHECK(0, "reload"); cleanup(); return; }
    CHECK(ws_utilization_load(&u, path, a.id, &l, beats, &e) == 0, "%s", e.msg);
    CHECK_NEAR(u.trial_mean[2], 42.5, 1e-9);
    CHECK_NEAR(u.sweep_mean, 27.5, 1e-9);
    CHECK(u.n_samples == 36, "%ld samples in the sweep", u.n_samples);
    ws_utilization_release(&u);
    ws_trial_list_free(&l);
    cleanup();
}

static void test_layout(void)
{
    ws_study a;
    ws_trial_list l = {0};
    if (make_study(&a) || load(&a, &l)) { CHECK(0, "setting up the study"); cleanup(); return; }
    ws_summary s;
    ws_analysis an;
    ws_err e = {0};
    CHECK(ws_summary_build(&s, "a", WS_MAXIMIZE, &l, &e) == 0, "%s", e.msg);
    CHECK(ws_analysis_build(&an, &s, NULL, path, a.id, beats, &e) == 0, "%s", e.msg);
    s.an = &an;
    /* 0 [10,20] → slot 0; 1 [15,30] → slot 1; 2 [40, heartbeat 47] → slot 0 again */
    CHECK(an.tt[0].slot == 0 && an.tt[1].slot == 1 && an.tt[2].slot == 0 && an.tt[3].slot == -1, "slots %d %d %d %d",
          an.tt[0].slot, an.tt[1].slot, an.tt[2].slot, an.tt[3].slot);
    CHECK(an.n_slots == 2 && an.tt[2].open, "2 slots, trial 2 open");
    CHECK_NEAR(an.wall_s, 37.0, 1e-3);          /* 10 .. 47 */
    CHECK_NEAR(an.capacity_s, 74.0, 1e-3);
    CHECK_NEAR(an.all.busy_s, 10 + 15 + 7, 1e-3);
    CHECK_NEAR(an.idle_s, 74 - 32, 1e-3);
    CHECK_NEAR(an.slots[0].busy_s, 17, 1e-3);
    /* trial 0 measured: setup 1, train 6, eval 2 of its 10 s, other 1; the rest unmeasured */
    CHECK_NEAR(an.all.setup_s, 1, 1e-9);
    CHECK_NEAR(an.all.train_s, 6, 1e-9);
    CHECK_NEAR(an.all.eval_s, 2, 1e-9);
    CHECK_NEAR(an.all.other_s, 1, 1e-3);
    CHECK_NEAR(an.all.unmeasured_s, 22, 1e-3);
    CHECK(an.n_measured == 1, "%zu measured", an.n_measured);
    /* the JSON form carries the same numbers */
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    CHECK(mem && ws_summary_json_print(mem, &s) == 0, "ws_summary_json_print");
    if (mem) fclose(mem);
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    CHECK(json_real_value(json_object_get(json_object_get(j, "time"), "idle_s")) == an.idle_s, "time.idle_s");
    CHECK(json_object_get(json_object_get(j, "utilization"), "sweep_mean") != NULL, "utilization.sweep_mean");
    json_t *t0 = NULL, *tr;
    size_t i;
    json_array_foreach(json_object_get(j, "trials"), i, tr) if (json_integer_value(json_object_get(tr, "trial")) == 0) t0 = tr;
    CHECK(t0 && fabs(json_number_value(json_object_get(t0, "util_mean")) - 15) < 1e-9, "trials[0].util_mean");
    CHECK(t0 && json_integer_value(json_object_get(t0, "rss_max_bytes")) == 300, "trials[0].rss_max_bytes");
    json_decref(j);
    ws_analysis_release(&an);
    ws_summary_release(&s);
    ws_trial_list_free(&l);
    cleanup();
}

static void test_no_samples_table(void)
{
    ws_err e = {0};
    ws_store *s;
    ws_study a;
    int created;
    snprintf(dir, sizeof dir, "%s/ws-util-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) { CHECK(0, "mkdtemp"); return; }
    snprintf(path, sizeof path, "%s/s.db", dir);
    CHECK(ws_store_open(&s, path, WS_STORE_CREATE, &e) == 0 && ws_store_begin(s, &e) == 0
              && ws_store_study_create(s, "a", WS_MINIMIZE, &a, &created, &e) == 0 && ws_store_commit(s, &e) == 0,
          "%s", e.msg);
    ws_store_close(s);
    ws_trial_list l = {0};
    ws_utilization u;
    CHECK(ws_utilization_load(&u, path, a.id, &l, beats, &e) == 0, "%s", e.msg);
    CHECK(!u.present && isnan(u.sweep_mean) && u.n == 0 && !u.source[0], "no table: nothing");
    ws_utilization_release(&u);
    CHECK(ws_utilization_load(&u, "/nonexistent/s.db", a.id, &l, NULL, &e) == -1 && strstr(e.msg, "cannot open"), "%s", e.msg);
    cleanup();
}

/* A file whose lock another connection holds past WS_DB_BUSY_S: the samples' read fails as the
 * store's do (ws_sql_fail), saying why and what to do, not only "database is locked". A file
 * in rollback-journal mode (as Optuna makes them) whose writer holds BEGIN EXCLUSIVE: readers
 * wait for it (in WAL mode they would not). */
static void test_locked(void)
{
    ws_study a;
    ws_trial_list l = {0};
    if (make_study(&a) || load(&a, &l)) { CHECK(0, "study setup"); cleanup(); return; }
    sqlite3 *holder;
    int held = sqlite3_open(path, &holder) == SQLITE_OK && sql(holder, "PRAGMA journal_mode=DELETE") == SQLITE_OK
               && sql(holder, "BEGIN EXCLUSIVE") == SQLITE_OK;
    CHECK(held, "the lock is held");
    char *old = getenv("WS_DB_BUSY_S") ? strdup(getenv("WS_DB_BUSY_S")) : NULL;
    setenv("WS_DB_BUSY_S", "0.1", 1);
    ws_err e = {0};
    ws_utilization u;
    CHECK(ws_utilization_load(&u, path, a.id, &l, beats, &e) == -1, "a locked file is not read");
    char want[sizeof path + 400];
    snprintf(want, sizeof want, "%s: cannot open: database is locked: another process held the lock for longer than the "
             "0.1 s this tool waits (WS_DB_BUSY_S); run it again once that process has finished (a long transaction, an "
             "open sqlite3 shell, a stopped process?), or set WS_DB_BUSY_S to wait longer", path);
    CHECK(!strcmp(e.msg, want), "the store's explanation: got '%s'", e.msg);
    if (old) setenv("WS_DB_BUSY_S", old, 1);
    else unsetenv("WS_DB_BUSY_S");
    free(old);
    sql(holder, "ROLLBACK");
    sqlite3_close(holder);
    ws_trial_list_free(&l);
    cleanup();
}

int main(void)
{
    RUN(test_means);
    RUN(test_layout);
    RUN(test_no_samples_table);
    RUN(test_locked);
    return test_summary();
}
