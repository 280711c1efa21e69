/* sampler.c — sampler config parsing and dispatch, and the random sampler.
 *
 * Two TPE modes share one implementation (tpe.c):
 *   "optuna"    Optuna 3.1.0's TPESampler: univariate unless "multivariate": true, Scott
 *               bandwidths when multivariate, default_weights ramp, gamma = min(ceil(0.1 n), 25),
 *               24 candidates, 10 start-up trials, log-int densities continuous in log space,
 *               and 3.1.0's log-density of continuous kernels ("kernel": "height", optuna#5109;
 *               "kernel": "mass" gives the corrected one of Optuna >= 3.5), no liar.
 *   "wakesweep" the default: the same algorithm with the settings that won on
 *               tests/bench/sampler (see results in its README), the constant liar on
 *               (parallel make jobs are the normal case) and no repeated configurations.
 * Every knob can still be set explicitly in either mode. */
#include "sampler/sampler.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "pruner/pruner.h"
#include "sampler/parzen.h"

static void defaults(ws_sampler_cfg *cfg, int mode)
{
    cfg->mode = mode;
    cfg->prior_weight = 1.0;
    cfg->consider_magic_clip = 1;
    cfg->consider_endpoints = 0;
    cfg->n_ei_candidates = 24;
    cfg->gamma_max = 25;
    cfg->categorical_smoothing = 1.0;
    cfg->bandwidth_scale = 1.0;
    cfg->liar_weight = 1.0;
    if (mode == WS_TPE_OPTUNA) {
        /* TPESampler() of Optuna 3.1.0 */
        cfg->n_startup_trials = 10;
        cfg->gamma = 0.1;
        cfg->multivariate = 0;
        cfg->group = 0;
        cfg->constant_liar = 0;
        cfg->weights = WS_WEIGHTS_RAMP;
        cfg->log_int_cells = 0;
        cfg->dedup = 0;
        cfg->kernel_heights = 1;
        cfg->shared_clip = 0;
    } else {
        /* chosen on tests/bench/sampler (see its README): joint kernels with per-dimension
         * neighbour bandwidths narrowed to 0.7, a larger "below" set (gamma 0.2), equal weights
         * for old and new trials, smoother categorical kernels (no lock-in on an early
         * choice) and, where a categorical shares a joint kernel with numeric parameters, g(x)
         * no narrower than l(x) (shared_clip: keeps TPE trying the other choices), 5 random
         * start-up trials; the liar (RUNNING trials in g(x) at a fifth of a
         * finished trial's weight: enough to keep workers apart, without walling off the best
         * region) and dedup for parallel workers */
        cfg->n_startup_trials = 5;
        cfg->gamma = 0.2;
        cfg->multivariate = 1;
        cfg->group = 1;
        cfg->constant_liar = 1;
        cfg->liar_weight = 0.2;
        cfg->bandwidth = WS_BANDWIDTH_NEIGHBOUR;
        cfg->bandwidth_scale = 0.7;
        cfg->weights = WS_WEIGHTS_UNIFORM;
        cfg->categorical_smoothing = 2.0;
        cfg->log_int_cells = 1;
        cfg->dedup = 1;
        cfg->kernel_heights = 0;
        cfg->shared_clip = 1;
    }
}

int ws_sampler_parse(ws_sampler_cfg *cfg, const json_t *obj, const char *where, ws_err *e)
{
    static const char *const keys[] = {"name", "seed", "mode", "n_startup_trials", "n_ei_candidates", "multivariate",
                                       "constant_liar", "group", "prior_weight", "consider_magic_clip",
                                       "consider_endpoints", "gamma", "gamma_max", "bandwidth", "bandwidth_scale",
                                       "weights", "log_int_cells", "dedup", "kernel", "categorical_smoothing", "liar_weight",
                                       "shared_clip", NULL};
    memset(cfg, 0, sizeof *cfg);
    strcpy(cfg->name, "tpe");
    defaults(cfg, WS_TPE_WAKESWEEP);
    if (!obj) return 0;
    char path[600];
    snprintf(path, sizeof path, "%s: sampler", where);
    if (!json_is_object(obj)) return ws_err_set(e, WS_EINPUT, "%s: expected an object", path);
    /* TPESampler arguments that the config does not take, said with what it does instead */
    static const char *const optuna_only[][2] = {
        {"consider_prior", "the prior kernel is always used (Optuna's default); prior_weight sets its weight"},
        {"constraints_func", "the study config's \"constraints\" object gives the constraints"},
        {"warn_independent_sampling", "no such warning is printed"},
    };
    for (size_t i = 0; i < sizeof optuna_only / sizeof optuna_only[0]; i++)
        if (json_object_get(obj, optuna_only[i][0]))
            return ws_err_set(e, WS_EINPUT, "%s.%s: not an option here: %s", path, optuna_only[i][0], optuna_only[i][1]);
    if (ws_json_check_keys(obj, keys, path, e)) return -1;
    const char *name = NULL, *mode = NULL, *bw = NULL, *weights = NULL, *kernel = NULL;
    long seed = -1;
    if (ws_json_get_string(obj, "name", path, &name, e) || ws_json_get_string(obj, "mode", path, &mode, e))
        return -1;
    if (name) {
        if (strcmp(name, "random") && strcmp(name, "tpe"))
            return ws_err_set(e, WS_EINPUT, "%s.name: unknown sampler '%s' (expected random or tpe)", path, name);
        strcpy(cfg->name, name);
    }
    if (mode) {
        if (!strcmp(mode, "optuna")) defaults(cfg, WS_TPE_OPTUNA);
        else if (strcmp(mode, "wakesweep"))
            return ws_err_set(e, WS_EINPUT, "%s.mode: unknown mode '%s' (expected wakesweep or optuna)", path, mode);
    }
    int group_given = json_object_get(obj, "group") != NULL;
    /* the seed in --seed's range, 0 to 2^63-1: a JSON integer is taken whole, where
     * ws_json_get_int (through a double, exact to 9e15) refused a seed that --seed takes */
    const json_t *seed_v = json_object_get(obj, "seed");
    if (json_is_integer(seed_v)) seed = (long)json_integer_value(seed_v);
    else if (ws_json_get_int(obj, "seed", path, &seed, e)) return -1;
    if (ws_json_get_int(obj, "n_startup_trials", path, &cfg->n_startup_trials, e)
        || ws_json_get_int(obj, "n_ei_candidates", path, &cfg->n_ei_candidates, e)
        || ws_json_get_bool(obj, "multivariate", path, &cfg->multivariate, e)
        || ws_json_get_bool(obj, "constant_liar", path, &cfg->constant_liar, e)
        || ws_json_get_bool(obj, "group", path, &cfg->group, e)
        || ws_json_get_number(obj, "prior_weight", path, &cfg->prior_weight, e)
        || ws_json_get_bool(obj, "consider_magic_clip", path, &cfg->consider_magic_clip, e)
        || ws_json_get_bool(obj, "consider_endpoints", path, &cfg->consider_endpoints, e)
        || ws_json_get_number(obj, "gamma", path, &cfg->gamma, e)
        || ws_json_get_int(obj, "gamma_max", path, &cfg->gamma_max, e)
        || ws_json_get_string(obj, "bandwidth", path, &bw, e)
        || ws_json_get_number(obj, "bandwidth_scale", path, &cfg->bandwidth_scale, e)
        || ws_json_get_string(obj, "weights", path, &weights, e)
        || ws_json_get_bool(obj, "log_int_cells", path, &cfg->log_int_cells, e)
        || ws_json_get_bool(obj, "dedup", path, &cfg->dedup, e)
        || ws_json_get_string(obj, "kernel", path, &kernel, e)
        || ws_json_get_number(obj, "categorical_smoothing", path, &cfg->categorical_smoothing, e)
        || ws_json_get_number(obj, "liar_weight", path, &cfg->liar_weight, e)
        || ws_json_get_bool(obj, "shared_clip", path, &cfg->shared_clip, e))
        return -1;
    if (json_object_get(obj, "seed")) {
        if (seed < 0) return ws_err_set(e, WS_EINPUT, "%s.seed: must be >= 0", path);
        cfg->has_seed = 1;
        cfg->seed = (uint64_t)seed;
    }
    if (cfg->n_startup_trials < 0)
        return ws_err_set(e, WS_EINPUT, "%s.n_startup_trials: must be >= 0 (got %ld)", path, cfg->n_startup_trials);
    if (cfg->n_ei_candidates < 1 || cfg->n_ei_candidates > 100000)
        return ws_err_set(e, WS_EINPUT, "%s.n_ei_candidates: must be in [1, 100000] (got %ld)", path, cfg->n_ei_candidates);
    char got[40];   /* a value as written (ws_real_text): %g showed 1.0000001 as 1 */
    if (!(cfg->prior_weight > 0) || !isfinite(cfg->prior_weight))
        return ws_err_set(e, WS_EINPUT, "%s.prior_weight: must be > 0 (got %s)", path, ws_real_text(cfg->prior_weight, got, sizeof got));
    if (!(cfg->gamma > 0 && cfg->gamma <= 1))
        return ws_err_set(e, WS_EINPUT, "%s.gamma: must be in (0, 1] (got %s)", path, ws_real_text(cfg->gamma, got, sizeof got));
    if (cfg->gamma_max < 1)
        return ws_err_set(e, WS_EINPUT, "%s.gamma_max: must be >= 1 (got %ld)", path, cfg->gamma_max);
    if (!(cfg->bandwidth_scale > 0) || !isfinite(cfg->bandwidth_scale))
        return ws_err_set(e, WS_EINPUT, "%s.bandwidth_scale: must be > 0 (got %s)", path, ws_real_text(cfg->bandwidth_scale, got, sizeof got));
    if (!(cfg->liar_weight > 0 && cfg->liar_weight <= 1))
        return ws_err_set(e, WS_EINPUT, "%s.liar_weight: must be in (0, 1] (got %s)", path, ws_real_text(cfg->liar_weight, got, sizeof got));
    if (!(cfg->categorical_smoothing > 0) || !isfinite(cfg->categorical_smoothing))
        return ws_err_set(e, WS_EINPUT, "%s.categorical_smoothing: must be > 0 (got %s)", path, ws_real_text(cfg->categorical_smoothing, got, sizeof got));
    if (cfg->group && !cfg->multivariate) {
        if (group_given)
            return ws_err_set(e, WS_EINPUT, "%s.group: needs \"multivariate\": true (as in Optuna)", path);
        cfg->group = 0;
    }
    if (bw) {
        if (!strcmp(bw, "scott")) cfg->bandwidth = WS_BANDWIDTH_SCOTT;
        else if (!strcmp(bw, "neighbour") || !strcmp(bw, "neighbor")) cfg->bandwidth = WS_BANDWIDTH_NEIGHBOUR;
        else return ws_err_set(e, WS_EINPUT, "%s.bandwidth: unknown rule '%s' (expected neighbour or scott)", path, bw);
    } else if (cfg->mode == WS_TPE_OPTUNA) {
        /* Optuna 3.1 uses Scott's rule for every estimator of a multivariate sampler */
        cfg->bandwidth = cfg->multivariate ? WS_BANDWIDTH_SCOTT : WS_BANDWIDTH_NEIGHBOUR;
    }
    if (weights) {
        if (!strcmp(weights, "ramp")) cfg->weights = WS_WEIGHTS_RAMP;
        else if (!strcmp(weights, "uniform")) cfg->weights = WS_WEIGHTS_UNIFORM;
        else return ws_err_set(e, WS_EINPUT, "%s.weights: unknown rule '%s' (expected ramp or uniform)", path, weights);
    }
    if (kernel) {
        if (!strcmp(kernel, "mass")) cfg->kernel_heights = 0;
        else if (!strcmp(kernel, "height")) cfg->kernel_heights = 1;
        else if (!strcmp(kernel, "height_all")) cfg->kernel_heights = 2;
        else return ws_err_set(e, WS_EINPUT, "%s.kernel: unknown kernel '%s' (expected mass, height or height_all)", path, kernel);
    }
    return 0;
}

int ws_sampler_check_file(const json_t *obj, const char *where, ws_err *e)
{
    const char *key;
    json_t *v;
    const char *name = json_string_value(json_object_get(obj, "name"));
    if (!name || strcmp(name, "random")) {
        /* TPE options that the rest of the config leaves without effect: refused rather than
         * taken and ignored (a liar_weight in the optuna mode, which has no liar) */
        ws_sampler_cfg c;
        ws_err ignored = {0};   /* a config that does not parse is said by ws_sampler_parse, called first */
        if (!obj || ws_sampler_parse(&c, obj, where, &ignored)) return 0;
        if (json_object_get(obj, "liar_weight") && !c.constant_liar)
            return ws_err_set(e, WS_EINPUT, "%s: sampler.liar_weight: has no effect without \"constant_liar\": true "
                              "(it weighs the RUNNING trials that only the liar counts)", where);
        if (json_is_true(json_object_get(obj, "shared_clip")) && !c.multivariate)
            return ws_err_set(e, WS_EINPUT, "%s: sampler.shared_clip: has no effect without \"multivariate\": true "
                              "(it acts on joint kernels)", where);
        if (json_is_true(json_object_get(obj, "consider_endpoints")) && c.bandwidth == WS_BANDWIDTH_SCOTT)
            return ws_err_set(e, WS_EINPUT, "%s: sampler.consider_endpoints: has no effect with Scott's bandwidths "
                              "(\"bandwidth\": \"scott\", the optuna mode's default when multivariate), which give "
                              "every kernel one width (Optuna 3.1 ignores it there too); it applies to \"bandwidth\": "
                              "\"neighbour\"", where);
        return 0;
    }
    json_object_foreach((json_t *)obj, key, v)
        if (strcmp(key, "name") && strcmp(key, "seed"))
            return ws_err_set(e, WS_EINPUT, "%s: sampler.%s: not an option of the random sampler (it takes only seed, as "
                              "Optuna's RandomSampler does)", where, key);
    return 0;
}

double ws_sample_uniform(const ws_dist *d, ws_rng *rng)
{
    double u = ws_rng_uniform(rng);
    if (d->kind == WS_DIST_CATEGORICAL) return (double)ws_rng_below(rng, ws_dist_n_choices(d));
    /* low == high: Optuna's single value; exp(log(low)) could miss it by an ulp. The draw above
     * still happens, so the parameters after it get the same values as before. */
    if (!(d->low < d->high)) return d->low;
    if (d->step > 0) {
        /* a uniform choice among the grid points (log-int: uniform in log space, then snapped) */
        if (d->log) {
            double x = exp(log(d->low - 0.5) + u * (log(d->high + 0.5) - log(d->low - 0.5)));
            return fmin(fmax(round(x), d->low), d->high);
        }
        /* clipped as Optuna's untransform clips: low + k * step can pass high by an ulp
         * (0 + 3 * 0.1 is 0.30000000000000004, above high 0.3 and outside the distribution) */
        double n = round((d->high - d->low) / d->step) + 1;
        return fmin(d->low + floor(u * n) * d->step, d->high);
    }
    if (d->log) return fmin(exp(log(d->low) + u * (log(d->high) - log(d->low))), d->high);
    return fmin(d->low + u * (d->high - d->low), d->high);
}

int ws_sampler_append(ws_param **params, size_t *n, const char *name, const ws_dist *d, double internal, ws_err *e)
{
    ws_param *np = realloc(*params, (*n + 1) * sizeof *np);
    if (!np) return ws_err_set(e, WS_ENOMEM, "out of memory");
    *params = np;
    np[*n].name = strdup(name);
    if (!np[*n].name) return ws_err_set(e, WS_ENOMEM, "out of memory");
    ws_dist_copy(&np[*n].dist, d);
    np[*n].internal = internal;
    (*n)++;
    return 0;
}

static int has_param(const ws_param *p, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) if (!strcmp(p[i].name, name)) return 1;
    return 0;
}

int ws_random_suggest(const ws_space *sp, uint64_t seed, ws_param **params, size_t *n, ws_err *e)
{
    ws_rng rng;
    ws_rng_seed(&rng, seed);
    for (size_t i = 0; i < sp->n; i++) {
        if (has_param(*params, *n, sp->v[i].name) || !ws_space_active(sp, i, *params, *n)) continue;
        if (ws_sampler_append(params, n, sp->v[i].name, &sp->v[i].dist, ws_sample_uniform(&sp->v[i].dist, &rng), e))
            return -1;
    }
    return 0;
}

int ws_sampler_inactive(const ws_space *sp, const ws_param *params, size_t n, size_t k)
{
    int i = ws_space_find(sp, params[k].name);
    return i >= 0 && !ws_space_active(sp, (size_t)i, params, n);
}

int ws_sampler_drop_inactive(const ws_space *sp, ws_param *params, size_t *n)
{
    /* decide for all first: a parent's value must still be there when its child is judged */
    unsigned char *off = calloc(*n ? *n : 1, 1);
    if (!off) return -1;
    for (size_t k = 0; k < *n; k++) off[k] = (unsigned char)ws_sampler_inactive(sp, params, *n, k);
    size_t kept = 0;
    for (size_t k = 0; k < *n; k++) {
        if (off[k]) {
            free(params[k].name);
            ws_dist_release(&params[k].dist);
        } else params[kept++] = params[k];
    }
    *n = kept;
    free(off);
    return 0;
}

int ws_sampler_suggest(const ws_sampler_cfg *cfg, const ws_space *sp, const ws_history *h,
                       uint64_t seed, ws_param **params, size_t *n_params, ws_err *e)
{
    int rc;
    if (!strcmp(cfg->name, "random")) rc = ws_random_suggest(sp, seed, params, n_params, e);
    else {
        ws_history_view view;
        if (ws_pruner_history_view(h->pruner, h, h->number, &view, e)) return -1;
        rc = ws_tpe_suggest(cfg, sp, &view.h, seed, params, n_params, e);
        ws_history_view_release(&view);
    }
    /* A fixed value counts only if the trial asks for that parameter (Optuna's fixed_params
     * are read by suggest_*): one whose condition the trial's values leave off goes. */
    if (!rc && ws_sampler_drop_inactive(sp, *params, n_params)) rc = ws_err_set(e, WS_ENOMEM, "out of memory");
    return rc;
}
