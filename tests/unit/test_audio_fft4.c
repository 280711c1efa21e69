/* test_audio_fft4.c — the frames' FFT of lib/audio/fft4.h: its sixteen-lane AVX-512 build gives
 * the four-lane SSE build's power spectra to the bit (so a cache does not depend on the CPU that
 * made it), for frame counts that fill a call or not and FFT sizes of every radix kissfft has;
 * and both agree with a direct DFT computed in double precision (an independent reference; the
 * torchaudio golden files of test_audio_mel check the STFT around it). */
#include <stdint.h>
#include <stdlib.h>
#include "harness.h"
#include "audio/fft4.h"
#include "core/rng.h"

static const int sizes[] = {512, 400, 480, 500, 256, 1024, 18, 14, 10, 6, 4};
#define N_SIZES (int)(sizeof sizes / sizeof sizes[0])

/* power[k * lanes + l] of `rows` frames of src (hop apart, n samples each, windowed by w) */
static int power_of(audio_fft4 *f, const float *src, size_t hop, const float *w, int n, int rows, float *power)
{
    int lanes = audio_fft4_lanes(f);
    audio_fft4_window(f, src, hop, w, n, 0, rows < lanes ? rows : lanes);
    audio_fft4_power(f, power);
    return lanes;
}

static void test_sixteen_lanes_same_bits(void)
{
    if (!audio_fft4_lanes_available(16))
        SKIP("no sixteen-lane FFT here: this CPU has no AVX-512F, or the compiler could not target it");
    ws_rng r;
    ws_rng_seed(&r, 7);
    int compared = 0;
    for (int si = 0; si < N_SIZES && !test_why[0]; si++) {
        int n = sizes[si], bins = n / 2 + 1;
        size_t hop = (size_t)n / 3 + 1;
        float *src = malloc(sizeof(float) * (hop * 16 + (size_t)n)), *w = malloc(sizeof(float) * (size_t)n);
        float *p16 = malloc(sizeof(float) * (size_t)bins * 16), *p4 = malloc(sizeof(float) * (size_t)bins * 4);
        audio_fft4 *f16 = audio_fft4_alloc_lanes(n, 16), *f4 = audio_fft4_alloc_lanes(n, 4);
        CHECK(src && w && p16 && p4 && f16 && f4, "n_fft %d: out of memory", n);
        if (!test_why[0]) {
            for (size_t i = 0; i < hop * 16 + (size_t)n; i++) src[i] = (float)(2 * ws_rng_uniform(&r) - 1);
            for (int i = 0; i < n; i++) w[i] = (float)ws_rng_uniform(&r);
        }
        /* every count of frames a clip's last call can hold */
        for (int rows = 1; rows <= 16 && !test_why[0]; rows++) {
            CHECK(power_of(f16, src, hop, w, n, rows, p16) == 16, "n_fft %d: not sixteen lanes", n);
            for (int g = 0; g < 16 && !test_why[0]; g += 4) {
                int rows4 = rows - g < 0 ? 0 : rows - g > 4 ? 4 : rows - g;
                power_of(f4, src + (size_t)g * hop, hop, w, n, rows4, p4);
                for (int k = 0; k < bins; k++)
                    for (int l = 0; l < 4; l++) {
                        float a = p16[k * 16 + g + l], b = p4[k * 4 + l];
                        CHECK(memcmp(&a, &b, sizeof a) == 0, "n_fft %d, %d frames, frame %d, bin %d: sixteen lanes "
                              "%.9g, four lanes %.9g", n, rows, g + l, k, (double)a, (double)b);
                        if (g + l >= rows) CHECK(a == 0.0f, "n_fft %d: lane %d past %d frames is %g, not 0", n, g + l, rows, (double)a);
                    }
                compared++;
            }
        }
        audio_fft4_free(f16); audio_fft4_free(f4);
        free(src); free(w); free(p16); free(p4);
    }
    printf("# %d calls of four lanes held against sixteen, %d FFT sizes\n", compared, N_SIZES);
}

/* The power spectra of every lane count this machine has, against a DFT in double precision. */
static void test_lanes_against_dft(void)
{
    ws_rng r;
    ws_rng_seed(&r, 11);
    double worst = 0;
    for (int lanes = 4; lanes <= 16 && !test_why[0]; lanes *= 4) {
        if (!audio_fft4_lanes_available(lanes)) continue;
        for (int si = 0; si < N_SIZES && !test_why[0]; si++) {
            int n = sizes[si], bins = n / 2 + 1;
            float *src = malloc(sizeof(float) * (size_t)n * (size_t)lanes), *w = malloc(sizeof(float) * (size_t)n);
            float *p = malloc(sizeof(float) * (size_t)bins * (size_t)lanes);
            audio_fft4 *f = audio_fft4_alloc_lanes(n, lanes);
            CHECK(src && w && p && f, "n_fft %d: out of memory", n);
            if (!test_why[0]) {
                for (int i = 0; i < n * lanes; i++) src[i] = (float)(2 * ws_rng_uniform(&r) - 1);
                for (int i = 0; i < n; i++) w[i] = 1.0f;
                power_of(f, src, (size_t)n, w, n, lanes, p);
            }
            for (int l = 0; l < lanes && !test_why[0]; l++) {
                double peak = 0, *ref = malloc(sizeof(double) * (size_t)bins);
                CHECK(ref != NULL, "out of memory");
                for (int k = 0; ref && k < bins; k++) {
                    double re = 0, im = 0;
                    for (int i = 0; i < n; i++) {
                        double a = -2.0 * M_PI * (double)k * (double)i / (double)n;
                        re += src[(size_t)l * (size_t)n + (size_t)i] * cos(a);
                        im += src[(size_t)l * (size_t)n + (size_t)i] * sin(a);
                    }
                    ref[k] = re * re + im * im;
                    if (ref[k] > peak) peak = ref[k];
                }
                for (int k = 0; ref && k < bins; k++) {
                    double err = fabs(p[k * lanes + l] - ref[k]) / peak;
                    if (err > worst) worst = err;
                    CHECK(err <= 1e-5, "%d lanes, n_fft %d, frame %d, bin %d: %.9g, DFT %.9g (error %.3g of the peak)",
                          lanes, n, l, k, (double)p[k * lanes + l], ref[k], err);
                }
                free(ref);
            }
            audio_fft4_free(f);
            free(src); free(w); free(p);
        }
    }
    printf("# largest error against the DFT, as a share of the peak: %.3g\n", worst);
}

int main(void)
{
    RUN(test_sixteen_lanes_same_bits);
    RUN(test_lanes_against_dft);
    return test_summary();
}
