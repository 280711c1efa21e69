/* analysis.h — what the report adds to the ranked trials: parameter importance (PED-ANOVA),
 * utilization from gpu-monitor's samples, and where the time went — the trials laid out on
 * parallel slots and the sweep's capacity split into setup, train, eval, other, unmeasured and
 * idle. Built once by the tool and attached to the summary (ws_summary.an), so the text, CSV,
 * JSON and HTML forms all print the same numbers.
 *
 * Slots: trials are taken by start time (then number) and each goes to the lowest slot that is
 * free at its start (its previous trial completed at or before). A RUNNING trial occupies its
 * slot up to its last heartbeat (as far as it is known to have got). Capacity = slots × wall
 * time (first start to last completion or heartbeat); busy = the trials' own wall times (start to completion, as the store records them);
 * idle = capacity − busy. A trial's "seconds" user attribute (written by train-trial) splits its
 * time into setup, train and eval; the rest of its wall time is "other" (process start,
 * suggest, study writes, checkpoints). Trials without it (told by another trainer) count as
 * "unmeasured". A trial that grew (train-trial --grow-threads: its "grown" seconds on
 * "grow_threads" instead of "threads") trained on the cores of slots that were idle then:
 * "grown" = grown × (grow_threads / threads − 1) slot-seconds, taken from the idle time of the
 * sweep as a whole (which slot lent them is not recorded, so per slot they stay idle). */
#ifndef WS_REPORT_ANALYSIS_H
#define WS_REPORT_ANALYSIS_H
#include <jansson.h>
#include "core/err.h"
#include "report/importance.h"
#include "report/utilization.h"
#include "store/trial.h"

struct ws_summary;
struct ws_config;

typedef struct {
    double t0, t1;        /* epoch s; t1 of a RUNNING trial: its last heartbeat; NaN: never started */
    int open;             /* started and not completed */
    int slot;             /* 0-based; -1 when not on the timeline */
    int measured;         /* has the "seconds" user attribute */
    double setup_s, train_s, eval_s, total_s;   /* from it; NaN when not measured */
    double grown_s;       /* slot-seconds taken from idle slots by growing; 0 when it did not */
} ws_trial_time;

typedef struct {
    size_t trials;
    double busy_s, setup_s, train_s, eval_s, other_s, unmeasured_s;
} ws_slot_time;

typedef struct ws_analysis {
    const struct ws_config *cfg;   /* borrowed; NULL for a study created elsewhere (e.g. Optuna) */
    json_t *names;                 /* all parameter names, in ws_param_order's order */
    ws_importance imp;
    ws_utilization util;
    char util_note[1200];          /* why there is no utilization ("no samples", a read error), or that util is null in some rows */
    ws_trial_time *tt;             /* [n trials] by index in the trial list */
    size_t n_slots;
    ws_slot_time *slots;           /* [n_slots] */
    ws_slot_time all;              /* summed over the slots */
    double t_begin, t_end;         /* epoch s; NaN when no trial started */
    double wall_s, capacity_s, idle_s;
    double grown_s;                /* slot-seconds of idle slots that grown trials trained on */
    size_t n_measured;             /* trials with the "seconds" attribute */
    char time_note[160];           /* why no trial has any time (none started, none finished, each took 0 s):
                                    * set whenever all.busy_s is 0 (so with no capacity too); else empty */
} ws_analysis;

/* Builds the analysis of a summary. db_path and study_id locate gpu-monitor's samples; a
 * failure to read them is no error: util_note says what happened (and the tool may warn).
 * beats: the trials' last heartbeats (ws_store_trial_heartbeats; NULL: none). */
int ws_analysis_build(ws_analysis *a, const struct ws_summary *s, const struct ws_config *cfg, const char *db_path,
                      int64_t study_id, const double *beats, ws_err *e);
void ws_analysis_release(ws_analysis *a);

/* JSON parts (see report(1)): "importance", "utilization", "time"; and the per-trial fields
 * "slot", "seconds", "metrics", "util_mean", "cpu_mean", "rss_max_bytes" added to obj. */
json_t *ws_analysis_importance_json(const ws_analysis *a);
json_t *ws_analysis_utilization_json(const ws_analysis *a);
json_t *ws_analysis_time_json(const ws_analysis *a);
void ws_analysis_trial_json(const ws_analysis *a, const ws_trial_list *trials, size_t i, json_t *obj);
/* Per-trial utilization (NaN when none). */
double ws_analysis_util(const ws_analysis *a, size_t i);

#endif
