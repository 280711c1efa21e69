/* sampler.h — the sampler interface: given the search space and the study's history (every
 * trial with its state, params, value and intermediate values; RUNNING ones included so that a
 * constant liar can see them), choose values for the parameters of one new trial.
 * Reproducible: the same config, seed and history give the same suggestion.
 *
 * The study config's "sampler" object ("wakesweep" default / "optuna" mode default):
 *   name                 "tpe" | "random"                                   "tpe"
 *   seed                 study seed (integer >= 0)
 *   mode                 "wakesweep" | "optuna" (Optuna 3.1.0's TPESampler)  "wakesweep"
 *   n_startup_trials     random until this many COMPLETE+PRUNED trials        5 / 10
 *   n_ei_candidates      candidates drawn from l(x)                          24
 *   multivariate, group  joint kernels; conditional spaces split in groups    true, true / false, false
 *   constant_liar        RUNNING trials count as bad points in g(x)          true / false
 *   liar_weight          their kernels' weight in g(x), in (0, 1]            0.2 / 1
 *   gamma, gamma_max     "below" = min(ceil(gamma n), gamma_max) trials       0.2, 25 / 0.1, 25
 *   weights              "uniform" | "ramp" (Optuna's default_weights)       uniform / ramp
 *   prior_weight         weight of the prior kernel                          1
 *   bandwidth            "neighbour" | "scott"                               neighbour / scott if multivariate
 *                        (neighbour: equal centres ordered as numpy's argsort in the optuna mode,
 *                        as Optuna's np.argsort(mus); by trial in the wakesweep mode)
 *   bandwidth_scale      multiplies observation bandwidths                   0.7 / 1
 *   categorical_smoothing  categorical kernels' spread, Optuna's = 1         2 / 1
 *   shared_clip          g(x)'s bandwidth floor no lower than l(x)'s in      true / false
 *                        groups of a categorical and >= 2 numeric parameters
 *   consider_magic_clip, consider_endpoints                                  true, false
 *   kernel               "mass" | "height" (3.1.0's log-density, optuna#5109) mass / height
 *   log_int_cells        log-int density = mass of the value's cell          true / false
 *   dedup                never repeat another trial's configuration           true / false
 * Unknown keys and bad values are errors naming the field ("kws.json: sampler.gamma: ..."). */
#ifndef WS_SAMPLER_SAMPLER_H
#define WS_SAMPLER_SAMPLER_H
#include <jansson.h>
#include <stdint.h>
#include "core/err.h"
#include "core/rng.h"
#include "space/space.h"
#include "store/trial.h"

struct ws_pruner_cfg;

/* What samplers and pruners see of a study. */
typedef struct {
    const char *study_name;
    int direction;                 /* WS_MINIMIZE (-1) or WS_MAXIMIZE (+1) */
    const ws_trial_list *trials;   /* all trials of the study except the one being decided on,
                                      sorted by number */
    /* Optional, for ws_sampler_suggest: the study's pruner and the number of the trial being
     * sampled. With a hyperband pruner the sampler sees only the trials of that trial's bracket
     * (Optuna's _BracketStudy). NULL: the whole history. */
    const struct ws_pruner_cfg *pruner;
    int number;
    /* Set by ws_pruner_history_view when it keeps one bracket: every trial of the study, for
     * what must see all of them (TPE's dedup: a configuration a trial of another bracket holds
     * is still one another trial holds). NULL: trials is every trial. */
    const ws_trial_list *all_trials;
} ws_history;

/* TPE variants: wakesweep's (the default; tuned on tests/bench/sampler) or Optuna 3.1's. */
enum { WS_TPE_WAKESWEEP = 0, WS_TPE_OPTUNA = 1 };
enum { WS_WEIGHTS_RAMP = 0, WS_WEIGHTS_UNIFORM = 1 };

typedef struct {
    char name[16];                 /* "random" or "tpe" */
    int has_seed;
    uint64_t seed;                 /* study seed; each trial draws from mix(seed, number) */
    int mode;                      /* "mode": "wakesweep" (default) or "optuna" (3.1 semantics) */
    long n_startup_trials;         /* TPE: random until this many COMPLETE+PRUNED trials (10) */
    long n_ei_candidates;          /* TPE: candidates drawn from l(x) */
    int multivariate;              /* TPE: joint kernels over the shared space */
    int constant_liar;             /* TPE: running trials count as bad observations */
    int group;                     /* TPE multivariate: split conditional spaces into groups */
    double prior_weight;           /* TPE: weight of the prior kernel (1.0) */
    int consider_magic_clip;       /* TPE: lower bound on bandwidths (true) */
    int consider_endpoints;        /* TPE: endpoints in bandwidths (false) */
    /* Knobs beyond Optuna's (defaults depend on the mode; see sampler.c) */
    double gamma;                  /* fraction of finished trials in "below": ceil(gamma n) */
    long gamma_max;                /* ... capped at this (25) */
    int bandwidth;                 /* ws_bandwidth: "neighbour" or "scott" */
    double bandwidth_scale;        /* multiplies observation bandwidths (1) */
    int weights;                   /* WS_WEIGHTS_RAMP (Optuna's default_weights) or UNIFORM */
    int log_int_cells;             /* log-int density as the mass of its cell (1) or continuous */
    int dedup;                     /* avoid repeating a configuration another trial holds */
    double categorical_smoothing;  /* categorical kernels' spread, in units of Optuna's (1) */
    int shared_clip;               /* g(x) at least l(x)'s magic clip in mixed groups; see tpe.c */
    double liar_weight;            /* weight of a RUNNING trial's kernel in g(x) (1: Optuna) */
    int kernel_heights;            /* "kernel": "mass" (0), "height" (1, Optuna 3.1.0's log-density),
                                      "height_all" (2, stepped parameters too); see parzen.h */
    /* Not from the config: suggest --fixed's values, which make the sampler Optuna's
     * PartialFixedSampler around this one. It takes them out of TPE's relative search space, so
     * in every mode they stay out of the joint kernels. Values queued (fixed_params) are not
     * here: Optuna's relative sampling draws those with the rest, then lets the queued value win. */
    const ws_param *partial_fixed;
    size_t n_partial_fixed;
} ws_sampler_cfg;

/* Parses the study config's "sampler" object (NULL → defaults: wakesweep's TPE). Errors name
 * the field ("kws.json: sampler.gamma: ..."). */
int ws_sampler_parse(ws_sampler_cfg *cfg, const json_t *obj, const char *where, ws_err *e);
/* What a config file's "sampler" must pass besides ws_sampler_parse: the random sampler takes
 * no option but its seed (as Optuna's RandomSampler); a TPE option there would be ignored. A
 * study's kept config is read without it, so that one kept before the check stays readable. */
int ws_sampler_check_file(const json_t *obj, const char *where, ws_err *e);

/* Chooses values for every active parameter of sp that *params does not already hold (fixed or
 * enqueued values stay as given and count as parents for conditional parameters). Appends to
 * *params (realloc'd; each entry owns its name and dist). Then, as in Optuna (a fixed value is
 * used only when the objective suggests that parameter), drops the given values of parameters
 * of sp that are inactive under the trial's final values; names outside sp stay. `seed` is the
 * trial's own seed. When h->pruner is a hyperband pruner, only the trials of
 * bracket(h->number) are seen. */
int ws_sampler_suggest(const ws_sampler_cfg *cfg, const ws_space *sp, const ws_history *h,
                       uint64_t seed, ws_param **params, size_t *n_params, ws_err *e);

/* Draws one value of d uniformly (log-uniformly when d->log), on d's step grid. Shared by the
 * random sampler and TPE's start-up phase. */
double ws_sample_uniform(const ws_dist *d, ws_rng *rng);
/* Whether params[k] is a parameter of sp that is inactive given params[0..n). */
int ws_sampler_inactive(const ws_space *sp, const ws_param *params, size_t n, size_t k);
/* Removes (and frees) the params of sp that are inactive given the others; -1: out of memory. */
int ws_sampler_drop_inactive(const ws_space *sp, ws_param *params, size_t *n);
/* Appends one param (copies name and dist) to a params array. */
int ws_sampler_append(ws_param **params, size_t *n, const char *name, const ws_dist *d, double internal, ws_err *e);

/* The random sampler: every missing active parameter drawn by ws_sample_uniform. */
int ws_random_suggest(const ws_space *sp, uint64_t seed, ws_param **params, size_t *n_params, ws_err *e);
/* The TPE sampler on an already filtered history (ws_sampler_suggest dispatches here). */
int ws_tpe_suggest(const ws_sampler_cfg *cfg, const ws_space *sp, const ws_history *h,
                   uint64_t seed, ws_param **params, size_t *n_params, ws_err *e);

/* TPE's ranking of a history (for tests and reports): for each trial of h->trials, 1 when it
 * falls in "below" (the good set l(x) is built from), 0 in "above", -1 when TPE ignores it
 * (FAIL, WAITING, RUNNING without the liar). *n_finished gets the COMPLETE+PRUNED count. */
int ws_tpe_split_history(const ws_sampler_cfg *cfg, const ws_history *h, int *below, size_t *n_finished, ws_err *e);

#endif
