/* fft4.h — the power spectra of four real frames at once (sixteen where the CPU has AVX-512):
 * the STFT's inner step.
 *
 * kissfft has a SIMD mode in which kiss_fft_scalar is an SSE register of four floats and one
 * call makes four independent transforms, each about 3.5x cheaper than a call of the scalar
 * build (512-point real FFT, measured 2026-12-05: 0.45 against 1.57 us). Debian ships only
 * kissfft's scalar float build, so third_party/kissfft holds the same release (131.1.0, from
 * Debian's source package) and lib/audio/module.mk builds it in that mode where the compiler
 * targets SSE (every x86-64). Where the compiler can also target AVX-512F, the same sources are
 * built a second time with sixteen lanes (fft16.h), about 3x cheaper per frame again (0.17 against
 * 0.50 us, tests/bench/featurize/fft_ceiling.c on a quiet machine), and taken where the CPU has
 * AVX-512F; each lane computes what the four-lane build computes, to the bit. Elsewhere the
 * four frames go one by one through Debian's libkissfft-float, with the same layout and results.
 *
 * Layout, frame-interleaved as kissfft's SIMD mode takes it, L = audio_fft4_lanes(): in[i * L + l]
 * is sample i of frame l, power[k * L + l] is |X_l[k]|^2 for bin k = 0 .. n_fft / 2. */
#ifndef WS_AUDIO_FFT4_H
#define WS_AUDIO_FFT4_H
#include <stddef.h>

/* the most frames one call takes: buffers of power spectra are this many lanes wide */
#define AUDIO_FFT4_MAX_LANES 16

typedef struct audio_fft4 audio_fft4;

/* A transform of n_fft (even) real samples per frame, with as many lanes as the CPU allows; NULL
 * when out of memory. */
audio_fft4 *audio_fft4_alloc(int n_fft);
/* The same with lanes frames per call (0: as many as the CPU allows); NULL also when this build or
 * CPU has no such lanes (audio_fft4_lanes_available), so a test can hold the two against each other. */
audio_fft4 *audio_fft4_alloc_lanes(int n_fft, int lanes);
int audio_fft4_lanes_available(int lanes);
void audio_fft4_free(audio_fft4 *f);
/* Frames per call, L: 4, or 16 where the CPU has AVX-512F. */
int audio_fft4_lanes(const audio_fft4 *f);
/* Fills the input with L frames: sample i of frame l (l < rows) is src[l * hop + i] * window[i]
 * for i < win, placed at off + i; frames l >= rows are zeros, as is everything outside
 * [off, off + win). */
void audio_fft4_window(audio_fft4 *f, const float *src, size_t hop, const float *window, int win, int off,
                       int rows);
/* power [(n_fft / 2 + 1) * L] from the input buffer's L frames. */
void audio_fft4_power(audio_fft4 *f, float *power);
/* "kissfft SIMD (AVX-512, 16 frames a call)", "kissfft SIMD (SSE, 4 frames a call)" or
 * "kissfft scalar (Debian's libkissfft-float)" */
const char *audio_fft4_kind(const audio_fft4 *f);

#endif
