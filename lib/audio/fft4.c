/* fft4.c — four frames' power spectra per call; see fft4.h. WS_FFT4_SCALAR forces the portable
 * path on x86 too, so that a test can check it against torchaudio's golden files. */
#include "audio/fft4.h"
#include <stdlib.h>
#include <string.h>

#if defined(__SSE__) && !defined(WS_FFT4_SCALAR)
#define FFT4_SIMD 1
#include "audio/kiss4_names.h"
#include "../../third_party/kissfft/kiss_fftr.h"
#else
#define FFT4_SIMD 0
#include <kissfft/kiss_fftr.h>
#endif

struct audio_fft4 {
    int n_fft;
    kiss_fftr_cfg cfg;
    float *in;              /* [n_fft * 4], 16-byte aligned: kissfft's SIMD mode loads it as __m128 */
    kiss_fft_cpx *spec;     /* [n_fft / 2 + 1]: four lanes per bin in the SIMD build */
#if !FFT4_SIMD
    float *frame;           /* [n_fft]: one lane taken out of in */
#endif
};

static void *aligned_floats(size_t n)
{
    size_t bytes = (sizeof(float) * n + 15) & ~(size_t)15;
    return aligned_alloc(16, bytes ? bytes : 16);
}

audio_fft4 *audio_fft4_alloc(int n_fft)
{
    audio_fft4 *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->n_fft = n_fft;
    f->cfg = kiss_fftr_alloc(n_fft, 0, NULL, NULL);
    f->in = aligned_floats((size_t)n_fft * AUDIO_FFT4_LANES);
    f->spec = aligned_floats((size_t)(n_fft / 2 + 1) * sizeof(kiss_fft_cpx) / sizeof(float));
#if !FFT4_SIMD
    f->frame = malloc(sizeof(float) * (size_t)n_fft);
    if (!f->frame) { audio_fft4_free(f); return NULL; }
#endif
    if (!f->cfg || !f->in || !f->spec) { audio_fft4_free(f); return NULL; }
    memset(f->in, 0, sizeof(float) * (size_t)n_fft * AUDIO_FFT4_LANES);
    return f;
}

void audio_fft4_free(audio_fft4 *f)
{
    if (!f) return;
    if (f->cfg) kiss_fftr_free(f->cfg);
    free(f->in);
    free(f->spec);
#if !FFT4_SIMD
    free(f->frame);
#endif
    free(f);
}

#if FFT4_SIMD
void audio_fft4_window(audio_fft4 *f, const float *src, size_t hop, const float *window, int win, int off,
                       int rows)
{
    __m128 *in = (__m128 *)f->in + off;
    int i = 0;
    if (rows == AUDIO_FFT4_LANES) {
        /* four samples of each frame, times the window, turned into four samples of four frames */
        const float *s0 = src, *s1 = s0 + hop, *s2 = s1 + hop, *s3 = s2 + hop;
        for (; i + 4 <= win; i += 4) {
            __m128 w = _mm_loadu_ps(window + i);
            __m128 a = _mm_mul_ps(_mm_loadu_ps(s0 + i), w), b = _mm_mul_ps(_mm_loadu_ps(s1 + i), w);
            __m128 c = _mm_mul_ps(_mm_loadu_ps(s2 + i), w), d = _mm_mul_ps(_mm_loadu_ps(s3 + i), w);
            _MM_TRANSPOSE4_PS(a, b, c, d);
            in[i] = a; in[i + 1] = b; in[i + 2] = c; in[i + 3] = d;
        }
    }
    for (; i < win; i++) {
        float v[AUDIO_FFT4_LANES] = {0};
        for (int l = 0; l < rows; l++) v[l] = src[(size_t)l * hop + (size_t)i] * window[i];
        in[i] = _mm_loadu_ps(v);
    }
}

void audio_fft4_power(audio_fft4 *f, float *power)
{
    kiss_fftr(f->cfg, (const kiss_fft_scalar *)f->in, f->spec);
    const kiss_fft_cpx *s = f->spec;
    for (int k = 0; k <= f->n_fft / 2; k++)
        _mm_storeu_ps(power + 4 * k, _mm_add_ps(_mm_mul_ps(s[k].r, s[k].r), _mm_mul_ps(s[k].i, s[k].i)));
}

const char *audio_fft4_kind(void) { return "kissfft SIMD (SSE, 4 frames a call)"; }
#else
void audio_fft4_window(audio_fft4 *f, const float *src, size_t hop, const float *window, int win, int off,
                       int rows)
{
    float *in = f->in + (size_t)off * AUDIO_FFT4_LANES;
    for (int i = 0; i < win; i++)
        for (int l = 0; l < AUDIO_FFT4_LANES; l++)
            in[i * AUDIO_FFT4_LANES + l] = l < rows ? src[(size_t)l * hop + (size_t)i] * window[i] : 0.0f;
}

void audio_fft4_power(audio_fft4 *f, float *power)
{
    int n = f->n_fft;
    for (int l = 0; l < AUDIO_FFT4_LANES; l++) {
        for (int i = 0; i < n; i++) f->frame[i] = f->in[i * AUDIO_FFT4_LANES + l];
        kiss_fftr(f->cfg, f->frame, f->spec);
        for (int k = 0; k <= n / 2; k++)
            power[k * AUDIO_FFT4_LANES + l] = f->spec[k].r * f->spec[k].r + f->spec[k].i * f->spec[k].i;
    }
}

const char *audio_fft4_kind(void) { return "kissfft scalar (Debian's libkissfft-float)"; }
#endif
