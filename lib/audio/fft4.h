/* fft4.h — the power spectra of four real frames at once: the STFT's inner step.
 *
 * kissfft has a SIMD mode in which kiss_fft_scalar is an SSE register of four floats and one
 * call makes four independent transforms, each about 3.5x cheaper than a call of the scalar
 * build (512-point real FFT, measured 2026-12-05: 0.45 against 1.57 us). Debian ships only
 * kissfft's scalar float build, so third_party/kissfft holds the same release (131.1.0, from
 * Debian's source package) and lib/audio/module.mk builds it in that mode where the compiler
 * targets SSE (every x86-64). Elsewhere the four frames go one by one through Debian's
 * libkissfft-float, with the same layout and results.
 *
 * Layout, frame-interleaved as kissfft's SIMD mode takes it: in[i * 4 + l] is sample i of frame
 * l, power[k * 4 + l] is |X_l[k]|^2 for bin k = 0 .. n_fft / 2. */
#ifndef WS_AUDIO_FFT4_H
#define WS_AUDIO_FFT4_H
#include <stddef.h>

#define AUDIO_FFT4_LANES 4

typedef struct audio_fft4 audio_fft4;

/* A transform of n_fft (even) real samples per frame; NULL when out of memory. */
audio_fft4 *audio_fft4_alloc(int n_fft);
void audio_fft4_free(audio_fft4 *f);
/* Fills the input with four frames: sample i of frame l (l < rows) is src[l * hop + i] * window[i]
 * for i < win, placed at off + i; frames l >= rows are zeros, as is everything outside
 * [off, off + win). */
void audio_fft4_window(audio_fft4 *f, const float *src, size_t hop, const float *window, int win, int off,
                       int rows);
/* power [(n_fft / 2 + 1) * 4] from the input buffer's four frames. */
void audio_fft4_power(audio_fft4 *f, float *power);
/* "kissfft SIMD (SSE, 4 frames a call)" or "kissfft scalar (Debian's libkissfft-float)" */
const char *audio_fft4_kind(void);

#endif
