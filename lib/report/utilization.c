/* utilization.c — gpu-monitor's samples per trial and per sweep (see utilization.h). The
 * queries are the ones lib/gpu/samples_db.h documents; datetime texts compare as times because
 * the samples and Optuna's trials use the same fixed format. A PostgreSQL study's samples are
 * read from a SQLite copy in the same layout (utilization_pg.h). */
#include "report/utilization.h"
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/text.h"
#include "gpu/samples_db.h"
#include "report/svg.h"
#include "report/utilization_pg.h"
#include "store/sqlite_read.h"
#include "store/store.h"

typedef struct {
    sqlite3 *db;
    const char *path;
    ws_err *e;
} conn;

static int sql_fail(conn *c, const char *what)
{
    return ws_sqlite_read_fail(c->db, sqlite3_extended_errcode(c->db), WS_EINTERNAL, c->path, what, c->e);
}

/* Samples are matched to trials by instant: a sample's epoch seconds (t) against a trial's
 * datetimes read as clock.h reads them (ws_epoch, registered below, less the shift between the
 * sweep's time zone and the report's: shift_sql), not by their text, which is local time and out
 * of order in the hour repeated when DST ends. */
#define WINDOW_LO "(SELECT min(ws_epoch(datetime_start)) FROM trials WHERE study_id = ?1)"
/* A trial's window ends where ws_trial_end says (ws_trial_end(trial_id), registered below), and
 * is open (NULL) while it runs. */
#define WINDOW_HI "(SELECT CASE WHEN count(*) > count(ws_trial_end(trial_id)) THEN 1e300 ELSE max(ws_trial_end(trial_id)) END" \
                  " FROM trials WHERE study_id = ?1 AND datetime_start IS NOT NULL)"

/* The source the means are of: the one with the most device rows in the sweep's window (ties:
 * nvml). A file may hold both (a sweep resumed on another machine, a monitor that once found no
 * driver), and a mean of GPU and CPU busy percentages together is neither; the other source's
 * samples are counted (other_sql) and the note says so. */
#define SOURCE "(SELECT source FROM " GPU_SAMPLES_TABLE " WHERE kind = 'device' AND t BETWEEN " WINDOW_LO " AND " \
               WINDOW_HI " GROUP BY source ORDER BY count(*) DESC, source LIMIT 1)"
/* The GPUs the study's trials ran on: the devices of gpu-monitor's process rows tied to one of
 * its trials. On a machine with several GPUs, the trials on one (train-trial takes the first
 * visible), the idle others (or another user's) would cut the means to a fraction of what the
 * trials' GPU did. Without such rows (no --db, pids NVML does not report), every device. */
/* A process row p is its trial's (tr's) own when taken once tr had started: a trial id is only
 * a row id, which SQLite gives again once the highest rows are gone (Optuna's delete_study, then
 * a new study in the file), and the deleted trial's rows, taken before the new trial began,
 * were counted as the new one's (its CPU, memory and GPUs, with no sample in its time). */
#define OWN_ROW "p.t >= coalesce(ws_epoch(tr.datetime_start), -1e300)"
#define USED_DEVICES "(SELECT DISTINCT p.device FROM " GPU_SAMPLES_TABLE " p JOIN trials tr ON tr.trial_id = p.trial_id" \
                     " WHERE p.kind = 'process' AND p.device IS NOT NULL AND tr.study_id = ?1 AND " OWN_ROW ")"
#define DEVICE_USED "(device IS NULL OR NOT EXISTS " USED_DEVICES " OR device IN " USED_DEVICES ")"
#define IN_WINDOW_ANY_DEVICE "kind = 'device' AND t BETWEEN " WINDOW_LO " AND " WINDOW_HI " AND source = " SOURCE
#define IN_WINDOW IN_WINDOW_ANY_DEVICE " AND " DEVICE_USED

/* The device rows of the sweep's window in time order, for the means per trial (trial_means):
 * one pass here and a binary search per trial, where a join of trials and samples on t (which
 * no index covers) compared every trial with every sample: 19 s for 1000 trials and 10 hours of
 * samples at gpu-monitor's 1 s. */
static const char device_rows_sql[] =
    "SELECT t, util, device FROM " GPU_SAMPLES_TABLE " WHERE " IN_WINDOW " ORDER BY t, row_id";
/* The GPUs each trial's own processes ran on, by trial id: with several GPUs and a trial on each
 * (a slot per GPU), a trial's mean is of its GPUs, not of every GPU the study used. */
static const char trial_devices_sql[] =
    "SELECT DISTINCT p.trial_id, p.device FROM " GPU_SAMPLES_TABLE " p LEFT JOIN trials tr ON tr.trial_id = p.trial_id"
    " WHERE p.kind = 'process' AND p.trial_id IS NOT NULL AND p.device IS NOT NULL AND " OWN_ROW
    " ORDER BY p.trial_id, p.device";
static const char sweep_sql[] =
    "SELECT avg(util), count(DISTINCT sample), count(*), count(util) FROM " GPU_SAMPLES_TABLE " WHERE " IN_WINDOW;
static const char source_sql[] = "SELECT " SOURCE;
static const char other_sql[] =
    "SELECT source, count(DISTINCT sample) FROM " GPU_SAMPLES_TABLE " WHERE kind = 'device' AND t BETWEEN " WINDOW_LO
    " AND " WINDOW_HI " AND source IS NOT " SOURCE " GROUP BY source ORDER BY count(*) DESC, source";
/* In time order, which bucket_series takes: sample numbers follow the order the rows were written
 * in, not always the samples' times (two monitors writing to one file, where a sample that
 * waited for the lock is numbered when written; a clock stepped back). */
/* The devices left out by DEVICE_USED, for the note. */
static const char unused_sql[] =
    "SELECT DISTINCT device FROM " GPU_SAMPLES_TABLE " WHERE " IN_WINDOW_ANY_DEVICE " AND NOT " DEVICE_USED
    " ORDER BY device";
static const char series_sql[] =
    "SELECT min(t), avg(util) FROM " GPU_SAMPLES_TABLE " WHERE util IS NOT NULL AND " IN_WINDOW
    " GROUP BY sample ORDER BY min(t), sample";

/* ws_epoch(TEXT): a trial datetime as epoch seconds (ws_datetime_parse), less the zone shift
 * (*user data: see shift_sql); NULL for NULL or bad text. */
static void sql_epoch(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const double *shift = sqlite3_user_data(ctx);
    const unsigned char *text = sqlite3_value_text(argv[0]);
    double t = text ? ws_datetime_parse((const char *)text) : NAN;
    if (isnan(t)) sqlite3_result_null(ctx);
    else sqlite3_result_double(ctx, t - *shift);
}

/* Trial datetimes are the trainer's naive local time, read here in the report's zone; a sample
 * has its epoch seconds (t) and the monitor's local time (datetime) of the same instant. Where
 * the report runs in another zone than the sweep (a study file copied from a server on UTC), the
 * two readings differ by the zones' offsets: that shift, the most common one over device rows
 * spread through the table (to 15 min, the grain of every zone), is taken off the trials' times,
 * so that samples and trials meet in the sweep's time. In the sweep's own zone it is 0 (but for
 * the hour repeated when DST ends, which t keeps in order). */
static const char shift_sql[] =
    "SELECT 900 * round((ws_epoch(datetime) - t) / 900) AS d FROM " GPU_SAMPLES_TABLE
    " WHERE kind = 'device' AND row_id % (SELECT max(1, max(row_id) / 4000) FROM " GPU_SAMPLES_TABLE ") = 0"
    " AND d IS NOT NULL GROUP BY d ORDER BY count(*) DESC, abs(d) LIMIT 1";

/* See utilization.h: one rule for the time layout (analysis.c) and the windows here. */
double ws_trial_end(const ws_trial *t, double beat)
{
    if (!isfinite(t->t_complete)) return NAN;
    if (t->state == WS_FAIL && isfinite(beat) && json_is_true(json_object_get(t->system_attrs, WS_ATTR_DIED)))
        return fmax(t->t_start, fmin(t->t_complete, beat));   /* fmax: a start of NaN is ignored */
    return t->t_complete;
}

/* The end of every trial's window by trial id, for ws_trial_end(trial_id) in the queries. */
typedef struct {
    int64_t id;
    double end;
} trial_end;
typedef struct {
    trial_end *v;
    size_t n;
} trial_ends;

static int cmp_trial_end(const void *pa, const void *pb)
{
    int64_t a = ((const trial_end *)pa)->id, b = ((const trial_end *)pb)->id;
    return (a > b) - (a < b);
}

/* ws_trial_end(trial_id): the window's end in epoch seconds; NULL while the trial runs, and for a
 * trial the report did not load (one created since): open, as a running one. */
static void sql_trial_end(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const trial_ends *ends = sqlite3_user_data(ctx);
    trial_end key = {sqlite3_value_int64(argv[0]), 0};
    const trial_end *hit = bsearch(&key, ends->v, ends->n, sizeof *ends->v, cmp_trial_end);
    if (!hit || isnan(hit->end)) sqlite3_result_null(ctx);
    else sqlite3_result_double(ctx, hit->end);
}

static const char process_sql[] =
    "SELECT p.trial_id, avg(p.cpu), max(p.rss_bytes) FROM " GPU_SAMPLES_TABLE " p LEFT JOIN trials tr ON tr.trial_id = p.trial_id"
    " WHERE p.kind = 'process' AND p.trial_id IS NOT NULL AND p.device IS NULL AND " OWN_ROW " GROUP BY p.trial_id";

/* Runs sql (with study id ?1 when it has a parameter), calling row() per result row. */
static int query(conn *c, const char *sql, int64_t study_id, int (*row)(sqlite3_stmt *, void *), void *ctx,
                 const char *what)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) return sql_fail(c, what);
    if (sqlite3_bind_parameter_count(st) > 0 && sqlite3_bind_int64(st, 1, study_id) != SQLITE_OK) {
        sqlite3_finalize(st);
        return sql_fail(c, what);
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (row(st, ctx)) { sqlite3_finalize(st); return ws_err_set(c->e, WS_ENOMEM, "%s: %s: out of memory", c->path, what); }
    if (rc != SQLITE_DONE) { sql_fail(c, what); sqlite3_finalize(st); return -1; }
    sqlite3_finalize(st);
    return 0;
}

static double column_real(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? NAN : sqlite3_column_double(st, col);
}

/* A growing pair of columns (time, value). */
typedef struct {
    double *t, *v;
    size_t n, cap;
} columns;

static int columns_add(columns *c, double t, double v)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        double *a = realloc(c->t, cap * sizeof *a);
        if (!a) return -1;
        c->t = a;
        double *b = realloc(c->v, cap * sizeof *b);
        if (!b) return -1;
        c->v = b;
        c->cap = cap;
    }
    c->t[c->n] = t;
    c->v[c->n] = v;
    c->n++;
    return 0;
}

/* (trial id, device) pairs, sorted: trial_devices_sql's rows. */
typedef struct {
    int64_t (*v)[2];
    size_t n, cap;
} id_pairs;

typedef struct {
    ws_utilization *u;
    const ws_trial_list *trials;
    columns series;       /* the per-sample series before bucketing */
    columns device;       /* device rows (t, util; NaN for null) in time order */
    int64_t *device_index;   /* ... and each one's device (-1: NULL), by the same index */
    size_t device_index_cap;
    id_pairs trial_devices;   /* trial_devices_sql's pairs */
    ws_err *e;
    const char *path;
    int bad;              /* a number column holds text or a blob: e says where */
    double shift;         /* shift_sql's answer */
    int has_shift;        /* ... when it found one */
    const ws_util_pg *pg; /* a PostgreSQL study's copy (NULL: a SQLite file): its hosts name devices */
} load_ctx;

static int device_row(sqlite3_stmt *st, void *p)
{
    load_ctx *c = p;
    if (c->device.n == c->device_index_cap) {
        size_t cap = c->device_index_cap ? 2 * c->device_index_cap : 256;
        int64_t *a = realloc(c->device_index, cap * sizeof *a);
        if (!a) return -1;
        c->device_index = a;
        c->device_index_cap = cap;
    }
    c->device_index[c->device.n] = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 2);
    return columns_add(&c->device, column_real(st, 0), column_real(st, 1));
}

static int trial_device_row(sqlite3_stmt *st, void *p)
{
    id_pairs *d = &((load_ctx *)p)->trial_devices;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        int64_t(*a)[2] = realloc(d->v, cap * sizeof *a);
        if (!a) return -1;
        d->v = a;
        d->cap = cap;
    }
    d->v[d->n][0] = sqlite3_column_int64(st, 0);
    d->v[d->n][1] = sqlite3_column_int64(st, 1);
    d->n++;
    return 0;
}

/* Whether a device row of device dev counts for a trial whose own GPUs are pairs[a, b) (none:
 * every device the study used, as the sweep's mean). */
static int trial_device(const id_pairs *d, size_t a, size_t b, int64_t dev)
{
    if (a == b) return 1;
    for (size_t k = a; k < b; k++)
        if (d->v[k][1] == dev) return 1;
    return 0;
}

/* Each trial's mean util over the device rows d (in time order) with t in [its start, its end
 * (ws_trial_end; open while it runs)], of its own GPUs (own; dev: each row's device) when
 * gpu-monitor tied a process of it to one, nulls left out as SQL's avg leaves them; summed in time
 * order. A trial without a start, or without a reading in its window, keeps NaN and 0. */
static void trial_means(ws_utilization *u, const ws_trial_list *trials, const columns *d, const int64_t *dev,
                        const id_pairs *own, double shift)
{
    for (size_t i = 0; i < trials->n; i++) {
        size_t a = 0, b = own->n;   /* the trial's own GPUs: own->v[a, b), a the first of its id */
        while (a < b) {
            size_t mid = a + (b - a) / 2;
            if (own->v[mid][0] < trials->v[i].trial_id) a = mid + 1;
            else b = mid;
        }
        for (b = a; b < own->n && own->v[b][0] == trials->v[i].trial_id; b++) {}
        double t0 = trials->v[i].t_start - shift, t1 = ws_trial_end(&trials->v[i], u->trial_beat[i]) - shift;
        if (isnan(t0)) continue;
        if (isnan(t1)) t1 = INFINITY;
        size_t lo = 0, hi = d->n;   /* the first row with t >= t0 */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (d->t[mid] < t0) lo = mid + 1;
            else hi = mid;
        }
        double sum = 0;
        long n = 0;
        for (size_t k = lo; k < d->n && d->t[k] <= t1; k++)
            if (!isnan(d->v[k]) && trial_device(own, a, b, dev[k])) { sum += d->v[k]; n++; }
        u->trial_mean[i] = n ? sum / (double)n : NAN;
        u->trial_n[i] = n;
    }
}

static int process_row(sqlite3_stmt *st, void *p)
{
    load_ctx *c = p;
    int64_t id = sqlite3_column_int64(st, 0);
    for (size_t i = 0; i < c->trials->n; i++)
        if (c->trials->v[i].trial_id == id) {
            c->u->trial_cpu[i] = column_real(st, 1);
            c->u->trial_rss[i] = column_real(st, 2);
        }
    return 0;
}

static int sweep_row(sqlite3_stmt *st, void *p)
{
    load_ctx *c = p;
    c->u->sweep_mean = column_real(st, 0);
    c->u->n_samples = sqlite3_column_int64(st, 1);
    c->u->n_readings = sqlite3_column_int64(st, 2);
    c->u->n_util = sqlite3_column_int64(st, 3);
    return 0;
}

/* The source as JSON can hold it: gpu-monitor writes "nvml" or "proc"; another (a hand edit) is
 * shown, its bytes that are not UTF-8 as \xNN and cut at a character boundary to fit (as it was,
 * json_string refused it and the report's whole utilization object was null). */
static int source_row(sqlite3_stmt *st, void *p)
{
    load_ctx *c = p;
    const char *s = (const char *)sqlite3_column_text(st, 0);
    char *shown = ws_text_escape(s ? s : "");
    if (!shown) return -1;
    ws_text_copy(c->u->source, sizeof c->u->source, shown);
    free(shown);
    return 0;
}

static int other_row(sqlite3_stmt *st, void *p)
{
    load_ctx *c = p;
    if (!c->u->n_other) {   /* the most common other source names them */
        const char *src = (const char *)sqlite3_column_text(st, 0);
        char *shown = ws_text_escape(src ? src : "");
        if (!shown) return -1;
        ws_text_copy(c->u->other_source, sizeof c->u->other_source, shown);
        free(shown);
    }
    c->u->n_other += sqlite3_column_int64(st, 1);
    return 0;
}

static int unused_row(sqlite3_stmt *st, void *p)
{
    load_ctx *c = p;
    char *u = c->u->unused_devices;
    size_t len = strlen(u), cap = sizeof c->u->unused_devices;
    long long dev = sqlite3_column_int64(st, 0);
    /* a PostgreSQL study's copy with several hosts numbers a device by its host too: host:index */
    const ws_util_pg *pg = c->pg && c->pg->n_hosts > 1 ? c->pg : NULL;
    if (len + (pg ? 40 : 16) < cap) {
        if (pg) snprintf(u + len, cap - len, "%s%.24s:%lld", len ? ", " : "", pg->hosts[dev >> WS_UTIL_HOST_SHIFT],
                         dev & ((1LL << WS_UTIL_HOST_SHIFT) - 1));
        else snprintf(u + len, cap - len, "%s%lld", len ? ", " : "", dev);
    }
    else if (len + 4 < cap && strcmp(u + len - 3, "...")) snprintf(u + len, cap - len, "...");
    c->u->n_unused++;
    return 0;
}

static int shift_row(sqlite3_stmt *st, void *p)
{
    load_ctx *c = p;
    c->shift = sqlite3_column_double(st, 0);
    c->has_shift = 1;
    return 0;
}

/* Without samples, the same shift D (the trials' times as read here less the instants), to 15 min
 * (the grain of every zone), from the heartbeats: every beat comes after its trial's start and
 * before its completion, so D >= start - beat for each trial and D <= complete - beat for each
 * finished one (beats are whole seconds, truncated: 1 s of leeway). 0 where it fits (the report
 * in the sweep's zone, as before); else the largest that fits below the tightest completion (a
 * trainer's heartbeat thread beats up to its end), or with no finished trial the smallest above
 * the starts; 0 also where nothing fits (a DST change between the trials, clocks stepped). */
static double beat_shift(const ws_trial_list *trials, const double *beat)
{
    double lo = -INFINITY, hi = INFINITY;
    for (size_t i = 0; i < trials->n; i++) {
        double b = beat[i], t0 = trials->v[i].t_start, t1 = trials->v[i].t_complete;
        if (!isfinite(b)) continue;
        if (isfinite(t0)) lo = fmax(lo, t0 - b - 1);
        if (isfinite(t1)) hi = fmin(hi, t1 - b + 1);
    }
    if (lo <= 0 && 0 <= hi) return 0;
    double d = isfinite(hi) ? 900 * floor(hi / 900) : 900 * ceil(lo / 900);
    return d >= lo && d <= hi ? d : 0;
}

static int series_row(sqlite3_stmt *st, void *p)
{
    load_ctx *c = p;
    return columns_add(&c->series, column_real(st, 0), column_real(st, 1));
}

/* Averages the per-sample series (t in time order: its first and last are the ends) into at most
 * WS_UTIL_POINTS equal time buckets. */
static int bucket_series(ws_utilization *u, const double *t, const double *v, size_t n)
{
    if (!n) return 0;
    size_t nb = n < WS_UTIL_POINTS ? n : WS_UTIL_POINTS;
    u->t = calloc(nb, sizeof *u->t);
    u->util = calloc(nb, sizeof *u->util);
    size_t *count = calloc(nb, sizeof *count);
    if (!u->t || !u->util || !count) { free(count); return -1; }
    double t0 = t[0], span = t[n - 1] - t[0];
    for (size_t i = 0; i < n; i++) {
        size_t b = nb == n || span <= 0 ? i * nb / n : (size_t)((t[i] - t0) / span * (double)nb);
        if (b >= nb) b = nb - 1;
        u->t[b] += t[i];
        u->util[b] += v[i];
        count[b]++;
    }
    for (size_t b = 0; b < nb; b++)
        if (count[b]) {
            u->t[u->n] = u->t[b] / (double)count[b];
            u->util[u->n] = u->util[b] / (double)count[b];
            u->n++;
        }
    free(count);
    return 0;
}

/* A number column that holds text or a blob (a hand edit: REAL and INTEGER columns turn text
 * that reads as a number into one): SQLite's avg took it as 0 (or its numeric prefix) and moved
 * the means in silence, and a t that is text left its sample out of every window. The first such
 * value, by row. */
#define NOT_NUMBER(col) "typeof(" col ") IN ('text', 'blob')"
static const char not_number_sql[] =
    "SELECT row_id, sample, CASE WHEN typeof(t) NOT IN ('integer', 'real') THEN 't' WHEN " NOT_NUMBER("util")
    " THEN 'util' WHEN " NOT_NUMBER("cpu") " THEN 'cpu' ELSE 'rss_bytes' END AS col,"
    " CASE WHEN typeof(t) NOT IN ('integer', 'real') THEN t WHEN " NOT_NUMBER("util") " THEN util WHEN "
    NOT_NUMBER("cpu") " THEN cpu ELSE rss_bytes END FROM " GPU_SAMPLES_TABLE
    " WHERE typeof(t) NOT IN ('integer', 'real') OR " NOT_NUMBER("util") " OR " NOT_NUMBER("cpu") " OR "
    NOT_NUMBER("rss_bytes") " ORDER BY row_id LIMIT 1";

static int not_number_row(sqlite3_stmt *st, void *p)
{
    load_ctx *c = p;
    const char *sample = (const char *)sqlite3_column_text(st, 1), *col = (const char *)sqlite3_column_text(st, 2);
    char *sample_shown = ws_text_escape(sample ? sample : "NULL"), *value = NULL;
    if (sqlite3_column_type(st, 3) == SQLITE_TEXT) {
        const char *text = (const char *)sqlite3_column_text(st, 3);
        value = ws_text_escape(text ? text : "");
    }
    if (!sample_shown || (sqlite3_column_type(st, 3) == SQLITE_TEXT && !value)) {
        free(sample_shown); free(value);
        return -1;
    }
    char what[80];
    if (value) snprintf(what, sizeof what, "text '%.60s%s'", value, strlen(value) > 60 ? "..." : "");
    else snprintf(what, sizeof what, "a blob");
    ws_err_set(c->e, WS_EINPUT, "%s: " GPU_SAMPLES_TABLE " row %lld (sample %.40s): %s is %s, not a number", c->path,
               (long long)sqlite3_column_int64(st, 0), sample_shown, col ? col : "?", what);
    c->bad = 1;
    free(sample_shown);
    free(value);
    return 0;
}

static int has_table(conn *c, int *present)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" GPU_SAMPLES_TABLE "'",
                           -1, &st, NULL) != SQLITE_OK)
        return sql_fail(c, "looking for the samples table");
    int rc = sqlite3_step(st);
    *present = rc == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : sql_fail(c, "looking for the samples table");
}

/* u's arrays for the trials, all NaN (counts 0) but the heartbeats: beats (NULL: none). */
static int alloc_trials(ws_utilization *u, const ws_trial_list *trials, const double *beats, ws_err *e)
{
    memset(u, 0, sizeof *u);
    u->sweep_mean = NAN;
    size_t n = trials->n ? trials->n : 1;
    u->trial_mean = malloc(n * sizeof *u->trial_mean);
    u->trial_n = calloc(n, sizeof *u->trial_n);
    u->trial_cpu = malloc(n * sizeof *u->trial_cpu);
    u->trial_rss = malloc(n * sizeof *u->trial_rss);
    u->trial_beat = malloc(n * sizeof *u->trial_beat);
    if (!u->trial_mean || !u->trial_n || !u->trial_cpu || !u->trial_rss || !u->trial_beat) {
        ws_utilization_release(u);
        return ws_err_set(e, WS_ENOMEM, "utilization: out of memory");
    }
    for (size_t i = 0; i < n; i++) u->trial_mean[i] = u->trial_cpu[i] = u->trial_rss[i] = u->trial_beat[i] = NAN;
    for (size_t i = 0; beats && i < trials->n; i++) u->trial_beat[i] = beats[i];
    return 0;
}

/* Puts u's heartbeats (instants) into the trials' wall time: by *shift (the samples'), or where
 * there is none (NULL: no samples, or none that tell) by the heartbeats' own (beat_shift). */
static void place_beats(ws_utilization *u, const ws_trial_list *trials, const double *shift)
{
    double d = shift ? *shift : beat_shift(trials, u->trial_beat);
    for (size_t i = 0; i < trials->n; i++) u->trial_beat[i] += d;
}

int ws_utilization_beats(ws_utilization *u, const ws_trial_list *trials, const double *beats, ws_err *e)
{
    if (alloc_trials(u, trials, beats, e)) return -1;
    place_beats(u, trials, NULL);
    return 0;
}

int ws_utilization_load(ws_utilization *u, const char *db_path, int64_t study_id, const ws_trial_list *trials,
                        const double *beats, ws_err *e)
{
    if (alloc_trials(u, trials, beats, e)) return -1;
    size_t n = trials->n ? trials->n : 1;
    if (!(db_path = gpu_samples_db_file(db_path, e))) {
        ws_utilization_release(u);
        return -1;
    }
    conn c = {NULL, db_path, e};
    ws_util_pg pg = {0};
    if (ws_store_url_kind(db_path) == WS_DB_POSTGRES) {
        if (ws_util_pg_copy(&pg, db_path, study_id, trials, e)) { ws_utilization_release(u); return -1; }
        c.db = pg.db;
        c.path = db_path = pg.shown;
    } else {
        int orc = ws_sqlite_open_read(db_path, &c.db);
        if (orc != SQLITE_OK) {
            ws_sqlite_read_fail(c.db, orc, WS_EINPUT, db_path, "cannot open", e);
            sqlite3_close(c.db);
            ws_utilization_release(u);
            return -1;
        }
    }
    double shift = 0;   /* shift_sql's; 0 while it is found */
    sqlite3_create_function(c.db, "ws_epoch", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, &shift, sql_epoch, NULL, NULL);
    load_ctx ctx = {u, trials, {0}, {0}, NULL, 0, {0}, e, db_path, 0, 0, 0, c.db == pg.db ? &pg : NULL};
    int rc = has_table(&c, &u->present);
    if (!rc && u->present) {
        rc = query(&c, not_number_sql, study_id, not_number_row, &ctx, "checking the samples' numbers");
        if (!rc && ctx.bad) rc = -1;
    }
    if (!rc && u->present) rc = query(&c, shift_sql, study_id, shift_row, &ctx, "the samples' time zone");
    shift = ctx.shift;
    /* Heartbeats are instants (the store's), the trials' datetimes the sweep's wall time read in this
     * process's zone: a beat is put where the trials' times are, by the shift between the two
     * (the samples', else the heartbeats' own), so that a RUNNING trial runs to its last beat also
     * where report runs in another zone than the sweep (a study file copied from a server). */
    if (!rc) place_beats(u, trials, ctx.has_shift ? &shift : NULL);
    trial_ends ends = {malloc(n * sizeof *ends.v), trials->n};
    if (!rc && !ends.v) rc = ws_err_set(e, WS_ENOMEM, "utilization: out of memory");
    if (!rc) {
        for (size_t i = 0; i < trials->n; i++)
            ends.v[i] = (trial_end){trials->v[i].trial_id, ws_trial_end(&trials->v[i], u->trial_beat[i]) - shift};
        qsort(ends.v, ends.n, sizeof *ends.v, cmp_trial_end);
        sqlite3_create_function(c.db, "ws_trial_end", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, &ends, sql_trial_end, NULL, NULL);
    }
    if (!rc && u->present)
        rc = query(&c, device_rows_sql, study_id, device_row, &ctx, "utilization per trial")
             || query(&c, trial_devices_sql, study_id, trial_device_row, &ctx, "the GPUs of each trial")
             || (trial_means(u, trials, &ctx.device, ctx.device_index, &ctx.trial_devices, shift), 0)
             || query(&c, process_sql, study_id, process_row, &ctx, "trial processes")
             || query(&c, sweep_sql, study_id, sweep_row, &ctx, "utilization of the sweep")
             || query(&c, source_sql, study_id, source_row, &ctx, "samples' source")
             || query(&c, other_sql, study_id, other_row, &ctx, "samples of another source")
             || query(&c, unused_sql, study_id, unused_row, &ctx, "devices no trial ran on")
             || query(&c, series_sql, study_id, series_row, &ctx, "utilization over time")
             || (bucket_series(u, ctx.series.t, ctx.series.v, ctx.series.n) ? ws_err_set(e, WS_ENOMEM, "utilization: out of memory") : 0);
    for (size_t i = 0; !rc && i < u->n; i++) u->t[i] += shift;   /* the plot's times are the trials' */
    free(ctx.series.t);
    free(ctx.series.v);
    free(ctx.device.t);
    free(ctx.device.v);
    free(ctx.device_index);
    free(ctx.trial_devices.v);
    if (c.db == pg.db) ws_util_pg_release(&pg);
    else sqlite3_close(c.db);
    free(ends.v);
    if (rc) { ws_utilization_release(u); return -1; }
    return 0;
}

void ws_utilization_release(ws_utilization *u)
{
    free(u->trial_mean); free(u->trial_n); free(u->trial_cpu); free(u->trial_rss); free(u->trial_beat);
    free(u->t); free(u->util);
    memset(u, 0, sizeof *u);
    u->sweep_mean = NAN;
}

const char *ws_utilization_what(const ws_utilization *u)
{
    if (!strcmp(u->source, "nvml")) return "GPU";
    if (!strcmp(u->source, "proc")) return "CPU";
    return "GPU or CPU";   /* another source (a hand edit) names no kind */
}
