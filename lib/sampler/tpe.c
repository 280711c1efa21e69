/* tpe.c — the Tree-structured Parzen Estimator sampler (Bergstra et al. 2011; Watanabe 2023),
 * with Optuna's semantics as the baseline:
 *
 *   1. Observations are COMPLETE and PRUNED trials, plus RUNNING ones under the constant liar.
 *      Until n_startup_trials trials are COMPLETE or PRUNED, parameters are drawn at random.
 *   2. The n finished trials are ranked and the best ceil(gamma n) (at most gamma_max) form
 *      "below", the rest "above": COMPLETE trials by value, then PRUNED ones by how far they
 *      got (deeper first) and their last intermediate value, infeasible trials (constraints:
 *      system_attrs["constraints"], feasible iff all <= 0) after feasible ones by their total
 *      violation. RUNNING trials always go to "above" (the liar: they count as bad points).
 *   3. For each parameter (univariate) or each group of parameters that occur together
 *      (multivariate; Optuna's intersection space, or its group decomposition with group=true),
 *      Parzen estimators l(x) of "below" and g(x) of "above" are built, n_ei_candidates points
 *      are drawn from l and the one maximising log l(x) - log g(x) is taken.
 *
 * The wakesweep mode differs from Optuna 3.1 in its defaults (see sampler.c) and in five rules:
 * it ranks infeasible trials of equal violation by value (Optuna: by number), it does not
 * hand out a configuration that another trial already holds while it can find a new one
 * (dedup: up to 8 TPE draws, then up to 56 random ones), in a group that holds a
 * categorical and two or more numeric parameters g(x)'s bandwidths are no narrower than l(x)'s
 * magic clip (shared_clip; see mixed_group_clip), and it leaves enqueued parameters out of the
 * joint kernels (Optuna samples them with the rest, then overrides them; both leave --fixed's
 * out, as Optuna's PartialFixedSampler does), and it drops a trial's value that a space narrowed
 * since leaves outside the range (Optuna keeps it as an observation; see obs_value). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "sampler/parzen.h"
#include "sampler/sampler.h"
#include "space/config.h"

typedef struct {
    const ws_trial *t;
    int running;
    double k1, k2;         /* rank key: COMPLETE (-inf, v); PRUNED (-last_step, v); RUNNING (+inf, +inf) */
    double violation;      /* total positive constraint violation; +inf when unknown */
} tpe_obs;

typedef struct {
    const ws_sampler_cfg *cfg;
    const ws_space *sp;
    tpe_obs *o;            /* usable trials, by number */
    size_t n_obs;
    size_t n_finished;     /* COMPLETE + PRUNED among them */
    unsigned char *below;  /* [n_obs] */
    ws_parzen_opts popts;
    ws_rng rng;
    /* [sp->n] in the optuna mode, set by joint_groups: the distribution a parameter's joint
     * group samples it with, the one its trials store (NULL: the space's own; see joint_groups) */
    const ws_dist **rel;
} tpe_ctx;

/* ---- observations and the split ---- */

static double constraint_violation(const ws_trial *t, int *has)
{
    json_t *c = t->system_attrs ? json_object_get(t->system_attrs, "constraints") : NULL;
    *has = json_is_array(c);
    if (!*has) return INFINITY;
    double v = 0;
    size_t i;
    json_t *x;
    json_array_foreach(c, i, x) {
        double y = ws_constraint_value(x);   /* a bool as Optuna's sum takes it: 0 or 1 */
        if (y > 0 || isnan(y)) v += isnan(y) ? INFINITY : y;
    }
    return v;
}

static int collect(tpe_ctx *c, const ws_history *h, int *use_constraints)
{
    size_t n = h->trials ? h->trials->n : 0;
    c->o = calloc(n ? n : 1, sizeof *c->o);
    c->below = calloc(n ? n : 1, 1);
    if (!c->o || !c->below) return -1;
    double sign = h->direction == WS_MAXIMIZE ? -1.0 : 1.0;
    *use_constraints = 0;
    for (size_t i = 0; i < n; i++) {
        const ws_trial *t = &h->trials->v[i];
        tpe_obs *ob = &c->o[c->n_obs];
        int has;
        ob->t = t;
        if (t->state == WS_COMPLETE && t->has_value) {
            ob->k1 = -INFINITY;
            ob->k2 = isnan(t->value) ? INFINITY : sign * t->value;
        } else if (t->state == WS_PRUNED) {
            if (t->n_ivs) {
                double v = t->ivs[t->n_ivs - 1].value;
                ob->k1 = -(double)t->ivs[t->n_ivs - 1].step;
                ob->k2 = isnan(v) ? INFINITY : sign * v;
            } else {
                ob->k1 = 1;
                ob->k2 = 0;
            }
        } else if (t->state == WS_RUNNING && c->cfg->constant_liar) {
            ob->running = 1;
            ob->k1 = ob->k2 = INFINITY;
        } else continue;
        ob->violation = ob->running ? INFINITY : constraint_violation(t, &has);
        if (!ob->running) {
            c->n_finished++;
            if (has) *use_constraints = 1;
        }
        c->n_obs++;
    }
    return 0;
}

/* qsort_r comparators over indices into the tpe_obs array passed as `base` */
static int by_key(const void *a, const void *b, void *base)
{
    const tpe_obs *x = (const tpe_obs *)base + *(const size_t *)a, *y = (const tpe_obs *)base + *(const size_t *)b;
    if (x->k1 != y->k1) return x->k1 < y->k1 ? -1 : 1;
    if (x->k2 != y->k2) return x->k2 < y->k2 ? -1 : 1;
    return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}
static int by_violation(const void *a, const void *b, void *base)
{
    const tpe_obs *x = (const tpe_obs *)base + *(const size_t *)a, *y = (const tpe_obs *)base + *(const size_t *)b;
    if (x->violation != y->violation) return x->violation < y->violation ? -1 : 1;
    return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}
/* wakesweep: feasibility first (running last), then violation, then the value key */
static int by_feasibility_key(const void *a, const void *b, void *base)
{
    const tpe_obs *x = (const tpe_obs *)base + *(const size_t *)a, *y = (const tpe_obs *)base + *(const size_t *)b;
    if (x->running != y->running) return x->running - y->running;
    if (x->violation != y->violation) return x->violation < y->violation ? -1 : 1;
    return by_key(a, b, base);
}

static int split(tpe_ctx *c, size_t n_below, int use_constraints)
{
    size_t n = c->n_obs;
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx) return -1;
    for (size_t i = 0; i < n; i++) idx[i] = i;
    if (!use_constraints) {
        qsort_r(idx, n, sizeof *idx, by_key, c->o);
    } else if (c->cfg->mode != WS_TPE_OPTUNA) {
        qsort_r(idx, n, sizeof *idx, by_feasibility_key, c->o);
    } else {
        /* Optuna 3.1's _split_observation_pairs with violations: by violation (stable); when
         * more than n_below trials are feasible, the best n_below of them by value. */
        qsort_r(idx, n, sizeof *idx, by_violation, c->o);
        if (n_below < n && c->o[idx[n_below]].violation <= 0) {
            size_t nf = 0;
            while (nf < n && c->o[idx[nf]].violation <= 0) nf++;
            qsort_r(idx, nf, sizeof *idx, by_key, c->o);
        }
    }
    for (size_t i = 0; i < n_below && i < n; i++) c->below[idx[i]] = 1;
    free(idx);
    return 0;
}

static size_t n_below_of(const ws_sampler_cfg *cfg, size_t n);

int ws_tpe_split_history(const ws_sampler_cfg *cfg, const ws_history *h, int *below, size_t *n_finished, ws_err *e)
{
    tpe_ctx c = {.cfg = cfg};
    int use_constraints, rc = 0;
    if (collect(&c, h, &use_constraints) || split(&c, n_below_of(cfg, c.n_finished), use_constraints)) {
        rc = ws_err_set(e, WS_ENOMEM, "tpe: out of memory");
    } else {
        size_t n = h->trials ? h->trials->n : 0, k = 0;
        for (size_t i = 0; i < n; i++) {
            if (k < c.n_obs && c.o[k].t == &h->trials->v[i]) below[i] = c.below[k++];
            else below[i] = -1;
        }
        *n_finished = c.n_finished;
    }
    free(c.o);
    free(c.below);
    return rc;
}

/* ---- observation values ---- */

/* ws_trial_param, trying position `hint` first (trials mostly store params in space order). */
static const ws_param *find_param(const ws_trial *t, const char *name, size_t hint)
{
    if (hint < t->n_params && !strcmp(t->params[hint].name, name)) return &t->params[hint];
    return ws_trial_param(t, name);
}

/* The value trial t holds for a parameter of distribution d, in d's internal representation;
 * 0 when it has one, -1 when not (absent, or from an incompatible distribution). `optuna`: the
 * optuna mode, which keeps a value outside d's range (see below). */
static int obs_value(const ws_trial *t, const char *name, size_t hint, const ws_dist *d, int optuna, double *v)
{
    const ws_param *p = find_param(t, name, hint);
    if (!p || !isfinite(p->internal)) return -1;
    if (ws_dist_equal(&p->dist, d)) { *v = p->internal; return 0; }
    if (p->dist.kind == WS_DIST_CATEGORICAL || d->kind == WS_DIST_CATEGORICAL) {
        if (p->dist.kind != d->kind) return -1;
        json_t *x = json_array_get(p->dist.choices, (size_t)p->internal);
        return x && !ws_dist_internal(d, x, v, NULL) ? 0 : -1;
    }
    /* the range changed: keep values that still lie inside. Optuna 3.1 keeps every value as
     * its trial stores it (_get_observation_pairs): a kernel centred outside the narrowed range
     * still pulls the draws toward the bound nearest to it, so the optuna mode keeps them too
     * (dropped, a space narrowed away from the best trials sampled as if they had never been). */
    if (!optuna && (p->internal < d->low || p->internal > d->high)) return -1;
    *v = d->kind == WS_DIST_INT ? rint(p->internal) : p->internal;
    return 0;
}

/* ---- one TPE step over a set of parameters ---- */

/* Splits the observations of parameters idx[0..nd) (trials holding all of them) into rows of
 * below (ob, *nb) and above (oa, *na), oldest first. Returns the above set's mixture weights
 * when the liar's RUNNING trials need a weight of their own (wa, filled), else NULL. */
static const double *gather(const tpe_ctx *c, const size_t *idx, size_t nd, const ws_dist *dists,
                            double *ob, size_t *nb, double *oa, size_t *na, double *wa)
{
    int any_running = 0;
    *nb = *na = 0;
    for (size_t i = 0; i < c->n_obs; i++) {
        double *row = c->below[i] ? ob + *nb * nd : oa + *na * nd;
        size_t d;
        for (d = 0; d < nd; d++)
            if (obs_value(c->o[i].t, c->sp->v[idx[d]].name, idx[d], &dists[d], c->cfg->mode == WS_TPE_OPTUNA, &row[d])) break;
        if (d < nd) continue;
        if (c->below[i]) { (*nb)++; continue; }
        wa[(*na)++] = c->o[i].running ? c->cfg->liar_weight : 1.0;
        any_running |= c->o[i].running;
    }
    if (!any_running || c->cfg->liar_weight == 1.0) return NULL;
    /* the weight rule's own weights, RUNNING trials' scaled by liar_weight */
    if (!c->popts.uniform_weights) {
        double *base = wa + *na;   /* wa has room for 2 n_obs */
        ws_tpe_default_weights(*na, base);
        for (size_t i = 0; i < *na; i++) wa[i] *= base[i];
    }
    return wa;
}

/* shared_clip: the number of kernels whose magic clip also bounds g(x)'s bandwidths in this
 * group (the below estimator's, nb + 1), or 0 for none. Neighbour bandwidths are spacings
 * along one axis: with d >= 2 numeric parameters the above set's kernels are far narrower than
 * the distance between its points, so g(x) is near its prior almost everywhere and forgets
 * which categorical choices have been tried; l(x)/g(x) then keeps picking the choice of the
 * first good trials (tests/bench/sampler, mixed space: 9% of runs had a wrong activation in
 * their best trial after 50; with the floor 0.5%, and the median regret halves). With one numeric
 * parameter the spacing is the real one, and groups without a categorical do better with the
 * sharper g(x) (Hartmann6, Rosenbrock, Branin), so only mixed groups get the floor. */
static size_t mixed_group_clip(const tpe_ctx *c, const ws_dist *dists, size_t nd, size_t nb)
{
    size_t n_cat = 0;
    for (size_t d = 0; d < nd; d++) n_cat += dists[d].kind == WS_DIST_CATEGORICAL;
    return c->cfg->shared_clip && n_cat > 0 && nd - n_cat >= 2 ? nb + 1 : 0;
}

/* Samples the parameters idx[0..nd) of the space jointly; out[d] gets internal values. `joint`:
 * a group of the relative search space, sampled with its stored distributions (c->rel). */
static int tpe_sample_group(tpe_ctx *c, const size_t *idx, size_t nd, int joint, double *out, ws_err *e)
{
    size_t n = c->n_obs ? c->n_obs : 1, nb, na;
    size_t n_ei = (size_t)(c->cfg->n_ei_candidates > 0 ? c->cfg->n_ei_candidates : 1);
    ws_dist *dists = malloc(nd * sizeof *dists);
    double *ob = malloc(n * nd * sizeof *ob), *oa = malloc(n * nd * sizeof *oa), *wa = malloc(2 * n * sizeof *wa);
    double *cand = malloc(n_ei * nd * sizeof *cand), *ll = malloc(n_ei * sizeof *ll), *lg = malloc(n_ei * sizeof *lg);
    ws_parzen pb = {0}, pa = {0};
    int rc = -1;
    if (!dists || !ob || !oa || !wa || !cand || !ll || !lg) { ws_err_set(e, WS_ENOMEM, "tpe: out of memory"); goto out; }
    for (size_t d = 0; d < nd; d++)
        dists[d] = joint && c->rel && c->rel[idx[d]] ? *c->rel[idx[d]] : c->sp->v[idx[d]].dist;
    const double *above_w = gather(c, idx, nd, dists, ob, &nb, oa, &na, wa);
    ws_parzen_opts above_opts = c->popts;
    above_opts.clip_kernels = mixed_group_clip(c, dists, nd, nb);
    if (ws_parzen_init(&pb, dists, nd, ob, nb, NULL, &c->popts, e)
        || ws_parzen_init(&pa, dists, nd, oa, na, above_w, &above_opts, e))
        goto out;
    /* candidates from l(x); the one with the largest log l(x) - log g(x) wins (first on ties) */
    ws_parzen_sample(&pb, &c->rng, n_ei, cand);
    ws_parzen_log_pdf(&pb, cand, n_ei, ll);
    ws_parzen_log_pdf(&pa, cand, n_ei, lg);
    size_t best = 0;
    for (size_t j = 1; j < n_ei; j++)
        if (ll[j] - lg[j] > ll[best] - lg[best]) best = j;
    memcpy(out, cand + best * nd, nd * sizeof *out);
    rc = 0;
out:
    ws_parzen_release(&pb);
    ws_parzen_release(&pa);
    free(dists); free(ob); free(oa); free(wa); free(cand); free(ll); free(lg);
    return rc;
}

/* ---- the multivariate search space ---- */

static int fixed_already(const ws_param *p, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) if (!strcmp(p[i].name, name)) return 1;
    return 0;
}

/* Optuna's IntersectionSearchSpace: the parameters every COMPLETE/PRUNED trial holds with the
 * space's own distribution form one group (0); in the optuna mode, as in Optuna, with one
 * distribution that all of them store (c->rel), the space's own or not. */
static int intersection_space(const tpe_ctx *c, int *group)
{
    size_t np = c->sp->n;
    int any = 0;
    for (size_t i = 0; i < np; i++) group[i] = 0;
    for (size_t k = 0; k < c->n_obs; k++) {
        if (c->o[k].running) continue;
        any = 1;
        for (size_t i = 0; i < np; i++) {
            const ws_param *p = group[i] == 0 ? find_param(c->o[k].t, c->sp->v[i].name, i) : NULL;
            if (p && c->rel && !c->rel[i]) c->rel[i] = &p->dist;
            if (!p || !ws_dist_equal(&p->dist, c->rel ? c->rel[i] : &c->sp->v[i].dist)) group[i] = -1;
        }
    }
    if (!any) for (size_t i = 0; i < np; i++) group[i] = -1;
    return any ? 1 : 0;
}

/* Optuna's _GroupDecomposedSearchSpace: the finest partition of the parameters seen in
 * COMPLETE/PRUNED trials such that every trial holds each part entirely or not at all. Each
 * trial splits every part into (held, not held); held parameters not seen before form a new
 * part. Returns the number of parts, -1 when out of memory. */
static int decomposed_space(const tpe_ctx *c, int *group)
{
    size_t np = c->sp->n;
    int *remap = malloc(2 * (np + 1) * sizeof *remap), n_parts = 0;
    if (!remap) return -1;
    for (size_t i = 0; i < np; i++) group[i] = -1;
    for (size_t k = 0; k < c->n_obs; k++) {
        if (c->o[k].running) continue;
        for (size_t g = 0; g < 2 * (np + 1); g++) remap[g] = -1;
        int next = 0;
        for (size_t i = 0; i < np; i++) {
            const ws_param *p = find_param(c->o[k].t, c->sp->v[i].name, i);
            int has = p != NULL;
            if (p && c->rel && !c->rel[i]) c->rel[i] = &p->dist;   /* Optuna's: the first trial's */
            int key = group[i] < 0 ? (has ? 2 * (int)np : -1) : 2 * group[i] + !has;
            if (key < 0) continue;
            if (remap[key] < 0) remap[key] = next++;
            group[i] = remap[key];
        }
        n_parts = next;
    }
    free(remap);
    return n_parts;
}

/* Groups of space indices sampled jointly: group[i] = group id of parameter i, or -1 for
 * "sample independently" (also single-valued parameters, suggest --fixed's, and in the
 * wakesweep mode every value already given). Optuna 3.1 samples its relative search space
 * whole, enqueued (and held) parameters included, and only then lets their values win: the
 * kernels and the l(x)/g(x) of the others still span those dimensions, so the optuna mode keeps
 * them in. PartialFixedSampler (--fixed) takes its parameters out of that space first. */
static int joint_groups(const tpe_ctx *c, int *group, size_t *n_groups, const ws_param *fixed, size_t n_fixed)
{
    size_t np = c->sp->n;
    *n_groups = 0;
    for (size_t i = 0; i < np; i++) group[i] = -1;
    if (!c->cfg->multivariate || np == 0) return 0;
    int n = c->cfg->group ? decomposed_space(c, group) : intersection_space(c, group);
    if (n < 0) return -1;
    *n_groups = (size_t)n;
    for (size_t i = 0; i < np; i++)
        if (group[i] >= 0 && (ws_dist_single(c->rel && c->rel[i] ? c->rel[i] : &c->sp->v[i].dist, NULL)
                              || fixed_already(c->cfg->partial_fixed, c->cfg->n_partial_fixed, c->sp->v[i].name)
                              || (c->cfg->mode != WS_TPE_OPTUNA && fixed_already(fixed, n_fixed, c->sp->v[i].name))))
            group[i] = -1;
    return 0;
}

/* ---- the sampler ---- */

static void parzen_opts(const ws_sampler_cfg *cfg, ws_parzen_opts *po)
{
    ws_parzen_opts_default(po);
    po->prior_weight = cfg->prior_weight;
    po->magic_clip = cfg->consider_magic_clip;
    po->endpoints = cfg->consider_endpoints;
    po->bandwidth = (ws_bandwidth)cfg->bandwidth;
    po->bw_scale = cfg->bandwidth_scale > 0 ? cfg->bandwidth_scale : 1.0;
    po->uniform_weights = cfg->weights == WS_WEIGHTS_UNIFORM;
    po->log_int_cells = cfg->log_int_cells;
    po->kernel_heights = cfg->kernel_heights;
    po->cat_smoothing = cfg->categorical_smoothing > 0 ? cfg->categorical_smoothing : 1.0;
    /* the optuna mode breaks ties among kernel centres as Optuna 3.1's np.argsort does; the
     * wakesweep mode keeps its stable order, so that its studies draw what they drew before */
    po->numpy_ties = cfg->mode == WS_TPE_OPTUNA;
}

static size_t n_below_of(const ws_sampler_cfg *cfg, size_t n)
{
    double b = ceil(cfg->gamma * (double)n);
    if (cfg->gamma_max > 0 && b > (double)cfg->gamma_max) b = (double)cfg->gamma_max;
    return b < 0 ? 0 : (size_t)b;
}

static int tpe_once(tpe_ctx *c, uint64_t seed, ws_param **params, size_t *n_params, ws_err *e)
{
    const ws_space *sp = c->sp;
    size_t np = sp->n, n_fixed = *n_params, n_groups = 0;
    int *group = malloc((np ? np : 1) * sizeof *group);
    double *joint = malloc((np ? np : 1) * sizeof *joint);
    size_t *idx = malloc((np ? np : 1) * sizeof *idx);
    int rc = -1;
    /* the optuna mode samples a group with the distributions its trials store (Optuna's relative
     * search space holds theirs), which a space changed since (--force) may not equal */
    c->rel = c->cfg->mode == WS_TPE_OPTUNA ? calloc(np ? np : 1, sizeof *c->rel) : NULL;
    if (!group || !joint || !idx || (c->cfg->mode == WS_TPE_OPTUNA && !c->rel)) {
        ws_err_set(e, WS_ENOMEM, "tpe: out of memory");
        goto out;
    }
    ws_rng_seed(&c->rng, seed);
    if (joint_groups(c, group, &n_groups, *params, n_fixed)) { ws_err_set(e, WS_ENOMEM, "tpe: out of memory"); goto out; }
    for (size_t g = 0; g < n_groups; g++) {
        size_t nd = 0;
        for (size_t i = 0; i < np; i++) if (group[i] == (int)g) idx[nd++] = i;
        if (!nd) continue;
        double *vals = malloc(nd * sizeof *vals);
        if (!vals) { ws_err_set(e, WS_ENOMEM, "tpe: out of memory"); goto out; }
        int r = tpe_sample_group(c, idx, nd, 1, vals, e);
        for (size_t d = 0; d < nd && !r; d++) joint[idx[d]] = vals[d];
        free(vals);
        if (r) goto out;
    }
    for (size_t i = 0; i < np; i++) {
        const ws_space_param *p = &sp->v[i];
        if (fixed_already(*params, *n_params, p->name) || !ws_space_active(sp, i, *params, *n_params)) continue;
        double v;
        /* a joint value drawn from a stored distribution that the space's no longer contains
         * (a range narrowed since) is not used: Optuna samples that parameter on its own */
        if (group[i] >= 0 && (!c->rel || ws_dist_contains(&p->dist, joint[i]))) v = joint[i];
        else if (ws_dist_single(&p->dist, &v)) {}
        else if (tpe_sample_group(c, &i, 1, 0, &v, e)) goto out;
        if (ws_sampler_append(params, n_params, p->name, &p->dist, v, e)) goto out;
    }
    rc = 0;
out:
    free(group); free(joint); free(idx); free(c->rel);
    c->rel = NULL;
    return rc;
}

/* Whether the params chosen (*params) equal those of another trial that holds a configuration
 * (every non-FAIL trial): same names, same internal values. Fixed values left inactive are not
 * compared: ws_sampler_suggest drops them before the trial is stored. */
static int duplicate_of_some_trial(const ws_space *sp, const ws_history *h, const ws_param *p, size_t n)
{
    unsigned char *off = malloc(n ? n : 1);
    size_t n_active = 0;
    int dup = 0;
    if (!off) return 0;   /* out of memory: accept the draw rather than fail the trial */
    for (size_t i = 0; i < n; i++) n_active += !(off[i] = (unsigned char)ws_sampler_inactive(sp, p, n, i));
    /* every trial of the study, not only those of the sampler's view (one hyperband bracket) */
    const ws_trial_list *all = h->all_trials ? h->all_trials : h->trials;
    for (size_t k = 0; !dup && all && k < all->n; k++) {
        const ws_trial *t = &all->v[k];
        if (t->state == WS_FAIL || t->n_params != n_active) continue;
        size_t i;
        for (i = 0; i < n; i++) {
            if (off[i]) continue;
            const ws_param *q = find_param(t, p[i].name, i);
            if (!q || q->internal != p[i].internal) break;
        }
        dup = i == n;
    }
    free(off);
    return dup;
}

static void params_truncate(ws_param *p, size_t *n, size_t keep)
{
    for (size_t i = keep; i < *n; i++) {
        free(p[i].name);
        ws_dist_release(&p[i].dist);
    }
    *n = keep;
}

int ws_tpe_suggest(const ws_sampler_cfg *cfg, const ws_space *sp, const ws_history *h,
                   uint64_t seed, ws_param **params, size_t *n_params, ws_err *e)
{
    tpe_ctx c = {.cfg = cfg, .sp = sp};
    int use_constraints, rc = -1;
    size_t keep = *n_params;
    parzen_opts(cfg, &c.popts);
    if (collect(&c, h, &use_constraints)) { ws_err_set(e, WS_ENOMEM, "tpe: out of memory"); goto out; }
    int startup = c.n_finished < (size_t)(cfg->n_startup_trials > 0 ? cfg->n_startup_trials : 0);
    if (!startup && split(&c, n_below_of(cfg, c.n_finished), use_constraints)) {
        ws_err_set(e, WS_ENOMEM, "tpe: out of memory");
        goto out;
    }
    /* dedup: a few more TPE draws, then random ones, before accepting a repeat */
    int tries = cfg->dedup ? 64 : 1;
    for (int attempt = 0; attempt < tries; attempt++) {
        uint64_t s = attempt ? ws_seed_mix(seed, (uint64_t)attempt) : seed;
        params_truncate(*params, n_params, keep);
        if (startup || attempt >= 8) rc = ws_random_suggest(sp, s, params, n_params, e);
        else rc = tpe_once(&c, s, params, n_params, e);
        /* nothing left to choose (all fixed): a repeat cannot be avoided */
        if (rc || !cfg->dedup || *n_params == keep || !duplicate_of_some_trial(sp, h, *params, *n_params)) break;
    }
out:
    free(c.o);
    free(c.below);
    return rc;
}
