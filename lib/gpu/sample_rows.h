/* sample_rows.h — the rows of the samples table (GPU_SAMPLES_TABLE, schema in samples_db.h) that
 * one sample makes, as plain values: one description of which rows a sample gives and what each
 * holds, for the SQLite file (samples_db.c) and the PostgreSQL database (samples_pg.c) alike. */
#ifndef WS_GPU_SAMPLE_ROWS_H
#define WS_GPU_SAMPLE_ROWS_H
#include "gpu/sample.h"

/* One row, but for the columns every row of a sample shares (sample, t, datetime, source, host).
 * Unknown or not this kind's: NaN (reals), -1 (integers, device), NULL (texts), 0 (pid). */
typedef struct {
    const char *kind;            /* "device" or "process" */
    int device;                  /* NVML index; -1: NULL */
    const char *name;            /* device: the GPU's name */
    double util, mem_util, power_w, temp_c, sm_clock_mhz, cpu;
    long long mem_used_bytes, mem_total_bytes, rss_bytes, trial_id;
    long pid;
} gpu_sample_row;

/* "nvml" or "proc": the source column. */
const char *gpu_sample_source_name(const gpu_sample *s);
/* Calls row(r, ctx) for each row of s, in the order they are written (per GPU its device row,
 * then its processes; the watched processes last); stops at the first that does not return 0
 * and returns what it returned. */
int gpu_sample_rows(const gpu_sample *s, int (*row)(const gpu_sample_row *r, void *ctx), void *ctx);

#endif
