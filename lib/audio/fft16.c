/* fft16.c — sixteen frames' power spectra per call; see fft16.h. Compiled with -mavx512f and
 * -ffp-contract=off: no multiply-add is fused, so each lane computes what the four-lane SSE build
 * computes, to the bit, and a cache does not depend on which of the two the CPU ran. */
#include "audio/fft16.h"
#ifdef __AVX512F__   /* lib/audio/module.mk adds -mavx512f where the compiler has it; empty elsewhere */
#include "audio/kiss16_names.h"
#include "../../third_party/kissfft/kiss_fftr.h"

/* kiss_fftr's state is its struct kiss_fftr_state (in SIMD mode three pointers and a pad
 * pointer), then the complex transform's state, its scratch and its twiddles, each a multiple of
 * 64 bytes (KISS_FFT_ALIGN_SIZE_UP, kiss16_names.h). Placed STATE_BYTES before a 64-byte boundary,
 * every array in it starts on one, as the 64-byte aligned vector type's loads require. */
#define STATE_BYTES (4 * sizeof(void *))
#define STATE_AT ((64 - STATE_BYTES % 64) % 64)

struct audio_fft16 {
    int n_fft;
    kiss_fftr_cfg cfg;      /* in mem, at STATE_AT */
    void *mem;
    kiss_fft_cpx *spec;     /* [n_fft / 2 + 1], sixteen lanes per bin */
};

audio_fft16 *audio_fft16_alloc(int n_fft)
{
    audio_fft16 *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->n_fft = n_fft;
    size_t len = 0;
    kiss_fftr_alloc(n_fft, 0, NULL, &len);
    f->mem = _mm_malloc(len + 64, 64);
    if (f->mem) f->cfg = kiss_fftr_alloc(n_fft, 0, (char *)f->mem + STATE_AT, &len);
    f->spec = _mm_malloc(sizeof(kiss_fft_cpx) * (size_t)(n_fft / 2 + 1), 64);
    if (!f->cfg || !f->spec) { audio_fft16_free(f); return NULL; }
    return f;
}

void audio_fft16_free(audio_fft16 *f)
{
    if (!f) return;
    _mm_free(f->mem);
    _mm_free(f->spec);
    free(f);
}

void audio_fft16_power(audio_fft16 *f, const float *in, float *power)
{
    kiss_fftr(f->cfg, (const kiss_fft_scalar *)in, f->spec);
    const kiss_fft_cpx *s = f->spec;
    for (int k = 0; k <= f->n_fft / 2; k++)
        _mm512_storeu_ps(power + 16 * k, _mm512_add_ps(_mm512_mul_ps(s[k].r, s[k].r), _mm512_mul_ps(s[k].i, s[k].i)));
}
#endif
