/* importance.c — PED-ANOVA parameter importance (see importance.h for the method and its
 * constants). The estimator works on plain arrays; ws_importance_compute gathers them from
 * the trials. */
#include "report/importance.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t ws_ped_top_count(size_t n)
{
    size_t k = (size_t)ceil(WS_PED_TOP_QUANTILE * (double)n - 1e-9);
    if (k < WS_PED_MIN_TOP) k = WS_PED_MIN_TOP;
    return k < n ? k : n;
}

int ws_ped_single(const ws_dist *d)
{
    if (d->kind == WS_DIST_CATEGORICAL) return ws_dist_n_choices(d) <= 1;
    return !(d->high > d->low);
}

double ws_ped_unit(const ws_dist *d, double internal)
{
    if (!isfinite(internal) || d->kind == WS_DIST_CATEGORICAL || !(d->high > d->low)) return NAN;
    double lo = d->low, hi = d->high, x = internal;
    if (d->log) {
        if (lo <= 0 || x <= 0) return NAN;
        lo = log(lo); hi = log(hi); x = log(x);
    }
    /* on halves, as the HTML's scales: a range across nearly all doubles (-1.7e308..1.7e308,
     * Optuna takes it) has a span that overflows to inf, and every value read 0 */
    double u = (x / 2 - lo / 2) / (hi / 2 - lo / 2);
    return u < 0 ? 0 : u > 1 ? 1 : u;
}

static double phi(double z) { return 0.5 * erfc(-z / M_SQRT2); }

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Percentile p of sorted s[0..m) with linear interpolation (numpy's default). */
static double percentile(const double *s, size_t m, double p)
{
    double pos = p * (double)(m - 1);
    size_t i = (size_t)floor(pos);
    if (i + 1 >= m) return s[m - 1];
    return s[i] + (pos - (double)i) * (s[i + 1] - s[i]);
}

/* Scott's rule with the robust spread min(sd, IQR / 1.34), floored (importance.h). */
static double bandwidth(const double *u, size_t m)
{
    if (m < 2) return WS_PED_MIN_BANDWIDTH;
    double *s = malloc(m * sizeof *s);
    if (!s) return WS_PED_MIN_BANDWIDTH;
    double mean = 0, var = 0;
    for (size_t i = 0; i < m; i++) { s[i] = u[i]; mean += u[i]; }
    mean /= (double)m;
    for (size_t i = 0; i < m; i++) var += (u[i] - mean) * (u[i] - mean);
    double sd = sqrt(var / (double)(m - 1));
    qsort(s, m, sizeof *s, cmp_double);
    double iqr = percentile(s, m, 0.75) - percentile(s, m, 0.25);
    free(s);
    double spread = iqr > 0 ? fmin(sd, iqr / 1.34) : sd;
    double h = 1.059 * spread * pow((double)m, -0.2);
    return h > WS_PED_MIN_BANDWIDTH ? h : WS_PED_MIN_BANDWIDTH;
}

/* Cell masses P[0..WS_PED_CELLS) of the Parzen estimator of u[0..m) (with its uniform prior). */
static void cell_masses(const double *u, size_t m, double *P)
{
    const int G = WS_PED_CELLS;
    const double w = WS_PED_PRIOR_WEIGHT;
    for (int g = 0; g < G; g++) P[g] = w / G;
    double h = bandwidth(u, m);
    for (size_t i = 0; i < m; i++) {
        double z = phi((1 - u[i]) / h) - phi(-u[i] / h);   /* the kernel's mass inside [0, 1] */
        double prev = phi(-u[i] / h);
        for (int g = 0; g < G; g++) {
            double next = phi(((double)(g + 1) / G - u[i]) / h);
            P[g] += (next - prev) / z;
            prev = next;
        }
    }
    for (int g = 0; g < G; g++) P[g] /= (double)m + w;
}

static double pearson(const double *top, const double *all, size_t n)
{
    double d = 0;
    for (size_t i = 0; i < n; i++) d += (top[i] - all[i]) * (top[i] - all[i]) / all[i];
    return d;
}

double ws_ped_divergence_numeric(const double *u_all, size_t n_all, const double *u_top, size_t n_top)
{
    if (!n_top || !n_all) return 0;
    double pa[WS_PED_CELLS], pt[WS_PED_CELLS];
    cell_masses(u_all, n_all, pa);
    cell_masses(u_top, n_top, pt);
    return pearson(pt, pa, WS_PED_CELLS);
}

static int cat_masses(const int *c, size_t m, size_t k, double *P)
{
    const double w = WS_PED_PRIOR_WEIGHT;
    for (size_t j = 0; j < k; j++) P[j] = w / (double)k;
    for (size_t i = 0; i < m; i++) {
        if (c[i] < 0 || (size_t)c[i] >= k) return -1;
        P[c[i]] += 1;
    }
    for (size_t j = 0; j < k; j++) P[j] /= (double)m + w;
    return 0;
}

double ws_ped_divergence_categorical(const int *c_all, size_t n_all, const int *c_top, size_t n_top, size_t k)
{
    if (!n_top || !n_all || k < 2) return 0;
    double *pa = malloc(2 * k * sizeof *pa);
    if (!pa) return NAN;
    double *pt = pa + k, d = NAN;
    if (!cat_masses(c_all, n_all, k, pa) && !cat_masses(c_top, n_top, k, pt)) d = pearson(pt, pa, k);
    free(pa);
    return d;
}

/* One parameter: column j of x. */
static int divergence_of(const ws_dist *d, size_t j, size_t n_params, const double *x, const unsigned char *is_top,
                         size_t n_trials, double *out, ws_err *e)
{
    *out = 0;
    if (ws_ped_single(d)) return 0;
    double *all = malloc(2 * (n_trials ? n_trials : 1) * sizeof *all);
    int *call = malloc(2 * (n_trials ? n_trials : 1) * sizeof *call);
    if (!all || !call) { free(all); free(call); return ws_err_set(e, WS_ENOMEM, "importance: out of memory"); }
    double *top = all + n_trials;
    int *ctop = call + n_trials;
    size_t na = 0, nt = 0;
    int cat = d->kind == WS_DIST_CATEGORICAL;
    for (size_t i = 0; i < n_trials; i++) {
        double v = x[i * n_params + j];
        if (cat) {
            if (!isfinite(v) || v < 0 || v >= (double)ws_dist_n_choices(d)) continue;
            call[na++] = (int)v;
            if (is_top[i]) ctop[nt++] = (int)v;
        } else {
            double u = ws_ped_unit(d, v);
            if (isnan(u)) continue;
            all[na++] = u;
            if (is_top[i]) top[nt++] = u;
        }
    }
    *out = cat ? ws_ped_divergence_categorical(call, na, ctop, nt, ws_dist_n_choices(d))
               : ws_ped_divergence_numeric(all, na, top, nt);
    free(all);
    free(call);
    if (!isfinite(*out)) return ws_err_set(e, WS_EINTERNAL, "importance: divergence is not finite");
    return 0;
}

int ws_ped_anova(const ws_dist *dists, size_t n_params, const double *x, const unsigned char *is_top,
                 size_t n_trials, double *div, double *imp, ws_err *e)
{
    double sum = 0;
    size_t n_searched = 0;
    for (size_t j = 0; j < n_params; j++) {
        if (divergence_of(&dists[j], j, n_params, x, is_top, n_trials, &div[j], e)) return -1;
        if (!ws_ped_single(&dists[j])) { sum += div[j]; n_searched++; }
    }
    for (size_t j = 0; j < n_params; j++) {
        if (ws_ped_single(&dists[j])) imp[j] = 0;
        else imp[j] = sum > 0 ? div[j] / sum : 1.0 / (double)n_searched;
    }
    return 0;
}

double ws_param_value_under(const ws_trial *t, const char *name, const ws_dist *d)
{
    const ws_param *p = ws_trial_param(t, name);
    if (!p) return NAN;
    /* a number is its own internal value: under another range of its kind it stays as it is,
     * also past that range (fixed or queued beyond a bound), where converting refused it */
    if (ws_dist_equal(&p->dist, d) || (p->dist.kind == d->kind && d->kind != WS_DIST_CATEGORICAL)) return p->internal;
    json_t *ext = ws_dist_external(&p->dist, p->internal);
    double v;
    int rc = ext ? ws_dist_internal(d, ext, &v, NULL) : -1;
    json_decref(ext);
    return rc ? NAN : v;
}

/* The dist a parameter is searched under, into *out (a copy): the first non-single one a trial
 * holds, else the first seen. Optuna lets a numeric parameter's range change during a study
 * (suggest --force here; it refuses another kind, scale or choices): such a parameter gets the
 * union of the ranges its trials were drawn from, so that every value fits the importance and
 * the parallel coordinates (Optuna's plot spans the observed values too). The step stays when
 * every range has it and starts on the union's grid, else a float becomes continuous and an int
 * steps by 1. */
static int searched_dist(const ws_trial_list *trials, const char *name, ws_dist *out)
{
    const ws_dist *base = NULL;
    for (size_t i = 0; i < trials->n; i++) {
        const ws_param *p = ws_trial_param(&trials->v[i], name);
        if (!p) continue;
        if (!ws_ped_single(&p->dist)) { base = &p->dist; break; }
        if (!base) base = &p->dist;
    }
    if (!base || ws_dist_copy(out, base)) return -1;
    if (out->kind == WS_DIST_CATEGORICAL) return 0;
    for (size_t i = 0; i < trials->n; i++) {
        const ws_param *p = ws_trial_param(&trials->v[i], name);
        if (!p || p->dist.kind != out->kind || p->dist.log != out->log) continue;
        out->low = fmin(out->low, p->dist.low);
        out->high = fmax(out->high, p->dist.high);
    }
    for (size_t i = 0; i < trials->n && out->step > (out->kind == WS_DIST_INT ? 1 : 0); i++) {
        const ws_param *p = ws_trial_param(&trials->v[i], name);
        if (!p || p->dist.kind != out->kind || p->dist.log != out->log) continue;
        if (p->dist.step != out->step || !ws_dist_contains(out, p->dist.low)) out->step = out->kind == WS_DIST_INT ? 1 : 0;
    }
    return 0;
}

/* Whether the trials holding the parameter hold more than one value of it (a parameter fixed
 * for a whole study, e.g. by stage 1 of a staged study, keeps its search dist but not its
 * freedom). Too few trials to tell (no more than WS_PED_MIN_TOP) count as varying, so a young
 * study still shows its search space. */
static int varies(const ws_trial_list *trials, const char *name, const ws_dist *d)
{
    double first = NAN;
    size_t n = 0;
    for (size_t i = 0; i < trials->n; i++) {
        double v = ws_param_value_under(&trials->v[i], name, d);
        if (isnan(v)) continue;
        if (n++ == 0) first = v;
        else if (v != first) return 1;
    }
    return n <= WS_PED_MIN_TOP;
}

void ws_importance_release(ws_importance *imp)
{
    for (size_t j = 0; j < imp->n; j++) ws_dist_release(&imp->v[j].dist);
    free(imp->v);
    memset(imp, 0, sizeof *imp);
}

int ws_importance_compute(ws_importance *imp, const ws_trial_list *trials, const size_t *ranked, size_t n_ranked,
                          const json_t *names, ws_err *e)
{
    memset(imp, 0, sizeof *imp);
    size_t np = json_array_size(names);
    imp->v = calloc(np ? np : 1, sizeof *imp->v);
    if (!imp->v) return ws_err_set(e, WS_ENOMEM, "importance: out of memory");
    for (size_t j = 0; j < np; j++) {
        ws_importance_param *p = &imp->v[j];
        p->name = json_string_value(json_array_get(names, j));
        if (searched_dist(trials, p->name, &p->dist)) { ws_importance_release(imp); return ws_err_set(e, WS_ENOMEM, "importance: out of memory"); }
        imp->n++;
        p->searched = !ws_ped_single(&p->dist) && varies(trials, p->name, &p->dist);
        p->importance = p->searched ? NAN : 0;
    }
    imp->n_trials = n_ranked;
    imp->n_top = ws_ped_top_count(n_ranked);
    size_t n_searched = 0;
    for (size_t j = 0; j < np; j++) n_searched += (size_t)imp->v[j].searched;
    /* too few trials first: a young (or empty) study has no parameter that varies yet either */
    if (imp->n_top >= n_ranked) {
        snprintf(imp->note, sizeof imp->note, "needs more than %d complete trials with a finite value, has %zu", WS_PED_MIN_TOP, n_ranked);
        return 0;
    }
    if (!np) {   /* not "every parameter has one value": there is none */
        snprintf(imp->note, sizeof imp->note, "the trials hold no parameter");
        return 0;
    }
    if (!n_searched) {
        snprintf(imp->note, sizeof imp->note, "no searched parameter: every parameter has one value");
        return 0;
    }
    size_t nx = n_ranked * (np ? np : 1);
    double *x = malloc(nx * sizeof *x), *div = malloc((np ? np : 1) * 2 * sizeof *div);
    ws_dist *dists = malloc((np ? np : 1) * sizeof *dists);
    unsigned char *is_top = malloc(n_ranked);
    int rc = -1;
    if (!x || !div || !dists || !is_top) { ws_err_set(e, WS_ENOMEM, "importance: out of memory"); goto out; }
    for (size_t i = 0; i < n_ranked; i++) {
        is_top[i] = i < imp->n_top;
        for (size_t j = 0; j < np; j++) x[i * np + j] = ws_param_value_under(&trials->v[ranked[i]], imp->v[j].name, &imp->v[j].dist);
    }
    for (size_t j = 0; j < np; j++) {
        /* shallow copies, borrowed for the call; a fixed parameter as a dist of no choice */
        dists[j] = imp->v[j].searched ? imp->v[j].dist : (ws_dist){.kind = WS_DIST_CATEGORICAL};
        size_t n = 0;
        for (size_t i = 0; i < n_ranked; i++) n += !isnan(x[i * np + j]);
        imp->v[j].n = n;
    }
    if (ws_ped_anova(dists, np, x, is_top, n_ranked, div, div + np, e)) goto out;
    for (size_t j = 0; j < np; j++) { imp->v[j].divergence = div[j]; imp->v[j].importance = div[np + j]; }
    imp->computed = 1;
    rc = 0;
out:
    free(x); free(div); free(dists); free(is_top);
    return rc;
}
