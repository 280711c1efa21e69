/* npy_argsort.h — numpy's default argsort of doubles (kind="quicksort", numpy 1.24, the one
 * Debian's python3-optuna 3.1 runs on), order of equal values included. Optuna 3.1's Parzen
 * estimator hands out bandwidths in np.argsort(mus) order, and equal centres get different
 * ones: to draw as Optuna does, the optuna mode must tie-break as this sort does, which no
 * stable sort does past 16 elements. */
#ifndef WS_SAMPLER_NPY_ARGSORT_H
#define WS_SAMPLER_NPY_ARGSORT_H
#include <stddef.h>

/* idx[0..n) gets the permutation np.argsort(v) returns: v[idx[0]] <= v[idx[1]] <= ..., NaN
 * last. */
void ws_npy_argsort(const double *v, size_t *idx, size_t n);

#endif
