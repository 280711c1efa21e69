/* kiss16_names.h — third_party/kissfft built a second time, in kissfft's SIMD mode with sixteen
 * lanes: kiss_fft_scalar is a vector of sixteen floats, an AVX-512 register, so one call
 * transforms sixteen signals (kiss4_names.h builds the same sources with SSE's four). kissfft
 * writes its SIMD mode for __m128 and _mm_set1_ps; both names are taken over here, before
 * kiss_fft.h includes <xmmintrin.h> (already included through <immintrin.h>, so a no-op). The
 * vector type is 64-byte aligned, as the registers' loads want: a 64-byte load that crosses a
 * cache line costs two, and with the type at 16-byte alignment kissfft's twiddles sat 16 bytes
 * off (the FFT took 0.30 instead of 0.17 us a frame). Every array kissfft reads must then start
 * on a 64-byte boundary, which fft16.c sees to (its buffers, and kissfft's state placed in them).
 * Public names are renamed ws_kiss16_*, apart from the four-lane build and Debian's scalar one.
 * Force-included when the sources compile with -mavx512f (lib/audio/module.mk); fft16.c, the
 * only caller, includes it before kissfft's headers. */
#ifndef WS_AUDIO_KISS16_NAMES_H
#define WS_AUDIO_KISS16_NAMES_H
#include <immintrin.h>
#include <stdlib.h>
#define USE_SIMD 1
typedef float ws_kiss16_v __attribute__((vector_size(64), aligned(64)));
#define __m128 ws_kiss16_v
#define _mm_set1_ps _mm512_set1_ps
#define KISS_FFT_MALLOC(nbytes) _mm_malloc(nbytes, 64)
#define KISS_FFT_ALIGN_CHECK(ptr)
#define KISS_FFT_ALIGN_SIZE_UP(size) (((size) + 63UL) & ~0x3FUL)
#define kiss_fft_alloc ws_kiss16_fft_alloc
#define kiss_fft ws_kiss16_fft
#define kiss_fft_stride ws_kiss16_fft_stride
#define kiss_fft_cleanup ws_kiss16_fft_cleanup
#define kiss_fft_next_fast_size ws_kiss16_fft_next_fast_size
#define kiss_fftr_alloc ws_kiss16_fftr_alloc
#define kiss_fftr ws_kiss16_fftr
#define kiss_fftri ws_kiss16_fftri
#endif
