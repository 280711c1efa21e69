/* kiss4_names.h — third_party/kissfft as wakesweep builds it: kissfft's SIMD mode (USE_SIMD:
 * kiss_fft_scalar is an SSE __m128, so one call transforms four signals, one per lane; see
 * third_party/kissfft/README.simd), with its public names renamed so that they can never bind
 * to Debian's scalar libkissfft-float, whose functions have the same names and other types.
 * Force-included when the vendored sources compile (lib/audio/module.mk); fft4.c includes it
 * before kissfft's headers. */
#ifndef WS_AUDIO_KISS4_NAMES_H
#define WS_AUDIO_KISS4_NAMES_H
#define USE_SIMD 1
#define kiss_fft_alloc ws_kiss4_fft_alloc
#define kiss_fft ws_kiss4_fft
#define kiss_fft_stride ws_kiss4_fft_stride
#define kiss_fft_cleanup ws_kiss4_fft_cleanup
#define kiss_fft_next_fast_size ws_kiss4_fft_next_fast_size
#define kiss_fftr_alloc ws_kiss4_fftr_alloc
#define kiss_fftr ws_kiss4_fftr
#define kiss_fftri ws_kiss4_fftri
#endif
