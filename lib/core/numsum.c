/* numsum.c — numpy's pairwise summation, repeated step by step (numpy/core/src/umath/
 * loops_utils.h.src, DOUBLE_pairwise_sum). Its last digit differs from a left-to-right sum's for
 * some arrays of 8 values or more, and a mean compared with numpy's (tests, golden files) is
 * compared exactly. */
#include "core/numsum.h"

enum { NUMPY_PW_BLOCKSIZE = 128 };   /* numpy's PW_BLOCKSIZE */

static double pairwise_sum(const double *v, size_t n)
{
    if (n < 8) {
        double s = 0.;
        for (size_t i = 0; i < n; i++) s += v[i];
        return s;
    }
    if (n <= NUMPY_PW_BLOCKSIZE) {
        double r[8];
        size_t i;
        for (int j = 0; j < 8; j++) r[j] = v[j];
        for (i = 8; i < n - n % 8; i += 8)
            for (int j = 0; j < 8; j++) r[j] += v[i + j];
        double s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++) s += v[i];   /* the rest past the last multiple of 8, in order */
        return s;
    }
    size_t half = n / 2;
    half -= half % 8;
    return pairwise_sum(v, half) + pairwise_sum(v + half, n - half);
}

/* The reduction starts from add's identity, 0., and adds the pairwise sum to it (a -0. sum
 * becomes 0.). Its iterator hands the inner loop at most a buffer's worth of elements at a time
 * (NPY_BUFSIZE, 8192), contiguous input too: past that, each block is summed pairwise and added
 * to the running sum in turn (one pairwise sum of the whole differed from numpy's for some
 * arrays). */
enum { NUMPY_BUFSIZE = 8192 };   /* numpy's NPY_BUFSIZE */

double ws_sum_numpy(const double *v, size_t n)
{
    double s = 0.;
    for (size_t at = 0; at < n; at += NUMPY_BUFSIZE)
        s += pairwise_sum(v + at, n - at < NUMPY_BUFSIZE ? n - at : NUMPY_BUFSIZE);
    return s;
}
