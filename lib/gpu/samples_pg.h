/* samples_pg.h — gpu-monitor's samples in a PostgreSQL study database (samples_db.c forwards a
 * postgresql:// --db here). The table is the SQLite file's (samples_db.h) with PostgreSQL's types
 * and one column more, host: on a cluster each node's monitor writes into the one database, and
 * a GPU is told by (host, device). Sample numbers come from a sequence, so that monitors on
 * several nodes never share one:
 *
 *   CREATE TABLE wakesweep_gpu_samples (
 *     row_id BIGSERIAL PRIMARY KEY, sample BIGINT NOT NULL, t DOUBLE PRECISION NOT NULL,
 *     datetime TEXT NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL, device INTEGER, name TEXT,
 *     util, mem_util DOUBLE PRECISION, mem_used_bytes, mem_total_bytes BIGINT,
 *     power_w, temp_c, sm_clock_mhz DOUBLE PRECISION, pid, trial_id BIGINT, cpu DOUBLE PRECISION,
 *     rss_bytes BIGINT,
 *     host TEXT NOT NULL);                      -- gethostname(2) of the monitor that took it
 *   sequence wakesweep_gpu_samples_sample_seq; index (t) (report reads a study's time window)
 *
 * A server that does not answer (down, restarting, a node cut off) never stops sampling: the
 * connection is tried once at the open (up to connect_timeout, as every tool's, but without
 * waiting in libpq, so that a stop ends it at once) and again at each write, not waited for: begun
 * there without waiting in libpq, driven until the next sample is due and carried on at the next
 * write, closed after connect_timeout; a statement the server does not answer (stalled, or the
 * network cut without a reset; the store's on a new connection too, through ws_store_wait's
 * pg_answer_until_s) is given up, with its connection, when the next sample is due (2 s at
 * least); what is not written stays queued in samples_db.c and is dropped, said, after
 * WS_MONITOR_BUSY_S. A write whose COMMIT went
 * unanswered is asked after (txid_status) before its samples are written again. */
#ifndef WS_GPU_SAMPLES_PG_H
#define WS_GPU_SAMPLES_PG_H
#include <signal.h>
#include <stddef.h>
#include "core/err.h"
#include "gpu/sample.h"

typedef struct gpu_samples_pg gpu_samples_pg;

/* Opens the study database of url (WS_STORE_NO_SCHEMA: Optuna's tables are not made, a database
 * with them is checked as every tool checks it) and makes the samples table when missing. NULL
 * with e filled when it is refused (WS_EINPUT: a URL no wait mends, no such database, a schema
 * the tools refuse, a table of that name that is not gpu-monitor's) or out of memory. A server
 * that does not answer is no failure: *down (when not NULL) is then set to 1 and e says why;
 * later calls try again; so is a lock another session held past the connection's lock_timeout
 * (the study's indexes made behind a write on trials, the samples table locked): *down 2. A
 * stop (*stop set) while the first connection waits ends it at once: NULL, WS_EINTERNAL
 * ("stopped while the database server did not answer"). */
gpu_samples_pg *gpu_samples_pg_open(const char *url, const volatile sig_atomic_t *stop, int *down, ws_err *e);
void gpu_samples_pg_close(gpu_samples_pg *p);
/* The URL without its password, for messages. */
const char *gpu_samples_pg_path(const gpu_samples_pg *p);
/* Each RUNNING trial's pid as Optuna's tables hold it: row(ctx, trial_id, number, pid_json,
 * host_json, start_json) (the last two NULL where not recorded) until one returns non-zero.
 * Nothing while the server does not answer (or before Optuna's tables exist): 0. */
int gpu_samples_pg_running(gpu_samples_pg *p,
                           int (*row)(void *ctx, long long trial_id, long number, const char *pid_json,
                                      const char *host_json, const char *start_json),
                           void *ctx, ws_err *e);
/* Writes the rows of samples[0..n) in one transaction, waiting for another connection's lock
 * until monotonic time until_s at most, and for the server's answers until then (2 s at least): 0 written; 1 not written, the server not answering (where there is
 * no connection, one begun or carried on until until_s itself, but not after a stop: *stop set;
 * where it is not made by then, left pending for the next call) or a lock
 * held (*busy 1 for that, else 0), e saying why; -1 another error. */
int gpu_samples_pg_write(gpu_samples_pg *p, const gpu_sample *const *samples, size_t n, double until_s, int *busy,
                         ws_err *e);

#endif
