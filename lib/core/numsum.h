/* numsum.h — sums of doubles in the order numpy adds them, so that a mean we report is the
 * double numpy (and scikit-learn, Optuna on top of it) would print for the same values. */
#ifndef WS_CORE_NUMSUM_H
#define WS_CORE_NUMSUM_H
#include <stddef.h>

/* numpy.add.reduce over a contiguous float64 array of n values (numpy 1.24's pairwise_sum):
 * left to right below 8 values, eight running sums up to 128, halves (split at a multiple of 8)
 * above that, in blocks of 8192 (numpy's buffer) added one after another. numpy.mean(v) is
 * ws_sum_numpy(v, n) / n. */
double ws_sum_numpy(const double *v, size_t n);

#endif
