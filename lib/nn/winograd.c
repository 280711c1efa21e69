/* winograd.c — F(2x2, 3x3) Winograd transforms (see winograd.h), with
 *   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1],
 *   A^T = [1 1 1 0; 0 1 -1 -1].
 * The data transforms work a tile row at a time: the rows of the plane it covers are combined
 * first (whole rows, contiguous), then the columns (the tile row's tiles side by side, so each
 * of the 16 results is a run of tw floats, contiguous in its plane). On AVX-512 CPUs intrinsics
 * do it 16 tiles a vector (below); elsewhere plain C loops, cloned for AVX2 as backend_cpu.c's
 * (-O3 from module.mk), which the tests also run on AVX-512 CPUs (nn_cpu_set_winograd_plain). */
#include "nn/winograd.h"
#include <string.h>
#include "nn/backend.h"
#include "nn/elementwise.h"
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define WINO_AVX512 1
#endif

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define HOT
#endif

static const float G[4][3] = {{1.0f, 0.0f, 0.0f}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0.0f, 0.0f, 1.0f}};

nn_wino_plane nn_wino_plane_of(int n, int h, int w)
{
    nn_wino_plane p = {n, h, w, (h + 1) / 2, (w + 1) / 2};
    return p;
}

/* four combined rows of 2 tw + 2 floats (the input's, padded), two output rows of 2 tw, a zero
 * row of w */
size_t nn_wino_scratch(const nn_wino_plane *p) { return 4 * (size_t)(2 * p->tw + 2) + 2 * (size_t)(2 * p->tw) + (size_t)p->w; }

/* ---- weights ------------------------------------------------------------------------------------ */

void nn_wino_weights(int c_out, int c_in, const float *w, int flipped, float *u)
{
    size_t per = (size_t)c_out * c_in;
    for (int o = 0; o < c_out; o++)
        for (int c = 0; c < c_in; c++) {
            const float *g = w + ((size_t)o * c_in + c) * 9;
            float k[3][3], t[4][3];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) k[i][j] = flipped ? g[(2 - i) * 3 + (2 - j)] : g[i * 3 + j];
            for (int a = 0; a < 4; a++)   /* t = G k */
                for (int j = 0; j < 3; j++) t[a][j] = G[a][0] * k[0][j] + G[a][1] * k[1][j] + G[a][2] * k[2][j];
            size_t at = flipped ? (size_t)c * c_out + o : (size_t)o * c_in + c;
            for (int a = 0; a < 4; a++)   /* u = t G^T */
                for (int b = 0; b < 4; b++)
                    u[(size_t)(4 * a + b) * per + at] = t[a][0] * G[b][0] + t[a][1] * G[b][1] + t[a][2] * G[b][2];
        }
}

/* ---- data ------------------------------------------------------------------------------------- */

/* The four input rows of tile row ti (2 ti - 1 .. 2 ti + 2), zero rows outside the plane. */
static void tile_rows(const nn_wino_plane *p, const float *xp, int ti, const float *zero, const float *d[4])
{
    for (int i = 0; i < 4; i++) {
        int row = 2 * ti - 1 + i;
        d[i] = row >= 0 && row < p->h ? xp + (size_t)row * p->w : zero;
    }
}

HOT static void input_c(const nn_wino_plane *p, int channels, const float *x, int r0, int r1, float *v, float *scratch)
{
    int w = p->w, tw = p->tw, wp = 2 * tw + 2;
    size_t nt = (size_t)(r1 - r0) * tw, xs = nn_wino_stride(channels, nt), plane = (size_t)p->h * w;
    float *t0 = scratch, *t1 = t0 + wp, *t2 = t1 + wp, *t3 = t2 + wp, *zero = t3 + wp + 2 * (2 * tw);
    memset(zero, 0, (size_t)w * sizeof *zero);
    /* t_k[q] for padded column q = column + 1: the borders stay zero */
    memset(scratch, 0, 4 * (size_t)wp * sizeof *scratch);
    for (int c = 0; c < channels; c++)
        for (int r = r0; r < r1; r++) {
            const float *d[4];
            tile_rows(p, x + ((size_t)c * p->n + (size_t)(r / p->th)) * plane, r % p->th, zero, d);
            const float *restrict d0 = d[0], *restrict d1 = d[1], *restrict d2 = d[2], *restrict d3 = d[3];
            for (int k = 0; k < w; k++) {   /* rows: B^T d */
                t0[k + 1] = d0[k] - d2[k];
                t1[k + 1] = d1[k] + d2[k];
                t2[k + 1] = d2[k] - d1[k];
                t3[k + 1] = d1[k] - d3[k];
            }
            float *vo = v + (size_t)c * nt + (size_t)(r - r0) * tw;
            const float *t[4] = {t0, t1, t2, t3};
            for (int a = 0; a < 4; a++) {   /* columns: (B^T d) B, tile j reading t[2 j .. 2 j + 3] */
                const float *restrict ta = t[a];
                float *restrict o0 = vo + (size_t)(4 * a) * xs, *restrict o1 = o0 + xs, *restrict o2 = o1 + xs,
                                *restrict o3 = o2 + xs;
                for (int j = 0; j < tw; j++) {
                    float e0 = ta[2 * j], e1 = ta[2 * j + 1], e2 = ta[2 * j + 2], e3 = ta[2 * j + 3];
                    o0[j] = e0 - e2;
                    o1[j] = e1 + e2;
                    o2[j] = e2 - e1;
                    o3[j] = e1 - e3;
                }
            }
        }
}

HOT static void output_c(const nn_wino_plane *p, int channels, const float *m, int r0, int r1, const float *bias,
                        int relu, float *y, float *scratch)
{
    int w = p->w, tw = p->tw, wp = 2 * tw + 2;
    size_t nt = (size_t)(r1 - r0) * tw, xs = nn_wino_stride(channels, nt), plane = (size_t)p->h * w;
    float *restrict y0 = scratch + 4 * (size_t)wp, *restrict y1 = y0 + 2 * tw;
    for (int o = 0; o < channels; o++) {
        float b = bias ? bias[o] : 0.0f;
        for (int r = r0; r < r1; r++) {
            const float *mo = m + (size_t)o * nt + (size_t)(r - r0) * tw;
            for (int j = 0; j < tw; j++) {
                float s0[4], s1[4];   /* rows: A^T m */
                for (int q = 0; q < 4; q++) {
                    float a0 = mo[(size_t)q * xs + j], a1 = mo[(size_t)(4 + q) * xs + j];
                    float a2 = mo[(size_t)(8 + q) * xs + j], a3 = mo[(size_t)(12 + q) * xs + j];
                    s0[q] = a0 + a1 + a2;
                    s1[q] = a1 - a2 - a3;
                }
                y0[2 * j] = s0[0] + s0[1] + s0[2];   /* columns: (A^T m) A */
                y0[2 * j + 1] = s0[1] - s0[2] - s0[3];
                y1[2 * j] = s1[0] + s1[1] + s1[2];
                y1[2 * j + 1] = s1[1] - s1[2] - s1[3];
            }
            int ti = r % p->th;
            float *yp = y + ((size_t)o * p->n + (size_t)(r / p->th)) * plane + (size_t)(2 * ti) * w;
            int rows = 2 * ti + 1 < p->h ? 2 : 1;
            for (int q = 0; q < rows; q++) {
                const float *restrict src = q ? y1 : y0;
                float *restrict dst = yp + (size_t)q * w;
                if (relu) for (int k = 0; k < w; k++) dst[k] = nn_relu(src[k] + b);
                else for (int k = 0; k < w; k++) dst[k] = src[k] + b;
            }
        }
    }
}

/* ---- the same on AVX-512, 16 tiles of a tile row at a time ----------------------------------- */

/* The loops above, vectorized by GCC, ran the input transform scalar (runtime alias checks
 * between the short rows) and took more time than the 16 GEMMs (perf, 51x20, 32 -> 32). Here
 * each vector holds one value of 16 neighbouring tiles: the stride-2 columns of a tile come
 * from two loads and a permute (masked loads: the padding and what lies past the plane read as
 * zero without a copy), the transforms run in registers, and each of the 16 results is one
 * masked store. The same arithmetic, in the same order, as the C loops. */
#ifdef WINO_AVX512
/* Lanes l of a load of 16 floats from column s of a row of width w that lie in [0, w). */
static __mmask16 col_mask(int s, int w)
{
    int lo = s < 0 ? -s : 0, hi = w - s < 16 ? w - s : 16;
    if (hi <= lo) return 0;
    return (__mmask16)(((1u << hi) - 1u) & ~((1u << lo) - 1u));
}

/* A masked load of 16 floats from p + off, off possibly outside the row (masked lanes). */
__attribute__((target("avx512f"), always_inline)) static inline __m512 load_at(__mmask16 m, const float *p, int off)
{
    return _mm512_maskz_loadu_ps(m, (const void *)((uintptr_t)p + (intptr_t)off * (intptr_t)sizeof(float)));
}

__attribute__((target("avx512f"))) static void input_avx512(const nn_wino_plane *p, int channels, const float *x,
                                                            int r0, int r1, float *v)
{
    int w = p->w, tw = p->tw;
    size_t nt = (size_t)(r1 - r0) * tw, xs = nn_wino_stride(channels, nt), plane = (size_t)p->h * w;
    const __m512i ev = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i od = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    const __m512 zero = _mm512_setzero_ps();
    for (int j0 = 0; j0 < tw; j0 += 16) {
        int nj = tw - j0 < 16 ? tw - j0 : 16, s = 2 * j0 - 1;
        __mmask16 sm = (__mmask16)((1u << nj) - 1u);
        __mmask16 ma = col_mask(s, w), mb = col_mask(s + 16, w), ma2 = col_mask(s + 2, w), mb2 = col_mask(s + 18, w);
        for (int c = 0; c < channels; c++)
            for (int r = r0; r < r1; r++) {
                int ti = r % p->th;
                const float *xp = x + ((size_t)c * p->n + (size_t)(r / p->th)) * plane;
                __m512 q[4][4];   /* [input row][tile column 0..3], tile by tile */
                for (int i = 0; i < 4; i++) {
                    int row = 2 * ti - 1 + i;
                    if (row < 0 || row >= p->h) {
                        q[i][0] = q[i][1] = q[i][2] = q[i][3] = zero;
                        continue;
                    }
                    const float *xr = xp + (size_t)row * w;
                    __m512 a = load_at(ma, xr, s), b = load_at(mb, xr, s + 16);
                    __m512 a2 = load_at(ma2, xr, s + 2), b2 = load_at(mb2, xr, s + 18);
                    q[i][0] = _mm512_permutex2var_ps(a, ev, b);
                    q[i][1] = _mm512_permutex2var_ps(a, od, b);
                    q[i][2] = _mm512_permutex2var_ps(a2, ev, b2);
                    q[i][3] = _mm512_permutex2var_ps(a2, od, b2);
                }
                float *vo = v + (size_t)c * nt + (size_t)(r - r0) * tw + j0;
                for (int k = 0; k < 4; k++) {
                    __m512 t[4];   /* rows: B^T d */
                    for (int j = 0; j < 4; j++)
                        t[j] = k == 0 ? _mm512_sub_ps(q[0][j], q[2][j])
                             : k == 1 ? _mm512_add_ps(q[1][j], q[2][j])
                             : k == 2 ? _mm512_sub_ps(q[2][j], q[1][j])
                                      : _mm512_sub_ps(q[1][j], q[3][j]);
                    float *o = vo + (size_t)(4 * k) * xs;   /* columns: (B^T d) B */
                    _mm512_mask_storeu_ps(o, sm, _mm512_sub_ps(t[0], t[2]));
                    _mm512_mask_storeu_ps(o + xs, sm, _mm512_add_ps(t[1], t[2]));
                    _mm512_mask_storeu_ps(o + 2 * xs, sm, _mm512_sub_ps(t[2], t[1]));
                    _mm512_mask_storeu_ps(o + 3 * xs, sm, _mm512_sub_ps(t[1], t[3]));
                }
            }
    }
}

__attribute__((target("avx512f"))) static void output_avx512(const nn_wino_plane *p, int channels, const float *m,
                                                             int r0, int r1, const float *bias, int relu, float *y)
{
    int w = p->w, tw = p->tw;
    size_t nt = (size_t)(r1 - r0) * tw, xs = nn_wino_stride(channels, nt), plane = (size_t)p->h * w;
    const __m512i il = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i ih = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const __m512 zero = _mm512_setzero_ps();
    for (int j0 = 0; j0 < tw; j0 += 16) {
        int nj = tw - j0 < 16 ? tw - j0 : 16;
        __mmask16 sm = (__mmask16)((1u << nj) - 1u), mlo = col_mask(2 * j0, w), mhi = col_mask(2 * j0 + 16, w);
        for (int o = 0; o < channels; o++) {
            __m512 b = _mm512_set1_ps(bias ? bias[o] : 0.0f);
            for (int r = r0; r < r1; r++) {
                const float *mo = m + (size_t)o * nt + (size_t)(r - r0) * tw + j0;
                __m512 s[2][4];   /* rows: A^T m */
                for (int q = 0; q < 4; q++) {
                    __m512 a0 = _mm512_maskz_loadu_ps(sm, mo + (size_t)q * xs);
                    __m512 a1 = _mm512_maskz_loadu_ps(sm, mo + (size_t)(4 + q) * xs);
                    __m512 a2 = _mm512_maskz_loadu_ps(sm, mo + (size_t)(8 + q) * xs);
                    __m512 a3 = _mm512_maskz_loadu_ps(sm, mo + (size_t)(12 + q) * xs);
                    s[0][q] = _mm512_add_ps(_mm512_add_ps(a0, a1), a2);
                    s[1][q] = _mm512_sub_ps(_mm512_sub_ps(a1, a2), a3);
                }
                int ti = r % p->th, rows = 2 * ti + 1 < p->h ? 2 : 1;
                float *yp = y + ((size_t)o * p->n + (size_t)(r / p->th)) * plane + (size_t)(2 * ti) * w + 2 * j0;
                for (int k = 0; k < rows; k++) {   /* columns: (A^T m) A, tile j's two outputs at 2 j, 2 j + 1 */
                    __m512 e = _mm512_add_ps(_mm512_add_ps(s[k][0], s[k][1]), s[k][2]);
                    __m512 d = _mm512_sub_ps(_mm512_sub_ps(s[k][1], s[k][2]), s[k][3]);
                    __m512 lo = _mm512_add_ps(_mm512_permutex2var_ps(e, il, d), b);
                    __m512 hi = _mm512_add_ps(_mm512_permutex2var_ps(e, ih, d), b);
                    if (relu) {   /* as nn_relu: NaN and -0 (the second operand) come through */
                        lo = _mm512_max_ps(zero, lo);
                        hi = _mm512_max_ps(zero, hi);
                    }
                    _mm512_mask_storeu_ps(yp + (size_t)k * w, mlo, lo);
                    if (mhi) _mm512_mask_storeu_ps(yp + (size_t)k * w + 16, mhi, hi);
                }
            }
        }
    }
}

static int plain_only;   /* nn_cpu_set_winograd_plain */

void nn_cpu_set_winograd_plain(int plain) { plain_only = plain; }

static int avx512(void) { return !plain_only && __builtin_cpu_supports("avx512f"); }
#else
void nn_cpu_set_winograd_plain(int plain) { (void)plain; }   /* the plain C loops are all there is */

static int avx512(void) { return 0; }
#endif

void nn_wino_input(const nn_wino_plane *p, int channels, const float *x, int r0, int r1, float *v, float *scratch)
{
#ifdef WINO_AVX512
    if (avx512()) { input_avx512(p, channels, x, r0, r1, v); return; }
#endif
    input_c(p, channels, x, r0, r1, v, scratch);
}

void nn_wino_output(const nn_wino_plane *p, int channels, const float *m, int r0, int r1, const float *bias,
                    int relu, float *y, float *scratch)
{
#ifdef WINO_AVX512
    if (avx512()) { output_avx512(p, channels, m, r0, r1, bias, relu, y); return; }
#endif
    output_c(p, channels, m, r0, r1, bias, relu, y, scratch);
}
