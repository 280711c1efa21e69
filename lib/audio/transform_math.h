/* transform_math.h — the per-element math of the train-time feature transforms, written once for
 * the CPU and (compiled by nvcc) the CUDA backend: plain inline functions of their arguments, no
 * globals, no allocation. transform.h loops them over arrays on the CPU.
 *
 * The cache holds linear mel power P (>= 0). At train time a trial takes one of:
 *   log-mel   log(P + 1e-6)            natural log; exactly the step inside
 *                                      torchaudio.transforms.MFCC(log_mels=True)
 *   dB        10 log10(max(P, 1e-10))  torchaudio.transforms.AmplitudeToDB("power", top_db),
 *                                      ref 1.0; the top_db floor is per spectrogram (transform.h)
 *   MFCC      DCT-II (orthonormal) of the log-mel over the mel axis, first n_mfcc coefficients:
 *             torchaudio.transforms.MFCC(dct_type=2, norm="ortho", log_mels=True)
 * Noise is mixed in the power domain (powers of uncorrelated signals add): P_clip + g * P_noise,
 * with g chosen from the wanted SNR. */
#ifndef WS_AUDIO_TRANSFORM_MATH_H
#define WS_AUDIO_TRANSFORM_MATH_H
#include <math.h>

#ifdef __CUDACC__
#define AUDIO_HD __host__ __device__
#else
#define AUDIO_HD
#endif

#define AUDIO_LOG_EPS 1e-6f      /* torchaudio MFCC's log_offset */
#define AUDIO_DB_AMIN 1e-10f     /* torchaudio AmplitudeToDB's amin */

/* log(P + eps) */
AUDIO_HD static inline float audio_log_power(float p, float eps) { return logf(p + eps); }

/* 10 log10(max(P, amin)) (ref 1.0, so no offset) */
AUDIO_HD static inline float audio_power_db(float p, float amin) { return 10.0f * log10f(fmaxf(p, amin)); }

/* AmplitudeToDB's top_db floor: x clamped from below at (max over the spectrogram) - top_db. */
AUDIO_HD static inline float audio_db_floor(float db, float max_db, float top_db)
{
    return fmaxf(db, max_db - top_db);
}

/* Element [n][k] of torchaudio's create_dct(n_mfcc, n_mels, "ortho") ([n_mels][n_mfcc]):
 * cos(pi / n_mels * (n + 0.5) * k) * sqrt(2 / n_mels), times 1/sqrt(2) for k == 0. */
AUDIO_HD static inline float audio_dct_ortho(int n, int k, int n_mels)
{
    double v = cos(M_PI / (double)n_mels * ((double)n + 0.5) * (double)k) * sqrt(2.0 / (double)n_mels);
    return (float)(k == 0 ? v * M_SQRT1_2 : v);
}

/* Coefficient k of one frame: sum_n logmel[n] * dct[n * n_mfcc + k]. */
AUDIO_HD static inline float audio_mfcc_coef(const float *logmel, const float *dct, int k, int n_mels, int n_mfcc)
{
    float s = 0.0f;
    for (int n = 0; n < n_mels; n++) s += logmel[n] * dct[n * n_mfcc + k];
    return s;
}

/* Gain on the noise power so that clip power / (gain * noise power) is snr_db; 0 when the
 * noise is silent. Powers are sums (or means) over the same frames and bands. */
AUDIO_HD static inline float audio_snr_gain(float clip_power, float noise_power, float snr_db)
{
    if (!(noise_power > 0.0f)) return 0.0f;
    return clip_power / noise_power * powf(10.0f, -snr_db / 10.0f);
}

/* The power of clip + gain-scaled noise in one mel bin. */
AUDIO_HD static inline float audio_mix_power(float clip, float noise, float gain) { return clip + gain * noise; }

#endif
