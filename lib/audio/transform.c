/* transform.c — the CPU loops over transform_math.h (see transform.h). */
#include "audio/transform.h"

void audio_logmel(const float *p, float *out, size_t n, float eps)
{
    for (size_t i = 0; i < n; i++) out[i] = audio_log_power(p[i], eps);
}

void audio_power_to_db(const float *p, float *out, size_t n, float amin, float top_db)
{
    float max_db = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        out[i] = audio_power_db(p[i], amin);
        if (out[i] > max_db) max_db = out[i];
    }
    if (top_db > 0)
        for (size_t i = 0; i < n; i++) out[i] = audio_db_floor(out[i], max_db, top_db);
}

void audio_dct_matrix(int n_mfcc, int n_mels, float *dct)
{
    for (int n = 0; n < n_mels; n++)
        for (int k = 0; k < n_mfcc; k++) dct[n * n_mfcc + k] = audio_dct_ortho(n, k, n_mels);
}

void audio_mfcc(const float *logmel, size_t frames, int n_mels, const float *dct, int n_mfcc, float *out)
{
    for (size_t t = 0; t < frames; t++)
        for (int k = 0; k < n_mfcc; k++)
            out[t * (size_t)n_mfcc + (size_t)k] = audio_mfcc_coef(logmel + t * (size_t)n_mels, dct, k, n_mels, n_mfcc);
}

void audio_mfcc_from_power(const float *p, size_t frames, int n_mels, const float *dct, int n_mfcc,
                           float eps, float *scratch, float *out)
{
    for (size_t t = 0; t < frames; t++) {
        audio_logmel(p + t * (size_t)n_mels, scratch, (size_t)n_mels, eps);
        audio_mfcc(scratch, 1, n_mels, dct, n_mfcc, out + t * (size_t)n_mfcc);
    }
}
