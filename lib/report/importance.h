/* importance.h — which parameters mattered: PED-ANOVA (Watanabe, Bansal and Hutter, 2023,
 * "PED-ANOVA: Efficiently Quantifying Hyperparameter Importance in Arbitrary Subspaces").
 *
 * The importance of a parameter to reach the top-γ' quantile of trials is the Pearson
 * divergence between the distribution of its values in the top-γ' trials (p_top) and in all
 * trials (p_all, the paper's γ = 1):   D = ∫ p_all (p_top / p_all − 1)² = ∫ (p_top − p_all)² / p_all,
 * normalised over the searched parameters so the importances sum to 1. Both distributions are
 * 1-D Parzen estimators:
 *   - float and int parameters: on the unit interval of the transformed domain
 *     u = (T(x) − T(low)) / (T(high) − T(low)), T = log for log parameters, else identity; one
 *     Gaussian kernel per trial, truncated to [0, 1], bandwidth by Scott's rule
 *     h = max(WS_PED_MIN_BANDWIDTH, 1.059 · min(sd, IQR / 1.34) · m^(−1/5)) (sd alone when the
 *     IQR is 0; the floor alone when m < 2), plus a uniform prior of weight WS_PED_PRIOR_WEIGHT;
 *     D is taken on WS_PED_CELLS equal cells of [0, 1] (exact cell masses from the normal CDF);
 *   - categorical parameters: P[c] = (count_c + w / K) / (m + w), with w the prior weight.
 * A conditional parameter (absent from some trials) is measured on the trials that hold it.
 * A parameter with one possible value (a single-choice categorical, or low == high) or with the
 * same value in every one of more than WS_PED_MIN_TOP trials that hold it (e.g. fixed by
 * stage 1 of a staged study) is not searched: importance 0, left out of the normalisation,
 * listed as fixed.
 *
 * The top set is the WS_PED_TOP_QUANTILE best COMPLETE trials as the report ranks them (feasible
 * first, then by value), rounded up, and at least WS_PED_MIN_TOP of them; with no trial left
 * outside it there is nothing to compare and no importance is computed. */
#ifndef WS_REPORT_IMPORTANCE_H
#define WS_REPORT_IMPORTANCE_H
#include <stddef.h>
#include "core/err.h"
#include "space/dist.h"
#include "store/trial.h"

#define WS_PED_TOP_QUANTILE 0.1
#define WS_PED_MIN_TOP 5
#define WS_PED_CELLS 64
#define WS_PED_PRIOR_WEIGHT 1.0
#define WS_PED_MIN_BANDWIDTH 0.05

/* Size of the top set for n ranked trials (may equal n: then nothing can be compared). */
size_t ws_ped_top_count(size_t n);
/* Whether d allows one value only. */
int ws_ped_single(const ws_dist *d);
/* An internal value of a float/int parameter on the unit interval of its transformed domain. */
double ws_ped_unit(const ws_dist *d, double internal);
/* Pearson divergence of the top set against all, numeric (unit-interval values) and
 * categorical (choice indices below k). Empty top set: 0. */
double ws_ped_divergence_numeric(const double *u_all, size_t n_all, const double *u_top, size_t n_top);
double ws_ped_divergence_categorical(const int *c_all, size_t n_all, const int *c_top, size_t n_top, size_t k);

/* PED-ANOVA on a matrix: x[i * n_params + j] is the internal value of parameter j in trial i
 * (NaN: absent), is_top[i] whether trial i is in the top set. Fills div[j] (raw divergence, 0
 * for single-valued dists) and imp[j] (normalised over the searched ones; uniform when every
 * divergence is 0). */
int ws_ped_anova(const ws_dist *dists, size_t n_params, const double *x, const unsigned char *is_top,
                 size_t n_trials, double *div, double *imp, ws_err *e);

typedef struct {
    const char *name;     /* borrowed from the trials */
    ws_dist dist;         /* the searched distribution (a copy) */
    int searched;         /* 0: one value only, or the same in every trial (fixed) */
    double divergence;    /* raw Pearson divergence */
    double importance;    /* normalised; 0 when not searched; NaN when not computed */
    size_t n;             /* ranked trials that hold the parameter */
} ws_importance_param;

typedef struct {
    int computed;             /* 0: too few ranked trials (see note) */
    char note[160];           /* why not computed, else empty */
    size_t n_trials, n_top;   /* ranked trials (COMPLETE with a value), of them in the top set */
    ws_importance_param *v;   /* one per parameter seen in the trials, in `names` order */
    size_t n;
} ws_importance;

/* Parameters named in `names` (a JSON array of strings; their dist is the first non-single one
 * a trial holds, else the first seen, and for a numeric parameter whose range changed during
 * the study the union of its ranges); ranked = indices of COMPLETE trials with a value, best
 * first. Values under another dist than the chosen one are taken through ws_param_value_under
 * (a number outside the range counts at its nearest end). */
int ws_importance_compute(ws_importance *imp, const ws_trial_list *trials, const size_t *ranked, size_t n_ranked,
                          const json_t *names, ws_err *e);
void ws_importance_release(ws_importance *imp);
/* The internal value of trial t's parameter under dist d: a number of d's kind as it is (even
 * outside d's range), else converted through its external value; NaN when absent or not
 * representable. */
double ws_param_value_under(const ws_trial *t, const char *name, const ws_dist *d);

#endif
