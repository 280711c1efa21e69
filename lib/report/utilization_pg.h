/* utilization_pg.h — gpu-monitor's samples of a PostgreSQL study (lib/gpu/samples_pg.h), copied
 * into a private SQLite database in the SQLite file's layout, so that utilization.c reads them
 * with the same queries as a study file's: one reading of the samples for both. The database is
 * a temporary file (SQLite's, in $TMPDIR, deleted as it is made), so that the copy takes disk and
 * not memory; where that file cannot be written, in memory. */
#ifndef WS_REPORT_UTILIZATION_PG_H
#define WS_REPORT_UTILIZATION_PG_H
#include <sqlite3.h>
#include <stdint.h>
#include "core/err.h"
#include "store/trial.h"

#define WS_UTIL_HOST_SHIFT 16   /* a copied device is its host's number << this, + its NVML index */

typedef struct {
    sqlite3 *db;     /* the copy: GPU_SAMPLES_TABLE (none when the study's database has none) and
                      * trials (trial_id, study_id, datetime_start) of the study's trials */
    char *shown;     /* the URL without its password, for messages */
    char **hosts;    /* [n_hosts] the hosts whose samples were copied, by their number */
    size_t n_hosts;
} ws_util_pg;

/* Copies the samples of the study's time window (its trials' starts to their ends, with two days'
 * leeway for the zone shift utilization.c finds) from the database of url. With several hosts,
 * each copied device is (host number << WS_UTIL_HOST_SHIFT) + its index, so that GPU 0 of one
 * node is not GPU 0 of another; with one, the index as it is. Rows are numbered (row_id) from 1 in
 * the database's order. 0, or -1 with e set (c released). */
int ws_util_pg_copy(ws_util_pg *c, const char *url, int64_t study_id, const ws_trial_list *trials, ws_err *e);
void ws_util_pg_release(ws_util_pg *c);

#endif
