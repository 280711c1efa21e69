/* fft16.h — the power spectra of sixteen real frames per call, on kissfft's SIMD mode with
 * AVX-512 registers (kiss16_names.h). fft16.c is compiled with -mavx512f, so its functions may
 * run only where the CPU has AVX-512F: fft4.c asks the CPU before it allocates one, and goes on
 * with four frames a call (SSE) where it has not. Built where the compiler can target AVX-512F
 * (lib/audio/module.mk defines WS_HAVE_FFT16 then). */
#ifndef WS_AUDIO_FFT16_H
#define WS_AUDIO_FFT16_H

typedef struct audio_fft16 audio_fft16;

/* A transform of n_fft (even) real samples per frame; NULL when out of memory. */
audio_fft16 *audio_fft16_alloc(int n_fft);
void audio_fft16_free(audio_fft16 *f);
/* power[k * 16 + l] = |X_l[k]|^2, k = 0 .. n_fft / 2, of in[i * 16 + l], sample i of frame l
 * (in: 64-byte aligned, n_fft * 16 floats). */
void audio_fft16_power(audio_fft16 *f, const float *in, float *power);

#endif
