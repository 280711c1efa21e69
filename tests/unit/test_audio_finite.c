/* test_audio_finite.c — audio_first_nonfinite (lib/audio/finite.h) finds the first NaN or
 * infinity wherever it is (in the first, a middle or the last block, on a block's edges, one of
 * several), and none in finite extremes (FLT_MAX, the smallest subnormal, -0), against isfinite
 * element by element. */
#include <float.h>
#include <stdlib.h>
#include "harness.h"
#include "audio/finite.h"

static size_t by_isfinite(const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return i;
    return n;
}

static void test_first_nonfinite(void)
{
    const size_t n = 5000;
    float *x = malloc(sizeof(float) * n);
    CHECK(x != NULL, "out of memory");
    if (!x) return;
    const float extremes[] = {FLT_MAX, -FLT_MAX, FLT_MIN, 1e-45f, -0.0f, 0.0f, 1.0f};
    for (size_t i = 0; i < n; i++) x[i] = extremes[i % (sizeof extremes / sizeof extremes[0])];
    CHECK(audio_first_nonfinite(x, n) == n, "finite extremes: found %zu", audio_first_nonfinite(x, n));
    CHECK(audio_first_nonfinite(x, 0) == 0, "empty");
    const float bad[] = {NAN, -NAN, INFINITY, -INFINITY};
    const size_t at[] = {0, 1, 1023, 1024, 1025, 2047, 2048, 3000, 4095, 4096, 4999};
    int cases = 0;
    for (size_t b = 0; b < 4; b++)
        for (size_t a = 0; a < sizeof at / sizeof at[0]; a++) {
            float keep = x[at[a]];
            x[at[a]] = bad[b];
            CHECK(audio_first_nonfinite(x, n) == by_isfinite(x, n) && by_isfinite(x, n) == at[a],
                  "%g at %zu: found %zu", (double)bad[b], at[a], audio_first_nonfinite(x, n));
            /* a second one later: the first is named */
            if (at[a] + 7 < n) {
                float keep2 = x[at[a] + 7];
                x[at[a] + 7] = NAN;
                CHECK(audio_first_nonfinite(x, n) == at[a], "two: found %zu, want %zu", audio_first_nonfinite(x, n), at[a]);
                x[at[a] + 7] = keep2;
            }
            /* a length that ends before it does not see it */
            CHECK(audio_first_nonfinite(x, at[a]) == at[a], "before %zu: found %zu", at[a], audio_first_nonfinite(x, at[a]));
            x[at[a]] = keep;
            cases++;
        }
    printf("# %d positions of NaN, -NaN, +Inf and -Inf\n", cases);
    free(x);
}

int main(void)
{
    RUN(test_first_nonfinite);
    return test_summary();
}
