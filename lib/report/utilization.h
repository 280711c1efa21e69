/* utilization.h — how busy the accelerator (or, without a GPU, the CPUs) was while the study's
 * trials ran, from gpu-monitor's samples in the study file (table wakesweep_gpu_samples, see
 * lib/gpu/samples_db.h for its schema and the queries used here). Read-only: the file is opened
 * with SQLITE_OPEN_READONLY beside the store's own connection; a PostgreSQL study's samples
 * (lib/gpu/samples_pg.h) are read into a SQLite copy of that layout (utilization_pg.h),
 * where a GPU is its host and index.
 *
 * The device rows are those of one source, the one with the most rows in the sweep's window
 * (NVML's GPU busy % and /proc's CPU busy % do not average); the others' samples are counted.
 * With NVML, only the GPUs that the study's trials ran on (process rows tied to its trials),
 * where any is known; the others are named.
 *
 *   per trial: mean `util` of the device rows whose datetime lies in [datetime_start, its end]
 *              (ws_trial_end; a RUNNING trial: up to the last sample), and of its own
 *              processes (rows tied to its trial_id) the mean CPU % of one core and the largest RSS;
 *   the sweep: mean `util` of the device rows from the first trial's start to the last
 *              trial's end (to the last sample while a trial is RUNNING);
 *   the series: the device rows of that window averaged per sample, then into at most
 *              WS_UTIL_POINTS equal time buckets, for the plot.
 * Trial datetimes (the trainer's local time) are read in the sweep's time zone, as the samples'
 * datetime and t tell it, also where the report runs in another.
 * Also each trial's last heartbeat (Optuna's trial_heartbeats, as the store reads it:
 * ws_store_trial_heartbeats), which tells how far a RUNNING trial has got. */
#ifndef WS_REPORT_UTILIZATION_H
#define WS_REPORT_UTILIZATION_H
#include <stdint.h>
#include "core/err.h"
#include "store/trial.h"

#define WS_UTIL_POINTS 400

typedef struct {
    int present;            /* the samples table exists in the file */
    char source[8];         /* "nvml" (GPU busy %) or "proc" (CPU busy %); "" when no samples */
    long n_samples;         /* samples (of all devices together) in the sweep's window */
    long n_readings;        /* device rows in the sweep's window (one per device per sample) */
    long n_util;            /* those with a util: a GPU that reports no utilization writes null */
    long n_other;           /* samples in the window from another source than `source`: not in the means */
    char other_source[8];   /* the most common of those sources ("" when none) */
    long n_unused;          /* GPUs in the window that no trial of the study ran on: not in the means */
    char unused_devices[64]; /* their indices, "0, 3" (cut with "...") */
    double sweep_mean;      /* %; NaN when no samples */
    double *trial_mean;     /* [n_trials] mean util % while the trial ran; NaN when no samples */
    long *trial_n;          /* [n_trials] device rows in its window */
    double *trial_cpu;      /* [n_trials] its own processes: mean % of one core; NaN when none */
    double *trial_rss;      /* [n_trials] its own processes: largest RSS in bytes; NaN when none */
    double *trial_beat;     /* [n_trials] last heartbeat (epoch s); NaN when none */
    double *t, *util;       /* [n] the series: bucket time (epoch s), mean util % */
    size_t n;
} ws_utilization;

/* Reads the samples for the trials of study `study_id` (trials as loaded from that study), and
 * puts their heartbeats `beats` (instants, ws_store_trial_heartbeats; NULL: none) into the
 * trials' wall time (trial_beat). A file without the samples table gives present = 0 and no
 * error. */
int ws_utilization_load(ws_utilization *u, const char *db_path, int64_t study_id, const ws_trial_list *trials,
                        const double *beats, ws_err *e);
/* Without samples (no study file, or samples that cannot be read): the heartbeats alone, put into the trials' wall time as
 * the heartbeats bound the shift; every other field as with no samples. */
int ws_utilization_beats(ws_utilization *u, const ws_trial_list *trials, const double *beats, ws_err *e);
void ws_utilization_release(ws_utilization *u);
/* When trial t stopped running (epoch s): its datetime_complete; for a trial failed by another
 * process once its own had stopped (WS_ATTR_DIED: reaped, or stale), its last heartbeat `beat`
 * where known and earlier, as the next make sweep may find it dead hours later. NaN while it
 * runs. */
double ws_trial_end(const ws_trial *t, double beat);
/* "GPU" for nvml samples, "CPU" for /proc ones, "GPU or CPU" for another source or none. */
const char *ws_utilization_what(const ws_utilization *u);

#endif
