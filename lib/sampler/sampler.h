/* sampler.h — the sampler interface: given the search space and the study's history (every
 * trial with its state, params, value and intermediate values; RUNNING ones included so that a
 * constant liar can see them), choose values for the parameters of one new trial.
 * Reproducible: the same config, seed and history give the same suggestion. */
#ifndef WS_SAMPLER_SAMPLER_H
#define WS_SAMPLER_SAMPLER_H
#include <jansson.h>
#include <stdint.h>
#include "core/err.h"
#include "core/rng.h"
#include "space/space.h"
#include "store/trial.h"

/* What samplers and pruners see of a study. */
typedef struct {
    const char *study_name;
    int direction;                 /* WS_MINIMIZE (-1) or WS_MAXIMIZE (+1) */
    const ws_trial_list *trials;   /* all trials of the study except the one being decided on */
} ws_history;

typedef struct {
    char name[16];                 /* "random" or "tpe" */
    int has_seed;
    uint64_t seed;                 /* study seed; each trial draws from mix(seed, number) */
    long n_startup_trials;         /* TPE: random until this many COMPLETE+PRUNED trials (10) */
    long n_ei_candidates;          /* TPE: candidates drawn from l(x) (24) */
    int multivariate;              /* TPE: joint kernels over the shared space */
    int constant_liar;             /* TPE: running trials count as bad observations */
    int group;                     /* TPE multivariate: split conditional spaces into groups */
    double prior_weight;           /* TPE: weight of the prior kernel (1.0) */
    int consider_magic_clip;       /* TPE: lower bound on bandwidths (true) */
    int consider_endpoints;        /* TPE: endpoints in bandwidths (false) */
} ws_sampler_cfg;

/* Parses the study config's "sampler" object (NULL → defaults: TPE with Optuna's defaults). */
int ws_sampler_parse(ws_sampler_cfg *cfg, const json_t *obj, const char *where, ws_err *e);

/* Chooses values for every active parameter of sp that *params does not already hold (fixed or
 * enqueued values stay as given and count as parents for conditional parameters). Appends to
 * *params (realloc'd; each entry owns its name and dist). `seed` is the trial's own seed. */
int ws_sampler_suggest(const ws_sampler_cfg *cfg, const ws_space *sp, const ws_history *h,
                       uint64_t seed, ws_param **params, size_t *n_params, ws_err *e);

/* Draws one value of d uniformly (log-uniformly when d->log), on d's step grid. Shared by the
 * random sampler and TPE's start-up phase. */
double ws_sample_uniform(const ws_dist *d, ws_rng *rng);
/* Appends one param (copies name and dist) to a params array. */
int ws_sampler_append(ws_param **params, size_t *n, const char *name, const ws_dist *d, double internal, ws_err *e);

#endif
