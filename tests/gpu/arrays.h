/* arrays.h — random and zero float arrays and the normwise relative error, for the CUDA
 * backend's tests (test_cuda_host.c, test_cuda_gpu.c). Header-only: each test is one file. */
#ifndef WS_TEST_GPU_ARRAYS_H
#define WS_TEST_GPU_ARRAYS_H
#include <math.h>
#include <stdlib.h>
#include "core/rng.h"

/* n draws uniform in [lo, hi) from r. */
static inline float *randv_from(ws_rng *r, size_t n, float lo, float hi)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; v && i < n; i++) v[i] = lo + (hi - lo) * (float)ws_rng_uniform(r);
    return v;
}

static inline float *zeros(size_t n) { return calloc(n ? n : 1, sizeof(float)); }

/* ||a - b|| / max(||b||, tiny) */
static inline double rel_err(const float *a, const float *b, size_t n)
{
    double d = 0, s = 0;
    for (size_t i = 0; i < n; i++) {
        d += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        s += (double)b[i] * b[i];
    }
    return sqrt(d) / fmax(sqrt(s), 1e-30);
}

#endif
