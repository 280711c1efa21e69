/* parzen.c — the Parzen estimator of TPE (see parzen.h) and the truncated-normal arithmetic it
 * needs. Densities are computed in log space throughout: with thousands of kernels and narrow
 * bandwidths, plain densities underflow long before the ratio l(x)/g(x) stops mattering. */
#include "sampler/parzen.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "sampler/npy_argsort.h"

#define LOG_SQRT_2PI 0.91893853320467274178
#define SQRT1_2 0.70710678118654752440

void ws_parzen_opts_default(ws_parzen_opts *o)
{
    memset(o, 0, sizeof *o);
    o->prior_weight = 1.0;
    o->magic_clip = 1;
    o->bandwidth = WS_BANDWIDTH_NEIGHBOUR;
    o->bw_scale = 1.0;
    o->cat_smoothing = 1.0;
}

void ws_tpe_default_weights(size_t n, double *w)
{
    if (n < 25) {
        for (size_t i = 0; i < n; i++) w[i] = 1.0;
        return;
    }
    /* numpy.linspace(1/n, 1, n - 25) followed by 25 ones */
    size_t m = n - 25;
    double lo = 1.0 / (double)n, step = m > 1 ? (1.0 - lo) / (double)(m - 1) : 0;
    for (size_t i = 0; i < m; i++) w[i] = (double)i * step + lo;
    if (m > 1) w[m - 1] = 1.0;
    for (size_t i = m; i < n; i++) w[i] = 1.0;
}

/* ---- the standard normal in log space ---- */

static double ndtr(double x) { return 0.5 * erfc(-x * SQRT1_2); }

double ws_log_ndtr(double x)
{
    if (x > 6) return log1p(-0.5 * erfc(x * SQRT1_2));
    if (x > -37) return log(0.5 * erfc(-x * SQRT1_2));   /* erfc is accurate down to ~1e-300 */
    /* asymptotic series: Phi(x) ~ phi(x)/(-x) * (1 - 1/x^2 + 3/x^4 - 15/x^6 ...) */
    double lhs = -0.5 * x * x - log(-x) - LOG_SQRT_2PI;
    double sum = 1.0, term = 1.0, inv_x2 = 1.0 / (x * x);
    for (int i = 1; i < 30; i++) {
        term *= -(2.0 * i - 1.0) * inv_x2;
        double next = sum + term;
        if (next == sum) break;
        sum = next;
    }
    return lhs + log(sum);
}

/* log(exp(lp) - exp(lq)) for lp >= lq */
static double log_diff(double lp, double lq)
{
    if (lq == -INFINITY) return lp;
    return lp + log1p(-exp(lq - lp));
}

static double log_add(double a, double b)
{
    if (a == -INFINITY) return b;
    if (b == -INFINITY) return a;
    return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b));
}

double ws_log_gauss_mass(double a, double b)
{
    if (!(a < b)) return -INFINITY;
    if (b <= 0) return log_diff(ws_log_ndtr(b), ws_log_ndtr(a));
    if (a > 0) return log_diff(ws_log_ndtr(-a), ws_log_ndtr(-b));
    return log1p(-ndtr(a) - ndtr(-b));
}

/* Acklam's rational approximation of the normal quantile (relative error < 1.2e-9), polished
 * below by Newton steps on log Phi. */
static double ndtri_acklam(double y)
{
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                               1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01, -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    const double p_low = 0.02425;
    double p = exp(y);
    if (p < p_low) {
        double q = sqrt(-2.0 * y);
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
             / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    }
    if (p <= 1.0 - p_low) {
        double q = p - 0.5, r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
             / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
    }
    double q = sqrt(-2.0 * log(-expm1(y)));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
         / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
}

double ws_ndtri_exp(double y)
{
    if (y >= 0) return INFINITY;
    if (y == -INFINITY) return -INFINITY;
    double x = ndtri_acklam(y);
    for (int i = 0; i < 3; i++) {
        double lp = ws_log_ndtr(x);
        /* d/dx log Phi(x) = phi(x) / Phi(x) */
        double slope = exp(-0.5 * x * x - LOG_SQRT_2PI - lp);
        if (!(slope > 0) || !isfinite(slope)) break;
        double dx = (lp - y) / slope;
        x -= dx;
        if (fabs(dx) <= 1e-15 * fmax(1.0, fabs(x))) break;
    }
    return x;
}

double ws_truncnorm_ppf(double u, double a, double b)
{
    if (u <= 0) return a;
    if (u >= 1) return b;
    double lm = ws_log_gauss_mass(a, b), x;
    if (a < 0) x = ws_ndtri_exp(log_add(ws_log_ndtr(a), log(u) + lm));
    else x = -ws_ndtri_exp(log_add(ws_log_ndtr(-b), log1p(-u) + lm));
    return fmin(fmax(x, a), b);
}

/* ---- building the estimator ---- */

static void dim_free(ws_parzen_dim *d)
{
    free(d->mu); free(d->sigma); free(d->log_mass); free(d->log_p); free(d->lconst); free(d->inv_sigma);
    d->mu = d->sigma = d->log_mass = d->log_p = d->lconst = d->inv_sigma = NULL;
}

void ws_parzen_release(ws_parzen *pe)
{
    if (!pe) return;
    for (size_t d = 0; pe->dims && d < pe->n_dims; d++) dim_free(&pe->dims[d]);
    free(pe->dims); free(pe->weights); free(pe->log_weights);
    memset(pe, 0, sizeof *pe);
}

/* The kernel-space range of a numeric distribution (Optuna's _calculate_parzen_bounds). */
static void dim_bounds(ws_parzen_dim *pd, const ws_dist *dist, const ws_parzen_opts *o)
{
    pd->kind = dist->kind;
    pd->vlow = dist->low; pd->vhigh = dist->high;
    pd->vstep = dist->kind == WS_DIST_INT ? (dist->step > 0 ? dist->step : 1) : dist->step;
    pd->log = dist->log;
    if (dist->log && dist->kind == WS_DIST_INT) {
        pd->low = log(dist->low - 0.5);
        pd->high = log(dist->high + 0.5);
        pd->cells = o->log_int_cells ? 2 : 0;
    } else if (dist->log) {
        pd->low = log(dist->low);
        pd->high = log(dist->high);
    } else if (pd->vstep > 0) {
        pd->q = pd->vstep;
        pd->low = dist->low - 0.5 * pd->q;
        pd->high = dist->high + 0.5 * pd->q;
        pd->cells = 1;
    } else {
        pd->low = dist->low;
        pd->high = dist->high;
    }
}

typedef struct { double v; size_t i; } keyed;

/* Stable sort by value (ties keep their order, as numpy's stable argsort): bottom-up merge
 * sort with the comparison inlined — it runs for every dimension of every estimator. */
static void sort_keyed(keyed *a, keyed *tmp, size_t n)
{
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n, i = lo, j = mid, k = lo;
            while (i < mid && j < hi) tmp[k++] = a[j].v < a[i].v ? a[j++] : a[i++];
            while (i < mid) tmp[k++] = a[i++];
            while (j < hi) tmp[k++] = a[j++];
        }
        memcpy(a, tmp, n * sizeof *a);
    }
}

/* Bandwidths of the m observation kernels and the prior (last), Optuna 3.1's rules. */
static int numeric_sigmas(ws_parzen_dim *pd, size_t m, size_t n_dims, const ws_parzen_opts *o)
{
    size_t nk = m + 1;
    double range = pd->high - pd->low;
    if (o->bandwidth == WS_BANDWIDTH_SCOTT) {
        double s0 = 0.2 * pow((double)(m > 0 ? m : 1), -1.0 / ((double)n_dims + 4.0));
        for (size_t k = 0; k < nk; k++) pd->sigma[k] = s0 * range;
    } else {
        keyed *s = malloc(2 * nk * sizeof *s);
        double *ext = malloc((nk + 2) * sizeof *ext), *ss = malloc(nk * sizeof *ss);
        if (!s || !ext || !ss) { free(s); free(ext); free(ss); return -1; }
        if (o->numpy_ties) {
            /* Optuna 3.1's np.argsort(mus): equal centres in numpy's quicksort order, which
             * decides which of them gets the gap below and which the gap above */
            size_t *ix = malloc(nk * sizeof *ix);
            if (!ix) { free(s); free(ext); free(ss); return -1; }
            ws_npy_argsort(pd->mu, ix, nk);
            for (size_t k = 0; k < nk; k++) { s[k].i = ix[k]; s[k].v = pd->mu[ix[k]]; }
            free(ix);
        } else {
            for (size_t k = 0; k < nk; k++) { s[k].v = pd->mu[k]; s[k].i = k; }
            sort_keyed(s, s + nk, nk);
        }
        ext[0] = pd->low;
        for (size_t k = 0; k < nk; k++) ext[k + 1] = s[k].v;
        ext[nk + 1] = pd->high;
        for (size_t k = 0; k < nk; k++) ss[k] = fmax(ext[k + 1] - ext[k], ext[k + 2] - ext[k + 1]);
        if (!o->endpoints && nk + 2 >= 4) {
            ss[0] = ext[2] - ext[1];
            ss[nk - 1] = ext[nk] - ext[nk - 1];
        }
        for (size_t k = 0; k < nk; k++) pd->sigma[s[k].i] = ss[k];
        free(s); free(ext); free(ss);
    }
    double lo = o->magic_clip ? range / fmin(100.0, 1.0 + (double)nk) : 1e-12;
    if (o->magic_clip && o->clip_kernels) lo = fmax(lo, range / fmin(100.0, 1.0 + (double)o->clip_kernels));
    for (size_t k = 0; k < nk; k++) {
        double sg = pd->sigma[k] * (o->bw_scale > 0 ? o->bw_scale : 1.0);
        pd->sigma[k] = fmin(fmax(sg, lo), range);
    }
    pd->sigma[m] = range;
    for (size_t k = 0; k < nk; k++) {
        pd->log_mass[k] = ws_log_gauss_mass((pd->low - pd->mu[k]) / pd->sigma[k], (pd->high - pd->mu[k]) / pd->sigma[k]);
        pd->inv_sigma[k] = 1.0 / pd->sigma[k];
        /* what every log-density term of kernel k adds besides its shape (see dim_log_pdf) */
        if (pd->cells == 0)
            pd->lconst[k] = -LOG_SQRT_2PI - (o->kernel_heights ? 0 : log(pd->sigma[k])) - pd->log_mass[k];
        else
            pd->lconst[k] = -pd->log_mass[k] + (o->kernel_heights > 1 ? log(pd->sigma[k]) : 0);
    }
    return 0;
}

int ws_parzen_init(ws_parzen *pe, const ws_dist *dists, size_t n_dims, const double *obs, size_t n_obs,
                   const double *obs_weights, const ws_parzen_opts *o, ws_err *e)
{
    memset(pe, 0, sizeof *pe);
    size_t m = n_obs, nk = m + 1;
    pe->n_obs = m; pe->n_kernels = nk; pe->n_dims = n_dims;
    pe->heights = o->kernel_heights;
    pe->weights = malloc(nk * sizeof *pe->weights);
    pe->log_weights = malloc(nk * sizeof *pe->log_weights);
    pe->dims = calloc(n_dims ? n_dims : 1, sizeof *pe->dims);
    if (!pe->weights || !pe->log_weights || !pe->dims) goto oom;

    if (obs_weights) memcpy(pe->weights, obs_weights, m * sizeof *obs_weights);
    else if (o->uniform_weights) for (size_t i = 0; i < m; i++) pe->weights[i] = 1.0;
    else ws_tpe_default_weights(m, pe->weights);
    pe->weights[m] = o->prior_weight;
    double sum = 0;
    for (size_t k = 0; k < nk; k++) sum += pe->weights[k];
    for (size_t k = 0; k < nk; k++) {
        pe->weights[k] /= sum;
        pe->log_weights[k] = log(pe->weights[k]);
    }

    for (size_t d = 0; d < n_dims; d++) {
        ws_parzen_dim *pd = &pe->dims[d];
        const ws_dist *dist = &dists[d];
        if (dist->kind == WS_DIST_CATEGORICAL) {
            size_t nc = ws_dist_n_choices(dist);
            if (nc == 0) { ws_parzen_release(pe); return ws_err_set(e, WS_EINPUT, "parzen: categorical without choices"); }
            pd->kind = WS_DIST_CATEGORICAL;
            pd->n_choices = nc;
            pd->log_p = malloc(nk * nc * sizeof *pd->log_p);
            if (!pd->log_p) goto oom;
            double base = o->prior_weight * (o->cat_smoothing > 0 ? o->cat_smoothing : 1.0) / (double)nk;
            for (size_t k = 0; k < nk; k++) {
                double *row = pd->log_p + k * nc, tot = base * (double)nc;
                for (size_t c = 0; c < nc; c++) row[c] = base;
                if (k < m) {
                    double v = obs[k * n_dims + d];
                    if (v >= 0 && v < (double)nc) { row[(size_t)v] += 1.0; tot += 1.0; }
                }
                for (size_t c = 0; c < nc; c++) row[c] = log(row[c] / tot);
            }
            continue;
        }
        dim_bounds(pd, dist, o);
        if (!(pd->low < pd->high)) {
            ws_parzen_release(pe);
            return ws_err_set(e, WS_EINPUT, "parzen: empty range [%g, %g]", dist->low, dist->high);
        }
        pd->mu = malloc(nk * sizeof *pd->mu);
        pd->sigma = malloc(nk * sizeof *pd->sigma);
        pd->log_mass = malloc(nk * sizeof *pd->log_mass);
        pd->lconst = malloc(nk * sizeof *pd->lconst);
        pd->inv_sigma = malloc(nk * sizeof *pd->inv_sigma);
        if (!pd->mu || !pd->sigma || !pd->log_mass || !pd->lconst || !pd->inv_sigma) goto oom;
        for (size_t k = 0; k < m; k++) {
            double v = obs[k * n_dims + d];
            pd->mu[k] = pd->log ? log(v) : v;
        }
        pd->mu[m] = 0.5 * (pd->low + pd->high);
        if (numeric_sigmas(pd, m, n_dims, o)) goto oom;
    }
    return 0;
oom:
    ws_parzen_release(pe);
    return ws_err_set(e, WS_ENOMEM, "parzen: out of memory");
}

/* ---- sampling ---- */

static double snap(const ws_parzen_dim *pd, double x)
{
    double v;
    if (pd->log) v = exp(x);
    else v = x;
    if (pd->vstep > 0) v = rint((v - pd->vlow) / pd->vstep) * pd->vstep + pd->vlow;
    return fmin(fmax(v, pd->vlow), pd->vhigh);
}

void ws_parzen_sample(const ws_parzen *pe, ws_rng *rng, size_t n, double *out)
{
    size_t nk = pe->n_kernels, nd = pe->n_dims;
    for (size_t j = 0; j < n; j++) {
        /* the kernel: first k whose cumulative weight exceeds u (numpy's choice) */
        double u = ws_rng_uniform(rng), cum = 0;
        size_t k = nk - 1;
        for (size_t i = 0; i < nk; i++) {
            cum += pe->weights[i];
            if (u < cum) { k = i; break; }
        }
        for (size_t d = 0; d < nd; d++) {
            const ws_parzen_dim *pd = &pe->dims[d];
            double r = ws_rng_uniform(rng);
            if (pd->kind == WS_DIST_CATEGORICAL) {
                const double *row = pd->log_p + k * pd->n_choices;
                double c = 0;
                size_t idx = 0;
                for (size_t i = 0; i < pd->n_choices; i++) {
                    c += exp(row[i]);
                    if (c < r) idx = i + 1;
                }
                out[j * nd + d] = (double)(idx < pd->n_choices ? idx : pd->n_choices - 1);
                continue;
            }
            double mu = pd->mu[k], sg = pd->sigma[k];
            double z = ws_truncnorm_ppf(r, (pd->low - mu) / sg, (pd->high - mu) / sg);
            double x = fmin(fmax(mu + sg * z, pd->low), pd->high);
            out[j * nd + d] = snap(pd, x);
        }
    }
}

/* ---- log-density ---- */

/* log(Phi(b) - Phi(a)) for a < b, the log mass of a cell: in probability space with erfc (two
 * erfc and one log). A cell more than 37 sigma from the kernel's centre gets -inf: its true
 * log mass is below -684, and every mixture also holds the prior kernel (sigma = the whole
 * range, so never that far), which outweighs such a term by more than e^600. */
static double log_cell_mass(double a, double b)
{
    if (b <= 0) return b > -37 ? log(0.5 * (erfc(-b * SQRT1_2) - erfc(-a * SQRT1_2))) : -INFINITY;
    if (a > 0) return a < 37 ? log(0.5 * (erfc(a * SQRT1_2) - erfc(b * SQRT1_2))) : -INFINITY;
    return log1p(-0.5 * erfc(-a * SQRT1_2) - 0.5 * erfc(b * SQRT1_2));
}

/* Writes dimension d's log kernel densities at internal value v to t[0..nk). */
static void dim_log_pdf(const ws_parzen_dim *pd, size_t nk, double v, double *t)
{
    if (pd->kind == WS_DIST_CATEGORICAL) {
        if (!(v >= 0 && v < (double)pd->n_choices)) {
            for (size_t k = 0; k < nk; k++) t[k] = -INFINITY;
            return;
        }
        size_t c = (size_t)v;
        for (size_t k = 0; k < nk; k++) t[k] = pd->log_p[k * pd->n_choices + c];
        return;
    }
    double x = pd->log ? log(v) : v;
    if (!(x >= pd->low && x <= pd->high)) {
        for (size_t k = 0; k < nk; k++) t[k] = -INFINITY;
        return;
    }
    if (pd->cells == 0) {
        /* truncated normal: -z^2/2 - log sqrt(2 pi) - log sigma - log mass (lconst) */
        for (size_t k = 0; k < nk; k++) {
            double z = (x - pd->mu[k]) * pd->inv_sigma[k];
            t[k] = pd->lconst[k] - 0.5 * z * z;
        }
        return;
    }
    /* stepped: the kernel's mass on x's cell over its mass on the range */
    double lo, hi;
    if (pd->cells == 1) {
        lo = fmax(x - 0.5 * pd->q, pd->low);
        hi = fmin(x + 0.5 * pd->q, pd->high);
    } else {
        lo = log(fmax(v - 0.5, pd->vlow - 0.5));
        hi = log(fmin(v + 0.5, pd->vhigh + 0.5));
    }
    for (size_t k = 0; k < nk; k++) {
        double is = pd->inv_sigma[k];
        t[k] = log_cell_mass((lo - pd->mu[k]) * is, (hi - pd->mu[k]) * is) + pd->lconst[k];
    }
}

enum { BLOCK = 16 };   /* points per pass: bounds the scratch memory to 2 * BLOCK * n_kernels */

void ws_parzen_log_pdf(const ws_parzen *pe, const double *x, size_t n, double *out)
{
    size_t nk = pe->n_kernels, nd = pe->n_dims;
    double *acc = malloc(BLOCK * nk * sizeof *acc), *term = malloc(BLOCK * nk * sizeof *term);
    if (!acc || !term) {
        for (size_t j = 0; j < n; j++) out[j] = NAN;
        free(acc); free(term);
        return;
    }
    for (size_t j0 = 0; j0 < n; j0 += BLOCK) {
        size_t m = n - j0 < BLOCK ? n - j0 : BLOCK;
        for (size_t j = 0; j < m; j++) memcpy(acc + j * nk, pe->log_weights, nk * sizeof *acc);
        for (size_t d = 0; d < nd; d++) {
            const ws_parzen_dim *pd = &pe->dims[d];
            for (size_t j = 0; j < m; j++) {
                double v = x[(j0 + j) * nd + d];
                double *tj = term + j * nk;
                /* stepped and categorical values repeat among candidates: reuse their terms */
                size_t same = j;
                if (pd->kind == WS_DIST_CATEGORICAL || pd->cells)
                    for (size_t i = 0; i < j; i++) if (x[(j0 + i) * nd + d] == v) { same = i; break; }
                if (same < j) memcpy(tj, term + same * nk, nk * sizeof *tj);
                else dim_log_pdf(pd, nk, v, tj);
                double *aj = acc + j * nk;
                for (size_t k = 0; k < nk; k++) aj[k] += tj[k];
            }
        }
        for (size_t j = 0; j < m; j++) {
            const double *aj = acc + j * nk;
            double mx = -INFINITY;
            for (size_t k = 0; k < nk; k++) if (aj[k] > mx) mx = aj[k];
            if (mx == -INFINITY) { out[j0 + j] = -INFINITY; continue; }
            double s = 0;
            for (size_t k = 0; k < nk; k++) {
                double dlt = aj[k] - mx;
                if (dlt > -50) s += exp(dlt);   /* below e^-50 a term cannot move the sum */
            }
            out[j0 + j] = mx + log(s);
        }
    }
    free(acc);
    free(term);
}
