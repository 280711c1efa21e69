/* transform.h — train-time feature transforms on float arrays (CPU), taking the cache's linear
 * mel power [frames][n_mels] to log-mel, dB or MFCC. The per-element math is in
 * transform_math.h, shared with the CUDA backend; the definitions of each transform are there. */
#ifndef WS_AUDIO_TRANSFORM_H
#define WS_AUDIO_TRANSFORM_H
#include <stddef.h>
#include "audio/transform_math.h"

/* out[i] = log(p[i] + eps) for n values; out may be p. eps: AUDIO_LOG_EPS for torchaudio's. */
void audio_logmel(const float *p, float *out, size_t n, float eps);
/* out[i] = 10 log10(max(p[i], amin)), then, when top_db > 0, floored at max(out) - top_db with the
 * max over these n values (call once per spectrogram, as torchaudio does per item). */
void audio_power_to_db(const float *p, float *out, size_t n, float amin, float top_db);
/* torchaudio's create_dct(n_mfcc, n_mels, "ortho"): dct [n_mels][n_mfcc]. */
void audio_dct_matrix(int n_mfcc, int n_mels, float *dct);
/* MFCC of log-mel frames: logmel [frames][n_mels] -> out [frames][n_mfcc]. */
void audio_mfcc(const float *logmel, size_t frames, int n_mels, const float *dct, int n_mfcc, float *out);
/* Mel power [frames][n_mels] -> MFCC [frames][n_mfcc] via log(P + eps); scratch holds n_mels floats. */
void audio_mfcc_from_power(const float *p, size_t frames, int n_mels, const float *dct, int n_mfcc,
                           float eps, float *scratch, float *out);

#endif
