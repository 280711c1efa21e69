/* test_audio_transform.c — the train-time transforms' definitions (parity with torchaudio is in
 * test_audio_mel.c): log offset, dB floor, DCT orthonormality, MFCC of a flat spectrum, SNR gain. */
#include <stdlib.h>
#include "audio/transform.h"
#include "harness.h"

static void test_logmel(void)
{
    float p[4] = {0, 1e-6f, 1, 100}, q[4];
    audio_logmel(p, q, 4, AUDIO_LOG_EPS);
    CHECK_NEAR(q[0], log(1e-6), 1e-5);
    CHECK_NEAR(q[1], log(2e-6), 1e-5);
    CHECK_NEAR(q[3], log(100 + 1e-6), 1e-5);
    audio_logmel(p, p, 4, AUDIO_LOG_EPS);   /* in place */
    CHECK(p[2] == q[2], "in place differs");
}

static void test_db(void)
{
    float p[4] = {0, 1e-3f, 1, 1000}, q[4];
    audio_power_to_db(p, q, 4, AUDIO_DB_AMIN, 0);
    CHECK_NEAR(q[0], -100, 1e-4);
    CHECK_NEAR(q[1], -30, 1e-4);
    CHECK_NEAR(q[3], 30, 1e-4);
    audio_power_to_db(p, q, 4, AUDIO_DB_AMIN, 40);
    CHECK_NEAR(q[0], -10, 1e-4);   /* floored at max 30 dB - 40 dB */
    CHECK_NEAR(q[1], -10, 1e-4);
    CHECK_NEAR(q[2], 0, 1e-4);
}

static void test_dct_orthonormal(void)
{
    enum { N = 40 };
    float *d = malloc(sizeof(float) * N * N);
    audio_dct_matrix(N, N, d);
    double worst = 0;
    for (int a = 0; a < N; a++)
        for (int b = 0; b < N; b++) {
            double s = 0;
            for (int n = 0; n < N; n++) s += (double)d[n * N + a] * d[n * N + b];
            worst = fmax(worst, fabs(s - (a == b)));
        }
    CHECK(worst < 1e-6, "D^T D differs from I by %g", worst);
    free(d);
}

static void test_mfcc_flat(void)
{
    enum { M = 40, K = 13, T = 3 };
    float dct[M * K], p[T * M], out[T * K], scratch[M];
    audio_dct_matrix(K, M, dct);
    for (int i = 0; i < T * M; i++) p[i] = 2.0f;
    audio_mfcc_from_power(p, T, M, dct, K, AUDIO_LOG_EPS, scratch, out);
    double v = log(2.0 + 1e-6);
    CHECK_NEAR(out[K + 0], v * sqrt((double)M), 1e-4);
    for (int k = 1; k < K; k++) CHECK_NEAR(out[2 * K + k], 0, 1e-5);
}

static void test_snr(void)
{
    CHECK_NEAR(audio_snr_gain(1, 1, 10), 0.1, 1e-6);
    CHECK_NEAR(audio_snr_gain(4, 2, 0), 2, 1e-6);
    CHECK(audio_snr_gain(1, 0, 10) == 0, "silent noise must give gain 0");
    CHECK_NEAR(audio_mix_power(1, 3, 0.5f), 2.5, 1e-6);
}

int main(void)
{
    RUN(test_logmel);
    RUN(test_db);
    RUN(test_dct_orthonormal);
    RUN(test_mfcc_flat);
    RUN(test_snr);
    return test_summary();
}
