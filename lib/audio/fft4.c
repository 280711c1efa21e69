/* fft4.c — four (or sixteen) frames' power spectra per call; see fft4.h. WS_FFT4_SCALAR forces
 * the portable path on x86 too, and WS_FFT4_SSE_ONLY the four-lane SSE path on a CPU with
 * AVX-512, so that tests check each against torchaudio's golden files. */
#include "audio/fft4.h"
#include <stdlib.h>
#include <string.h>

#if defined(__SSE__) && !defined(WS_FFT4_SCALAR)
#define FFT4_SIMD 1
#include "audio/kiss4_names.h"
#include "../../third_party/kissfft/kiss_fftr.h"
#if defined(WS_HAVE_FFT16) && !defined(WS_FFT4_SSE_ONLY)
#define FFT4_16 1
#include "audio/fft16.h"
#else
#define FFT4_16 0
#endif
#else
#define FFT4_SIMD 0
#include <kissfft/kiss_fftr.h>
#endif

struct audio_fft4 {
    int n_fft;
    int lanes;              /* frames per call: 4, or 16 where the CPU has AVX-512F */
    kiss_fftr_cfg cfg;      /* the four-lane (or scalar) transform; NULL with sixteen lanes */
    float *in;              /* [n_fft * lanes], 64-byte aligned: kissfft's SIMD mode loads it in vectors of lanes */
    kiss_fft_cpx *spec;     /* [n_fft / 2 + 1]: four lanes per bin in the SIMD build; NULL as cfg */
#if FFT4_SIMD && FFT4_16
    audio_fft16 *f16;       /* the sixteen-lane transform, when lanes is 16 */
#endif
#if !FFT4_SIMD
    float *frame;           /* [n_fft]: one lane taken out of in */
#endif
};

static void *aligned_floats(size_t n)
{
    size_t bytes = (sizeof(float) * n + 63) & ~(size_t)63;
    return aligned_alloc(64, bytes ? bytes : 64);
}

audio_fft4 *audio_fft4_alloc(int n_fft) { return audio_fft4_alloc_lanes(n_fft, 0); }

int audio_fft4_lanes_available(int lanes)
{
    if (lanes == 4) return 1;
#if FFT4_SIMD && FFT4_16
    /* fft16.c's code is AVX-512 throughout: taken only where the CPU runs it */
    __builtin_cpu_init();
    if (lanes == 16) return __builtin_cpu_supports("avx512f") != 0;
#endif
    return 0;
}

audio_fft4 *audio_fft4_alloc_lanes(int n_fft, int lanes)
{
    if (lanes == 0) lanes = audio_fft4_lanes_available(16) ? 16 : 4;
    if (!audio_fft4_lanes_available(lanes)) return NULL;
    audio_fft4 *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->n_fft = n_fft;
    f->lanes = lanes;
#if FFT4_SIMD && FFT4_16
    if (lanes == 16 && !(f->f16 = audio_fft16_alloc(n_fft))) { free(f); return NULL; }
#endif
    f->in = aligned_floats((size_t)n_fft * (size_t)f->lanes);
    if (!f->in) { audio_fft4_free(f); return NULL; }
    memset(f->in, 0, sizeof(float) * (size_t)n_fft * (size_t)f->lanes);
    if (lanes == 16) return f;   /* fft16.c holds its own transform and spectrum */
    f->cfg = kiss_fftr_alloc(n_fft, 0, NULL, NULL);
    f->spec = aligned_floats((size_t)(n_fft / 2 + 1) * sizeof(kiss_fft_cpx) / sizeof(float));
#if !FFT4_SIMD
    f->frame = malloc(sizeof(float) * (size_t)n_fft);
    if (!f->frame) { audio_fft4_free(f); return NULL; }
#endif
    if (!f->cfg || !f->spec) { audio_fft4_free(f); return NULL; }
    return f;
}

int audio_fft4_lanes(const audio_fft4 *f) { return f->lanes; }

void audio_fft4_free(audio_fft4 *f)
{
    if (!f) return;
    if (f->cfg) kiss_fftr_free(f->cfg);
    free(f->in);
    free(f->spec);
#if !FFT4_SIMD
    free(f->frame);
#endif
#if FFT4_SIMD && FFT4_16
    audio_fft16_free(f->f16);
#endif
    free(f);
}

#if FFT4_SIMD
void audio_fft4_window(audio_fft4 *f, const float *src, size_t hop, const float *window, int win, int off,
                       int rows)
{
    int lanes = f->lanes, full = rows / 4 * 4;   /* lanes [0, full) hold frames in whole fours */
    float *in = f->in + (size_t)off * (size_t)lanes;
    int i = 0;
    /* four samples of each frame, times the window, turned into four samples of four frames; a
     * sample's lanes are one cache line (sixteen lanes) or a part of one, written one after another */
    for (; full > 0 && i + 4 <= win; i += 4) {
        __m128 w = _mm_loadu_ps(window + i);
        float *o = in + (size_t)i * (size_t)lanes;
        for (int g = 0; g < full; g += 4) {
            const float *s0 = src + (size_t)g * hop + (size_t)i, *s1 = s0 + hop, *s2 = s1 + hop, *s3 = s2 + hop;
            __m128 a = _mm_mul_ps(_mm_loadu_ps(s0), w), b = _mm_mul_ps(_mm_loadu_ps(s1), w);
            __m128 c = _mm_mul_ps(_mm_loadu_ps(s2), w), d = _mm_mul_ps(_mm_loadu_ps(s3), w);
            _MM_TRANSPOSE4_PS(a, b, c, d);
            _mm_storeu_ps(o + g, a);
            _mm_storeu_ps(o + lanes + g, b);
            _mm_storeu_ps(o + 2 * lanes + g, c);
            _mm_storeu_ps(o + 3 * lanes + g, d);
        }
    }
    /* the rest one sample at a time: the whole fours' last samples, a four that holds the last
     * frames from the first sample; the lanes past them are zeros */
    for (int g = 0; g < lanes; g += 4)
        for (int j = g < full ? i : 0; j < win; j++) {
            float *o = in + (size_t)j * (size_t)lanes + g;
            if (g >= rows) { _mm_storeu_ps(o, _mm_setzero_ps()); continue; }
            float v[4] = {0};
            for (int l = 0; l < 4 && g + l < rows; l++) v[l] = src[(size_t)(g + l) * hop + (size_t)j] * window[j];
            _mm_storeu_ps(o, _mm_loadu_ps(v));
        }
}

void audio_fft4_power(audio_fft4 *f, float *power)
{
#if FFT4_16
    if (f->lanes == 16) { audio_fft16_power(f->f16, f->in, power); return; }
#endif
    kiss_fftr(f->cfg, (const kiss_fft_scalar *)f->in, f->spec);
    const kiss_fft_cpx *s = f->spec;
    for (int k = 0; k <= f->n_fft / 2; k++)
        _mm_storeu_ps(power + 4 * k, _mm_add_ps(_mm_mul_ps(s[k].r, s[k].r), _mm_mul_ps(s[k].i, s[k].i)));
}

const char *audio_fft4_kind(const audio_fft4 *f)
{
    return f->lanes == 16 ? "kissfft SIMD (AVX-512, 16 frames a call)" : "kissfft SIMD (SSE, 4 frames a call)";
}
#else
void audio_fft4_window(audio_fft4 *f, const float *src, size_t hop, const float *window, int win, int off,
                       int rows)
{
    float *in = f->in + (size_t)off * 4;
    for (int i = 0; i < win; i++)
        for (int l = 0; l < 4; l++)
            in[i * 4 + l] = l < rows ? src[(size_t)l * hop + (size_t)i] * window[i] : 0.0f;
}

void audio_fft4_power(audio_fft4 *f, float *power)
{
    int n = f->n_fft;
    for (int l = 0; l < 4; l++) {
        for (int i = 0; i < n; i++) f->frame[i] = f->in[i * 4 + l];
        kiss_fftr(f->cfg, f->frame, f->spec);
        for (int k = 0; k <= n / 2; k++)
            power[k * 4 + l] = f->spec[k].r * f->spec[k].r + f->spec[k].i * f->spec[k].i;
    }
}

const char *audio_fft4_kind(const audio_fft4 *f)
{
    (void)f;
    return "kissfft scalar (Debian's libkissfft-float)";
}
#endif
