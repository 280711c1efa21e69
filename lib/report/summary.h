/* summary.h — what report shows of a study: trials ranked best first (COMPLETE feasible by
 * value, then infeasible, PRUNED by how far they got, RUNNING, WAITING, FAIL), the best trial,
 * counts per state, and each trial as a JSON object. The text, CSV, JSON and HTML forms are all
 * rendered from this one summary, so they give the same numbers. */
#ifndef WS_REPORT_SUMMARY_H
#define WS_REPORT_SUMMARY_H
#include <jansson.h>
#include <stdio.h>
#include "core/err.h"
#include "core/text.h"   /* ws_plural */
#include "store/trial.h"

struct ws_analysis;

typedef struct ws_summary {
    const char *study;
    int direction;               /* WS_MINIMIZE / WS_MAXIMIZE */
    const ws_trial_list *trials; /* as loaded (by number) */
    size_t *order;               /* indices into trials, best first */
    const ws_trial *best;        /* best feasible COMPLETE trial, else NULL */
    size_t n_state[5];           /* count per ws_state */
    int constrained;             /* some trial carries constraint values (see ws_trial_feasible) */
    int steps_per_epoch;         /* intermediate values an epoch (budget.validations_per_epoch; 1) */
    int fine_epochs;             /* budget.fine_epochs: only these first epochs have them all (0: every one) */
    const int *fine_steps;       /* budget.fine_steps: in those epochs only these steps and the ends */
    int n_fine_steps;            /* (0: every step) */
    const struct ws_analysis *an; /* importance, utilization, time (analysis.h); NULL: left out */
} ws_summary;

int ws_summary_build(ws_summary *s, const char *study, int direction, const ws_trial_list *trials, ws_err *e);
void ws_summary_release(ws_summary *s);
/* Why there is no best trial ("no complete trial is feasible", "no trial has completed yet",
 * "no complete trial has a value (each is NaN)"),
 * as every form says it; NULL when there is one. */
const char *ws_summary_why_no_best(const ws_summary *s);
/* The epochs that have every intermediate value under budget.fine_epochs, in words ("the first
 * epoch", "the first 3 epochs"), for the learning curves' captions; "" without fine_epochs. */
void ws_summary_fine_epochs_text(const ws_summary *s, char *buf, size_t n);
/* budget.fine_steps in words ("steps 1, 4 and the end of every epoch"), at most the first 8; "" without.
 * The steps lie in the fine epochs (counted from the start of training) and every epoch validates
 * at its end, so the words are the whole schedule: no "in the first epochs" goes after them. */
void ws_summary_fine_steps_text(const ws_summary *s, char *buf, size_t n);
/* Feasible iff no constraint value (system attr "constraints") is > 0 or not a number (a bool
 * is 0 or 1: ws_constraint_value); in a
 * study with constraints (s->constrained) a trial without constraint values is not feasible. */
int ws_trial_feasible(const ws_summary *s, const ws_trial *t);
/* The complete trials that are not feasible: how many break a constraint (*broken) and how many
 * have no constraint values in a study whose trials carry them (*none: a trial told without
 * --constraint), so that the report says which, not that the second kind breaks one. */
void ws_summary_infeasible(const ws_summary *s, size_t *broken, size_t *none);
/* 1 when t has no constraint values, in a study with constraints: infeasible for that alone. */
int ws_trial_no_constraints(const ws_summary *s, const ws_trial *t);
/* A trial's wall time in seconds, as every form shows it (to the microsecond); NaN while it runs. */
double ws_summary_duration_s(const ws_trial *t);
/* {"trial","state","value","params","seed","duration_s","datetime_start","datetime_complete",
 *  "intermediate_values":[[step,value],...],"value_step","reason","constraints"}; value_step: the
 *  step of the intermediate value its value came from (ws_trial_value_iv), or null */
json_t *ws_summary_trial_json(const ws_trial *t);
/* Trial i of the list (by index) with what the analysis adds when s->an is set: "slot",
 * "seconds", "metrics", "util_mean", "cpu_mean", "rss_max_bytes". */
json_t *ws_summary_trial_json_at(const ws_summary *s, size_t i);
/* The whole study as one JSON line on f: {"study","direction","n_trials","states":{...},
 * "best":{...},"trials":[...]}, with s->an also "objective", "importance", "utilization" and
 * "time"; written a trial at a time, so that the memory does not grow with the study's size. 0,
 * or -1 when out of memory or a write failed. */
int ws_summary_json_print(FILE *f, const ws_summary *s);


int ws_report_text(FILE *f, const ws_summary *s);
int ws_report_csv(FILE *f, const ws_summary *s);

#endif
