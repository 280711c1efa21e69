/* parzen.h — the Parzen estimator at the heart of TPE: a weighted mixture of product kernels,
 * one kernel per observation plus a prior kernel, over one or more parameters.
 *
 * Numeric parameters live in a "kernel space": log(x) for log scale, the range widened by
 * step/2 on both sides for stepped floats and ints (Optuna's convention). Kernel k of dimension
 * d is a normal N(mu_kd, sigma_kd) truncated to that range; a stepped parameter's density at x is
 * the kernel's mass on x's cell [x - step/2, x + step/2]. A categorical kernel is a row of choice
 * probabilities: prior_weight/(m+1) everywhere plus 1 at the observed choice, normalised; the
 * prior row is uniform. The mixture weights are the observation weights (Optuna's
 * default_weights ramp, or all ones) followed by prior_weight, normalised to sum 1. Bandwidths
 * follow Optuna 3.1: the distance to the farther sorted neighbour (univariate) or Scott's rule
 * 0.2 m^(-1/(d+4)) (high - low) (multivariate), clipped by the "magic clip".
 *
 * Values passed in and out are Optuna's internal representation (categorical: choice index).
 * The log-density is the normalised one unless opts.kernel_heights asks for Optuna 3.1.0's
 * (which omits -log(sigma) of continuous kernels; fixed upstream in optuna#5110, v3.5). */
#ifndef WS_SAMPLER_PARZEN_H
#define WS_SAMPLER_PARZEN_H
#include <stddef.h>
#include "core/err.h"
#include "core/rng.h"
#include "space/dist.h"

typedef enum {
    WS_BANDWIDTH_NEIGHBOUR,  /* Optuna 3.1 univariate: farther sorted neighbour, prior included */
    WS_BANDWIDTH_SCOTT,      /* Optuna 3.1 multivariate: 0.2 * max(m,1)^(-1/(d+4)) * range */
} ws_bandwidth;

typedef struct {
    double prior_weight;     /* weight of the prior kernel before normalisation (1.0) */
    int magic_clip;          /* sigma >= range / min(100, 1 + n_kernels) (1); else >= 1e-12 */
    int endpoints;           /* outermost kernels also measure to the range ends (0) */
    ws_bandwidth bandwidth;
    int uniform_weights;     /* 1: every observation weighs 1; 0: Optuna's default_weights ramp */
    int log_int_cells;       /* log-scale ints: density = mass of [x-0.5, x+0.5] mapped to log
                                space (Optuna >= 4.6); 0: continuous density in log space (3.1) */
    double bw_scale;         /* multiplies every observation bandwidth before the clip (1.0) */
    double cat_smoothing;    /* categorical kernels spread cat_smoothing * prior_weight / (m+1)
                                over every choice (1: Optuna) */
    int kernel_heights;      /* 1: continuous kernels enter the log-density without their
                                -log(sigma), i.e. weighted by their height rather than their
                                mass — what Optuna 3.1.0 computes (optuna#5109); 0: the
                                normalised density; 2: stepped kernels too (cell mass * sigma) */
    size_t clip_kernels;     /* with magic_clip: bandwidths also >= range / min(100, 1 +
                                clip_kernels), the clip of an estimator of that many kernels
                                (0: only this estimator's own clip) */
    int numpy_ties;          /* neighbour bandwidths: 1 sorts the centres as Optuna 3.1's
                                np.argsort (numpy's quicksort, npy_argsort.h), so equal centres
                                get their gaps as there; 0: a stable sort (equal centres in
                                observation order, the prior last) */
} ws_parzen_opts;

/* Optuna 3.1's TPE defaults (NEIGHBOUR bandwidths, ramp weights). */
void ws_parzen_opts_default(ws_parzen_opts *o);

typedef struct {
    ws_dist_kind kind;
    int log;                 /* numeric: kernels live in log space */
    int cells;               /* 0 continuous; 1 cells of width q in kernel space; 2 cells of
                                width 1 in value space mapped to log space (log ints) */
    double q;                /* cell width (cells == 1) */
    double low, high;        /* kernel-space range */
    double vlow, vhigh, vstep; /* the distribution's own bounds and step (0: continuous) */
    size_t n_choices;        /* categorical */
    double *mu, *sigma;      /* [n_kernels] kernel centres and bandwidths (numeric) */
    double *log_mass;        /* [n_kernels] log of kernel mass on [low, high] (numeric) */
    double *log_p;           /* [n_kernels * n_choices] log choice probabilities (categorical) */
    double *lconst, *inv_sigma; /* [n_kernels] per-kernel constants of the log-density (numeric) */
} ws_parzen_dim;

typedef struct {
    size_t n_obs, n_kernels, n_dims;  /* n_kernels = n_obs + 1 (the prior is the last kernel) */
    int heights;                      /* opts.kernel_heights */
    double *weights;                  /* [n_kernels], sums to 1 */
    double *log_weights;              /* [n_kernels] */
    ws_parzen_dim *dims;              /* [n_dims] */
} ws_parzen;

/* Builds the estimator of n_obs observations (obs[i * n_dims + d], internal values, oldest
 * first) over the distributions dists[0..n_dims). `obs_weights` (n_obs, or NULL for the
 * opts' rule) overrides the observation weights. 0 or -1 (bad distribution, memory). */
int ws_parzen_init(ws_parzen *pe, const ws_dist *dists, size_t n_dims, const double *obs, size_t n_obs,
                   const double *obs_weights, const ws_parzen_opts *o, ws_err *e);
void ws_parzen_release(ws_parzen *pe);
/* Draws n points (out[j * n_dims + d], internal values on each distribution's grid). */
void ws_parzen_sample(const ws_parzen *pe, ws_rng *rng, size_t n, double *out);
/* Log-density of n points x[j * n_dims + d] (internal values); -inf outside the support. */
void ws_parzen_log_pdf(const ws_parzen *pe, const double *x, size_t n, double *out);

/* Optuna's default_weights(n): n < 25: all 1; else a ramp from 1/n to 1 over the oldest n-25,
 * then 25 ones. */
void ws_tpe_default_weights(size_t n, double *w);

/* Standard normal helpers, accurate in the tails. */
double ws_log_ndtr(double x);                 /* log Phi(x) */
double ws_log_gauss_mass(double a, double b); /* log(Phi(b) - Phi(a)), a <= b */
double ws_ndtri_exp(double y);                /* x with log Phi(x) = y */
/* Inverse CDF of the standard normal truncated to [a, b] at u in [0, 1]. */
double ws_truncnorm_ppf(double u, double a, double b);

#endif
