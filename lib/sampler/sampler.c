/* sampler.c — sampler config parsing and dispatch, and the random sampler. */
#include "sampler/sampler.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"

int ws_sampler_parse(ws_sampler_cfg *cfg, const json_t *obj, const char *where, ws_err *e)
{
    static const char *const keys[] = {"name", "seed", "n_startup_trials", "n_ei_candidates", "multivariate",
                                       "constant_liar", "group", "prior_weight", "consider_magic_clip",
                                       "consider_endpoints", NULL};
    memset(cfg, 0, sizeof *cfg);
    strcpy(cfg->name, "tpe");
    cfg->n_startup_trials = 10;
    cfg->n_ei_candidates = 24;
    cfg->prior_weight = 1.0;
    cfg->consider_magic_clip = 1;
    if (!obj) return 0;
    char path[600];
    snprintf(path, sizeof path, "%s: sampler", where);
    if (ws_json_check_keys(obj, keys, path, e)) return -1;
    const char *name = NULL;
    long seed = -1;
    if (ws_json_get_string(obj, "name", path, &name, e) || ws_json_get_int(obj, "seed", path, &seed, e)
        || ws_json_get_int(obj, "n_startup_trials", path, &cfg->n_startup_trials, e)
        || ws_json_get_int(obj, "n_ei_candidates", path, &cfg->n_ei_candidates, e)
        || ws_json_get_bool(obj, "multivariate", path, &cfg->multivariate, e)
        || ws_json_get_bool(obj, "constant_liar", path, &cfg->constant_liar, e)
        || ws_json_get_bool(obj, "group", path, &cfg->group, e)
        || ws_json_get_number(obj, "prior_weight", path, &cfg->prior_weight, e)
        || ws_json_get_bool(obj, "consider_magic_clip", path, &cfg->consider_magic_clip, e)
        || ws_json_get_bool(obj, "consider_endpoints", path, &cfg->consider_endpoints, e))
        return -1;
    if (name) {
        if (strcmp(name, "random") && strcmp(name, "tpe"))
            return ws_err_set(e, WS_EINPUT, "%s.name: unknown sampler '%s' (expected random or tpe)", path, name);
        strcpy(cfg->name, name);
    }
    if (json_object_get(obj, "seed")) {
        if (seed < 0) return ws_err_set(e, WS_EINPUT, "%s.seed: must be >= 0", path);
        cfg->has_seed = 1;
        cfg->seed = (uint64_t)seed;
    }
    if (cfg->n_startup_trials < 0 || cfg->n_ei_candidates < 1 || !(cfg->prior_weight > 0))
        return ws_err_set(e, WS_EINPUT, "%s: n_startup_trials >= 0, n_ei_candidates >= 1 and prior_weight > 0 expected", path);
    return 0;
}

double ws_sample_uniform(const ws_dist *d, ws_rng *rng)
{
    double u = ws_rng_uniform(rng);
    if (d->kind == WS_DIST_CATEGORICAL) return (double)ws_rng_below(rng, ws_dist_n_choices(d));
    if (d->step > 0) {
        /* a uniform choice among the grid points (log-int: uniform in log space, then snapped) */
        if (d->log) {
            double x = exp(log(d->low - 0.5) + u * (log(d->high + 0.5) - log(d->low - 0.5)));
            return fmin(fmax(round(x), d->low), d->high);
        }
        double n = round((d->high - d->low) / d->step) + 1;
        return d->low + floor(u * n) * d->step;
    }
    if (d->log) return fmin(exp(log(d->low) + u * (log(d->high) - log(d->low))), d->high);
    return fmin(d->low + u * (d->high - d->low), d->high);
}

int ws_sampler_append(ws_param **params, size_t *n, const char *name, const ws_dist *d, double internal, ws_err *e)
{
    ws_param *np = realloc(*params, (*n + 1) * sizeof *np);
    if (!np) return ws_err_set(e, WS_EINTERNAL, "out of memory");
    *params = np;
    np[*n].name = strdup(name);
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

static int random_suggest(const ws_space *sp, uint64_t seed, ws_param **params, size_t *n, ws_err *e)
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

int ws_sampler_suggest(const ws_sampler_cfg *cfg, const ws_space *sp, const ws_history *h,
                       uint64_t seed, ws_param **params, size_t *n_params, ws_err *e)
{
    (void)h;
    /* TPE arrives in its own file; until then every sampler draws at random. */
    (void)cfg;
    return random_suggest(sp, seed, params, n_params, e);
}
