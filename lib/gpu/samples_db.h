/* samples_db.h — gpu-monitor's samples in the study's SQLite file, beside Optuna's tables (which
 * Optuna ignores), and the pids of the study's RUNNING trials, read from Optuna's tables. A
 * PostgreSQL study keeps them in its database, in the same table with one column more (host):
 * samples_pg.h.
 *
 * One table, one row per device per sample and one row per process per sample, told apart by
 * `kind`. Rows written together share `sample` (increasing) and `t`:
 *
 *   CREATE TABLE wakesweep_gpu_samples (
 *     row_id          INTEGER PRIMARY KEY,
 *     sample          INTEGER NOT NULL,  -- rows of one sample share it; increases with time
 *     t               REAL    NOT NULL,  -- epoch seconds (UTC)
 *     datetime        TEXT    NOT NULL,  -- the same instant as Optuna writes datetime_start:
 *                                        --   'YYYY-MM-DD HH:MM:SS.ffffff', naive local time (as trial times)
 *     source          TEXT    NOT NULL,  -- 'nvml' (GPU) or 'proc' (no GPU: CPUs and RAM)
 *     kind            TEXT    NOT NULL,  -- 'device' or 'process'
 *     device          INTEGER,           -- NVML index; NULL on a 'proc' device row (all CPUs)
 *                                        --   and on the CPU-side row of a watched process
 *     name            TEXT,              -- device: the GPU's name (NULL for 'proc')
 *     util            REAL,              -- device: GPU busy % (nvml) or all-CPU busy % (proc)
 *     mem_util        REAL,              -- device: % of time GPU memory was read/written (nvml)
 *     mem_used_bytes  INTEGER,           -- device: GPU memory used (nvml) or RAM used (proc);
 *                                        --   process with a device: its GPU memory there
 *     mem_total_bytes INTEGER,           -- device: GPU memory or RAM in total
 *     power_w         REAL,              -- device (nvml)
 *     temp_c          REAL,              -- device (nvml)
 *     sm_clock_mhz    REAL,              -- device (nvml)
 *     pid             INTEGER,           -- process
 *     trial_id        INTEGER,           -- process: Optuna trials.trial_id when the pid is the
 *                                        --   "wakesweep:pid" system attribute of a RUNNING trial (of this host)
 *     cpu             REAL,              -- process, device NULL: % of one core since the last sample
 *     rss_bytes       INTEGER            -- process, device NULL: resident set size
 *   );
 *   index: (kind, datetime) (one index only: every index costs a page write per sample)
 *
 * NULL means unknown (a call not supported, a first reading). Rows per sample: 'nvml': one
 * device row per GPU, one process row per compute process per GPU (device set, GPU memory), and
 * one process row per watched pid (device NULL, cpu and rss_bytes); 'proc': one device row
 * (device NULL) and one process row per watched pid.
 *
 * Mean utilization of each trial while it ran, and of the whole sweep (datetime texts compare
 * as times because both sides use the same fixed format; the CASTs matter: Optuna declares
 * datetime_start DATETIME, and comparing the TEXT column with it keeps SQLite from using the
 * (kind, datetime) index, 3x slower on big tables):
 *
 *   SELECT tr.number, avg(s.util) FROM trials tr JOIN wakesweep_gpu_samples s
 *     ON s.kind = 'device' AND s.datetime >= CAST(tr.datetime_start AS TEXT)
 *    AND s.datetime <= coalesce(CAST(tr.datetime_complete AS TEXT), '9999')
 *    WHERE tr.study_id = ? GROUP BY tr.trial_id;
 *   SELECT avg(s.util) FROM wakesweep_gpu_samples s WHERE s.kind = 'device'
 *    AND s.datetime BETWEEN (SELECT min(datetime_start) FROM trials WHERE study_id = ?)
 *                       AND (SELECT max(datetime_complete) FROM trials WHERE study_id = ?);
 *
 * (With several GPUs avg(util) averages over GPUs too; add `GROUP BY s.device` per GPU.)
 * Each trial's own processes, in one pass: SELECT trial_id, avg(cpu), max(rss_bytes) FROM
 * wakesweep_gpu_samples WHERE kind = 'process' AND trial_id IS NOT NULL AND device IS NULL
 * GROUP BY trial_id (device IS NOT NULL: its GPU memory, max(mem_used_bytes)). */
#ifndef WS_GPU_SAMPLES_DB_H
#define WS_GPU_SAMPLES_DB_H
#include <signal.h>
#include "core/err.h"
#include "gpu/sample.h"

#define GPU_SAMPLES_TABLE "wakesweep_gpu_samples"
#define GPU_PID_ATTR_KEY "wakesweep:pid"   /* trial system attribute holding a trial's pid */
#define GPU_HOST_ATTR_KEY "wakesweep:host" /* ... and the host it runs on (a JSON string) */
#define GPU_START_ATTR_KEY "wakesweep:pid_start" /* ... and when that process started (clock ticks) */
/* The RUNNING trials' pids, with the host and the start time the trainer recorded beside them
 * (NULL where none): trial_id, number, and the three attributes' value_json. The same text for
 * SQLite (samples_db.c) and PostgreSQL (samples_pg.c). */
#define GPU_RUNNING_PIDS_SQL \
    "SELECT t.trial_id, t.number, a.value_json, h.value_json, b.value_json FROM trial_system_attributes AS a" \
    " JOIN trials AS t ON t.trial_id = a.trial_id" \
    " LEFT JOIN trial_system_attributes AS h ON h.trial_id = a.trial_id AND h.key = '" GPU_HOST_ATTR_KEY "'" \
    " LEFT JOIN trial_system_attributes AS b ON b.trial_id = a.trial_id AND b.key = '" GPU_START_ATTR_KEY "'" \
    " WHERE a.key = '" GPU_PID_ATTR_KEY "' AND t.state = 'RUNNING'"

typedef struct gpu_samples_db gpu_samples_db;

#define GPU_SAMPLES_BUSY_TIMEOUT_MS 30000   /* the default wait for another connection's lock */

/* Opens the study of a --db URL (gpu_samples_db_file) through the study store, as every study tool
 * opens it (ws_store_open_wait with WS_STORE_NO_SCHEMA: the file made when missing, WAL and
 * synchronous=NORMAL), with a busy timeout of busy_timeout_ms (>= 0), and creates the samples
 * table if needed. Creates none of Optuna's tables; refuses (WS_EINPUT, before writing anything)
 * a study file the store refuses (another schema version, an alembic revision Optuna 3.1
 * refuses), in the store's words. NULL with e filled. A wait for a lock, here and in
 * every later call, ends at once when *stop (NULL: none; a signal's flag) is set, failing the call
 * that waited: a stop must not wait out another connection's transaction, also not while the file
 * is opened. */
gpu_samples_db *gpu_samples_db_open(const char *url, int busy_timeout_ms, const volatile sig_atomic_t *stop,
                                    ws_err *e);
/* The SQLite file that holds a study's samples, from a --db URL (a path or sqlite:///path); a
 * PostgreSQL URL as it is (its database holds them); NULL with WS_EINPUT for a URL that names no
 * file (see the function). A PostgreSQL study is opened with a server that does not answer: the
 * open tries it once, and each flush again (gpu_samples_db_next_note says when it went away and
 * came back); a URL, database or schema that the tools refuse is refused (WS_EINPUT). */
const char *gpu_samples_db_file(const char *url, ws_err *e);
/* For messages: the file, or the URL without its password. */
const char *gpu_samples_db_path(const gpu_samples_db *db);
/* A note to print (NULL: none), once: a PostgreSQL server that stopped answering (*loud = 1:
 * printed even with --quiet, as samples may be lost) or answers again (*loud = 0). Valid until
 * the next call. */
const char *gpu_samples_db_next_note(gpu_samples_db *db, int *loud);
/* Why the samples that gpu_samples_db_expire dropped were not stored, for the count at the end:
 * "another connection held the file's lock"; on PostgreSQL "the database server did not answer"
 * and/or "another connection held a lock". */
const char *gpu_samples_db_lost_why(const gpu_samples_db *db);
void gpu_samples_db_close(gpu_samples_db *db);
/* Adds the pids of RUNNING trials (trial system attribute GPU_PID_ATTR_KEY, a JSON integer) to
 * the watched processes of s, with their trial number and id. A file without Optuna's tables yet
 * adds nothing. */
int gpu_samples_db_watch_trials(gpu_samples_db *db, gpu_sample *s, ws_err *e);

/* Writing samples while another connection may hold the file's lock: each sample is queued, and
 * every flush writes all the queued ones, oldest first, in one short transaction (all or none:
 * none is lost or written twice), waiting for the lock no longer than the caller can wait (until
 * the next sample is due). A sample that has waited the busy timeout is dropped by
 * gpu_samples_db_expire. So a lock held for a while delays the rows, not the sampling. */

/* Queues a copy of s, taken at monotonic time mono_s: 0, or -1 when out of memory. The queue
 * holds at most the samples of one busy timeout, its slots' buffers kept for reuse. */
int gpu_samples_db_queue(gpu_samples_db *db, const gpu_sample *s, double mono_s, ws_err *e);
/* Writes the queued samples' rows, numbering them on from the newest in the file, waiting for
 * another connection's lock until monotonic time until_s at most (not at all once *stop is
 * set): 0 when the queue is empty after it, 1 when the lock was not had (the samples stay
 * queued, none written), -1 on another error (e filled; they stay queued). */
int gpu_samples_db_flush(gpu_samples_db *db, double until_s, ws_err *e);
/* Drops the oldest queued sample when it has waited the busy timeout at monotonic time now_s
 * (any queued sample once *stop is set): 1 with e saying "PATH: sample of DATETIME (t=EPOCH)
 * not stored: database is locked (for more than N s)" (or "(stopped while waiting for it)"; a
 * PostgreSQL server that did not answer at the last try: "the database server does not answer");
 * else 0. Call it until 0 after a flush that answered 1. */
int gpu_samples_db_expire(gpu_samples_db *db, double now_s, ws_err *e);
/* How many samples are queued; when the newest queued one will have waited the busy timeout
 * (monotonic s; -inf when none is queued). */
size_t gpu_samples_db_queued(const gpu_samples_db *db);
double gpu_samples_db_deadline(const gpu_samples_db *db);
/* 1 when the file's path no longer names the file open (deleted, or another renamed over it:
 * ws_sqlite_moved, the study's writers' check too), else 0. Writing on would store rows where no one finds them, or
 * into a WAL that the new file's next reader takes for its own: close the connection instead
 * (SQLite checkpoints no moved file on close). */
int gpu_samples_db_moved(gpu_samples_db *db);

#endif
