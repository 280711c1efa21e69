/* pruner.h — the pruner interface: after a trial reports an intermediate value, decide from the
 * study's history whether to stop it (Optuna's should_prune). Shared by prune-check and
 * train-trial. Pruners are pure: what Optuna's pruners write into storage (successive halving's
 * completed_rung_k) comes back in ws_prune_decision.set_system_attrs for the caller to store.
 *
 * Pruners, chosen by the study config's "pruner" object (Optuna 3.1 semantics and defaults):
 *   {"name": "median"|"percentile", "percentile": q (percentile only), "n_startup_trials": 5,
 *    "n_warmup_steps": 0, "interval_steps": 1, "n_min_trials": 1}
 *   {"name": "successive_halving" (or "asha"), "min_resource": "auto"|r, "reduction_factor": 4,
 *    "min_early_stopping_rate": 0, "bootstrap_count": 0}
 *   {"name": "hyperband", "min_resource": 1, "max_resource": "auto"|R, "reduction_factor": 3,
 *    "bootstrap_count": 0}
 *   {"name": "patient", "patience": N, "min_delta": 0, "wrapped": {another pruner} | null}
 *   {"name": "threshold", "lower": x, "upper": y (at least one), "n_warmup_steps": 0,
 *    "interval_steps": 1}
 *   {"name": "nop"}
 * "auto" resources come from the first trial that completed (earliest datetime_complete, then
 * lowest number), as Optuna's pruner objects fix them at their first use in a study. */
#ifndef WS_PRUNER_PRUNER_H
#define WS_PRUNER_PRUNER_H
#include <jansson.h>
#include <stdint.h>
#include "core/err.h"
#include "sampler/sampler.h"   /* ws_history */
#include "store/trial.h"

typedef struct ws_pruner_cfg {
    char name[24];             /* "median", "percentile", "successive_halving", "hyperband",
                                  "patient", "threshold", "nop" */
    /* percentile / median (and the warm-up and interval gates of threshold) */
    double percentile;         /* q in [0, 100]; median is 50 */
    long n_startup_trials;     /* no pruning until this many COMPLETE trials (5) */
    long n_warmup_steps;       /* no pruning before this step (0) */
    long interval_steps;       /* check at most once per interval (1) */
    long n_min_trials;         /* completed trials needed at the step (1) */
    /* successive halving / hyperband */
    long min_resource;         /* r; 0 = "auto" (successive halving only) */
    long max_resource;         /* hyperband R; 0 = "auto" */
    long reduction_factor;     /* eta (4 for successive halving, 3 for hyperband) */
    long min_early_stopping_rate; /* s (successive halving) */
    long bootstrap_count;      /* prune until a rung has more than this many trials (0) */
    /* patient */
    long patience;
    double min_delta;
    struct ws_pruner_cfg *wrapped;  /* owned; NULL: prune as soon as patience runs out */
    /* threshold */
    double lower, upper;       /* -inf / +inf when not given */
} ws_pruner_cfg;

typedef struct {
    int prune;                 /* 1 = stop the trial */
    char reason[256];          /* why, in words, for the JSON line */
    json_t *set_system_attrs;  /* attributes to store on the trial (e.g. completed_rung_k), or NULL */
} ws_prune_decision;

/* Parses the study config's "pruner" object (NULL → Optuna's default, the median pruner).
 * Errors name the field, e.g. "kws.json: pruner.reduction_factor: must be >= 2 (got 1)". */
int ws_pruner_parse(ws_pruner_cfg *cfg, const json_t *obj, const char *where, ws_err *e);
void ws_pruner_cfg_release(ws_pruner_cfg *cfg);
/* Decides for trial `cur` (its intermediate values already include the latest report; its
 * system_attrs hold what earlier decisions set). h holds every other trial of the study. */
int ws_pruner_should_prune(const ws_pruner_cfg *cfg, const ws_history *h, const ws_trial *cur,
                           ws_prune_decision *out, ws_err *e);
void ws_prune_decision_release(ws_prune_decision *d);
/* 1 when the pruner reads the trials' system attributes (the rung values of successive halving
 * and hyperband, also wrapped by patient), so a caller loads them only then: the other pruners
 * read intermediate values alone, and loading every trial's attributes dominates a call. */
int ws_pruner_reads_attrs(const ws_pruner_cfg *cfg);
/* What the pruner reads of the other trials' intermediate values (the trial judged always needs
 * its whole curve), so a caller loads that alone: WS_PRUNER_READS_AT_STEP, each COMPLETE trial's
 * value at the judged trial's last step (median, percentile: Optuna's
 * _get_percentile_intermediate_result_over_trials); WS_PRUNER_READS_LAST, each trial's last
 * (successive halving and hyperband read the first completed trial's last step);
 * WS_PRUNER_READS_NONE, nothing of the other trials (threshold, nop, patient alone; patient
 * reads what its wrapped pruner reads). */
enum { WS_PRUNER_READS_NONE, WS_PRUNER_READS_LAST, WS_PRUNER_READS_AT_STEP };
int ws_pruner_reads_others(const ws_pruner_cfg *cfg);

/* ---- hyperband: brackets, the sampler's view, budgets ---- */

typedef struct {
    int known;                 /* 0 while max_resource is "auto" and no trial has completed */
    int bracket;               /* the trial's bracket (0 when not known) */
    int n_brackets;
    long min_resource, max_resource;
    long first_rung_step;      /* min_resource * eta^bracket: the first step the trial can be pruned at */
} ws_hyperband_info;

/* Where trial `number` of study h->study_name stands under hyperband pruner cfg: bracket =
 * CRC32("{study}_{number}") mod (sum of bracket budgets), walked over the budgets
 * ceil(B eta^s / (s + 1)), s = B-1-b, as Optuna. 0, or -1 when cfg is not hyperband. */
int ws_hyperband_info_get(const ws_pruner_cfg *cfg, const ws_history *h, int number, ws_hyperband_info *out);

/* The history as the sampler (and the pruner) of trial `number` sees it: under a hyperband
 * pruner whose brackets are known, only the trials of the same bracket (Optuna's
 * _BracketStudy); otherwise every trial. view->h is a ws_history like h (pruner field NULL);
 * its trials are shallow copies sharing h's memory: keep h alive, release the view only with
 * ws_history_view_release. cfg may be NULL. */
typedef struct {
    ws_history h;
    ws_trial_list list;
} ws_history_view;
int ws_pruner_history_view(const ws_pruner_cfg *cfg, const ws_history *h, int number, ws_history_view *view, ws_err *e);
void ws_history_view_release(ws_history_view *view);

/* The step budget a pruner gives trial `number`: under hyperband with an explicit
 * max_resource, max_resource (every bracket of Optuna's hyperband runs its survivors to R;
 * brackets differ in where their first rung is), so `suggest` writes the epochs that hold R
 * steps. 0 for every other pruner and for max_resource "auto" (then R is learned from the first
 * trial that completes, so the study's own budget.epochs must stay in charge). A step is one
 * validation: an epoch, or 1/budget.validations_per_epoch of one. */
long ws_pruner_step_budget(const ws_pruner_cfg *cfg, const ws_history *h, int number);
/* The epochs of trial `number`, as suggest writes them in its trial line: hyperband's step budget
 * in whole epochs when it has one, else the config's budget.epochs (0 when it gives none). */
struct ws_config;
int ws_trial_epochs(const struct ws_config *cfg, const ws_pruner_cfg *pruner, const ws_history *h, int number,
                    long *epochs, ws_err *e);

/* ---- internals shared by the pruner files ---- */
int ws_percentile_should_prune(const ws_pruner_cfg *cfg, const ws_history *h, const ws_trial *cur,
                               ws_prune_decision *out);
int ws_threshold_should_prune(const ws_pruner_cfg *cfg, const ws_trial *cur, ws_prune_decision *out);
int ws_patient_should_prune(const ws_pruner_cfg *cfg, const ws_history *h, const ws_trial *cur,
                            ws_prune_decision *out, ws_err *e);
/* Successive halving with explicit parameters (min_resource 0 = auto) on history h. */
int ws_halving_should_prune(long min_resource, long eta, long min_early_stopping_rate, long bootstrap_count,
                            const ws_history *h, const ws_trial *cur, ws_prune_decision *out, ws_err *e);
int ws_hyperband_should_prune(const ws_pruner_cfg *cfg, const ws_history *h, const ws_trial *cur,
                              ws_prune_decision *out, ws_err *e);
/* The step gates of Optuna's PercentilePruner (after its start-up gate) and ThresholdPruner, in
 * their order: a trial that reported no step, a step of the warm-up (n_warmup_steps), a step that
 * is not the first of its interval (interval_steps; _is_first_in_interval_step) is not judged.
 * 1: judge the trial's last step; 0: not, with the reason in out. */
int ws_pruner_judges_step(const ws_pruner_cfg *cfg, const ws_trial *cur, long long step, ws_prune_decision *out);
/* The COMPLETE trial that finished first (earliest t_complete, then number) among those that
 * reported a step; NULL when none. */
const ws_trial *ws_pruner_first_completed(const ws_history *h);
/* zlib's CRC-32 (what Python's binascii.crc32 computes). */
uint32_t ws_crc32(const void *data, size_t n);

#endif
