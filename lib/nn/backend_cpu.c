/* backend_cpu.c — the CPU backend: GEMMs through OpenBLAS (cblas), everything else as plain
 * loops over the per-element functions of nn/elementwise.h. Layouts and accumulation rules are
 * described in nn/backend.h.
 *
 * Threads: one pool (cpu_pool.c) of `threads` threads runs every operation, each thread on its
 * share: GEMMs split by rows or columns of the output (OpenBLAS itself stays on one thread, so
 * a trial never uses more than its threads), im2col convolutions by samples (weight gradients
 * summed from per-thread partials), depthwise convolution, batch norm and pooling by channels,
 * elementwise loops by ranges. Per-thread scratch comes from the model's activation arena
 * (conv_work, dwconv_work), sized for the thread count in effect.
 *
 * Speed: outside the GEMMs the work is streaming over activations, so these loops must
 * vectorize. lib/nn/module.mk compiles this file with -O3 -fno-math-errno -fopenmp-simd (SIMD
 * reductions without the OpenMP runtime), and the hot loops are cloned for AVX2 and AVX-512
 * (HOT), picked at load time, so one binary runs everywhere. Sums of many floats add float
 * lanes over blocks of 512 and the block sums in double. */
#include "nn/backend.h"
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nn/cpu_pool.h"
#include "nn/elementwise.h"
#include "nn/nn.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define HOT
#endif

#define BLOCK 512
#define PAR_MIN ((size_t)1 << 15)    /* elements (or multiply-adds / 16) worth a parallel region */
#define ALIGN 16                     /* floats: shares and scratch start on 64-byte boundaries */

/* im2col works on chunks of samples whose column buffer (per thread) stays under this many
 * floats (1 MiB, about an L2 cache): the GEMM then packs columns from the cache; measured on
 * the default cnn, 1 MiB beat 4 MiB by 8%. */
static size_t cols_budget = (size_t)1 << 18;

void nn_cpu_set_cols_budget(size_t floats) { cols_budget = floats ? floats : (size_t)1 << 18; }

static size_t round_up(size_t n) { return (n + ALIGN - 1) / ALIGN * ALIGN; }

/* ---- memory ------------------------------------------------------------------------------------ */

static void *cpu_alloc(size_t bytes)
{
    void *p = NULL;
    size_t n = (bytes + 63) & ~(size_t)63;
    if (posix_memalign(&p, 64, n ? n : 64) != 0) return NULL;
    memset(p, 0, n ? n : 64);
    return p;
}

static void cpu_release(void *p) { free(p); }
static void cpu_upload(void *dst, const void *src, size_t bytes) { if (bytes) memmove(dst, src, bytes); }
static void cpu_download(void *dst, const void *src, size_t bytes) { if (bytes) memmove(dst, src, bytes); }

static void cpu_set_threads(int threads)
{
    openblas_set_num_threads(1);   /* the pool's threads call it, one GEMM share each */
    nn_pool_set_threads(threads);
}

static int cpu_threads(void) { return nn_pool_threads(); }

/* ---- vectorized kernels on one thread's share --------------------------------------------------- */

HOT static void fill_k(float *x, size_t n, float v)
{
    for (size_t i = 0; i < n; i++) x[i] = v;
}

HOT static void scale_k(float *x, size_t n, float s)
{
    for (size_t i = 0; i < n; i++) x[i] *= s;
}

HOT static void relu_k(size_t n, const float *restrict x, float *restrict y)
{
    for (size_t i = 0; i < n; i++) y[i] = nn_relu(x[i]);
}

HOT static void relu_grad_k(size_t n, const float *restrict y, const float *restrict dy, float *restrict dx)
{
    for (size_t i = 0; i < n; i++) dx[i] = nn_relu_grad(y[i], dy[i]);
}

/* dy = relu'(y) dy, in place. */
HOT static void relu_mask_k(size_t n, const float *restrict y, float *restrict dy)
{
    for (size_t i = 0; i < n; i++) dy[i] = nn_relu_grad(y[i], dy[i]);
}

/* y[i] = x[i] times the dropout factor of element base + i. */
HOT static void dropout_k(size_t n, size_t base, float p, uint64_t seed, const float *restrict x, float *restrict y)
{
    for (size_t i = 0; i < n; i++) y[i] = x[i] * nn_dropout_factor(seed, base + i, p);
}

HOT static void bias_relu(size_t n, float *y, float b, int relu)
{
    if (relu) for (size_t i = 0; i < n; i++) y[i] = nn_relu(y[i] + b);
    else if (b != 0.0f) for (size_t i = 0; i < n; i++) y[i] += b;
}

/* Sum of x[0..n), float lanes per block, blocks in double. */
HOT static double sum_f(const float *x, size_t n)
{
    double total = 0;
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t e = n - i < BLOCK ? n - i : BLOCK;
        float s = 0.0f;
#pragma omp simd reduction(+:s)
        for (size_t k = 0; k < e; k++) s += x[i + k];
        total += s;
    }
    return total;
}

HOT static double sumsq_f(const float *x, size_t n)
{
    double total = 0;
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t e = n - i < BLOCK ? n - i : BLOCK;
        float s = 0.0f;
#pragma omp simd reduction(+:s)
        for (size_t k = 0; k < e; k++) s += x[i + k] * x[i + k];
        total += s;
    }
    return total;
}

/* Sums of (x - shift) and (x - shift)^2; the shift (a sample of x) keeps the variance from
 * cancelling when the mean is large. */
HOT static void sums_shifted(const float *x, size_t n, float shift, double *s1, double *s2)
{
    double a = 0, b = 0;
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t e = n - i < BLOCK ? n - i : BLOCK;
        float fa = 0.0f, fb = 0.0f;
#pragma omp simd reduction(+:fa, fb)
        for (size_t k = 0; k < e; k++) {
            float d = x[i + k] - shift;
            fa += d;
            fb += d * d;
        }
        a += fa;
        b += fb;
    }
    *s1 = a;
    *s2 = b;
}

/* ---- elementwise operations over ranges ------------------------------------------------------------ */

enum { EW_FILL, EW_SCALE, EW_COPY, EW_RELU, EW_RELU_GRAD, EW_RELU_MASK, EW_DROPOUT, EW_SUMSQ };

typedef struct {
    int op;
    size_t n;
    float *y;
    const float *x, *x2;
    float a;
    uint64_t seed;
    double part[NN_MAX_THREADS];
} ew_ctx;

static void ew_task(void *vc, int t, int nt)
{
    ew_ctx *c = vc;
    size_t lo, hi;
    nn_pool_range(c->n, t, nt, 64, &lo, &hi);
    size_t k = hi - lo;
    if (!k) { c->part[t] = 0; return; }
    switch (c->op) {
    case EW_FILL: fill_k(c->y + lo, k, c->a); break;
    case EW_SCALE: scale_k(c->y + lo, k, c->a); break;
    case EW_COPY: memmove(c->y + lo, c->x + lo, k * sizeof *c->y); break;
    case EW_RELU: relu_k(k, c->x + lo, c->y + lo); break;
    case EW_RELU_GRAD: relu_grad_k(k, c->x + lo, c->x2 + lo, c->y + lo); break;
    case EW_RELU_MASK: relu_mask_k(k, c->x + lo, c->y + lo); break;
    case EW_DROPOUT: dropout_k(k, lo, c->a, c->seed, c->x + lo, c->y + lo); break;
    case EW_SUMSQ: c->part[t] = sumsq_f(c->x + lo, k); break;
    }
}

static double ew(int op, size_t n, float *y, const float *x, const float *x2, float a, uint64_t seed)
{
    ew_ctx c;
    c.op = op; c.n = n; c.y = y; c.x = x; c.x2 = x2; c.a = a; c.seed = seed;
    int nt = n >= PAR_MIN ? nn_pool_threads() : 1;
    for (int t = 0; t < nt; t++) c.part[t] = 0;
    nn_pool_run_if(n, PAR_MIN, ew_task, &c);
    double s = 0;
    for (int t = 0; t < nt; t++) s += c.part[t];
    return s;
}

static void cpu_fill(float *x, size_t n, float v) { ew(EW_FILL, n, x, NULL, NULL, v, 0); }
static void cpu_copy(float *dst, const float *src, size_t n) { if (n && dst != src) ew(EW_COPY, n, dst, src, NULL, 0, 0); }
static void cpu_scale(size_t n, float s, float *x) { ew(EW_SCALE, n, x, NULL, NULL, s, 0); }
static double cpu_sumsq(size_t n, const float *x) { return ew(EW_SUMSQ, n, NULL, x, NULL, 0, 0); }
static void cpu_relu_fwd(size_t n, const float *x, float *y) { ew(EW_RELU, n, y, x, NULL, 0, 0); }
static void cpu_relu_bwd(size_t n, const float *y, const float *dy, float *dx) { ew(EW_RELU_GRAD, n, dx, y, dy, 0, 0); }
static void relu_mask(size_t n, const float *y, float *dy) { ew(EW_RELU_MASK, n, dy, y, NULL, 0, 0); }

static void cpu_dropout_fwd(size_t n, float p, uint64_t seed, const float *x, float *y)
{
    ew(EW_DROPOUT, n, y, x, NULL, p, seed);
}

static void cpu_dropout_bwd(size_t n, float p, uint64_t seed, const float *dy, float *dx)
{
    ew(EW_DROPOUT, n, dx, dy, NULL, p, seed);
}

/* ---- linear ----------------------------------------------------------------------------------- */

typedef struct {
    int n, in, out, relu;
    const float *x, *w, *b, *y;
    float *out_y, *dy, *dx, *dw, *db;
} lin_ctx;

/* Forward: rows of the batch. */
static void lin_fwd_task(void *vc, int t, int nt)
{
    lin_ctx *c = vc;
    size_t lo, hi;
    nn_pool_range((size_t)c->n, t, nt, 1, &lo, &hi);
    if (lo >= hi) return;
    int rows = (int)(hi - lo);
    float *y = c->out_y + lo * c->out, beta = 0.0f;
    if (c->b) {
        for (int i = 0; i < rows; i++) memcpy(y + (size_t)i * c->out, c->b, (size_t)c->out * sizeof *y);
        beta = 1.0f;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, c->out, c->in, 1.0f, c->x + lo * c->in, c->in,
                c->w, c->in, beta, y, c->out);
    if (c->relu) bias_relu((size_t)rows * c->out, y, 0.0f, 1);
}

/* Backward: output units for dw and db (no reduction across threads), batch rows for dx. */
static void lin_bwd_task(void *vc, int t, int nt)
{
    lin_ctx *c = vc;
    size_t o0, o1, r0, r1;
    nn_pool_range((size_t)c->out, t, nt, 1, &o0, &o1);
    nn_pool_range((size_t)c->n, t, nt, 1, &r0, &r1);
    if (o1 > o0) {
        int m = (int)(o1 - o0);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, c->in, c->n, 1.0f, c->dy + o0, c->out, c->x, c->in,
                    1.0f, c->dw + o0 * c->in, c->in);
        if (c->db)
            for (size_t o = o0; o < o1; o++) {
                double s = 0;
                for (int i = 0; i < c->n; i++) s += c->dy[(size_t)i * c->out + o];
                c->db[o] += (float)s;
            }
    }
    if (c->dx && r1 > r0)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(r1 - r0), c->in, c->out, 1.0f,
                    c->dy + r0 * c->out, c->out, c->w, c->in, 0.0f, c->dx + r0 * c->in, c->in);
}

static void cpu_linear_fwd(int n, int in, int out, const float *x, const float *w, const float *b,
                           float *y, int relu)
{
    lin_ctx c = {n, in, out, relu, x, w, b, NULL, y, NULL, NULL, NULL, NULL};
    nn_pool_run_if((size_t)n * in * out / 16, PAR_MIN, lin_fwd_task, &c);
}

static void cpu_linear_bwd(int n, int in, int out, const float *x, const float *w, const float *y,
                           float *dy, float *dx, float *dw, float *db, int relu)
{
    if (relu) relu_mask((size_t)n * out, y, dy);
    lin_ctx c = {n, in, out, relu, x, w, NULL, y, NULL, dy, dx, dw, db};
    nn_pool_run_if((size_t)n * in * out / 16, PAR_MIN, lin_bwd_task, &c);
}

/* ---- convolution: im2col + GEMM ---------------------------------------------------------------- */

static int is_pointwise(const nn_geom *g)
{
    return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->ph == 0 && g->pw == 0;
}

/* Samples per im2col chunk. */
static int conv_chunk(const nn_geom *g)
{
    size_t per = (size_t)g->c_in * g->kh * g->kw * g->h_out * g->w_out;
    size_t c = per ? cols_budget / per : (size_t)g->n;
    if (c < 1) c = 1;
    if (c > (size_t)g->n) c = (size_t)g->n;
    return (int)c;
}

/* Per thread: cols and dcols [K][chunk P], and partial dw [c_out][K] and db [c_out]. */
static size_t conv_thread_work(const nn_geom *g)
{
    size_t K = (size_t)g->c_in * g->kh * g->kw, P = (size_t)g->h_out * g->w_out;
    return 2 * round_up(K * P * (size_t)conv_chunk(g)) + round_up((size_t)g->c_out * K) + round_up((size_t)g->c_out);
}

static size_t cpu_conv_work(const nn_geom *g)
{
    return is_pointwise(g) ? 0 : (size_t)nn_pool_threads() * conv_thread_work(g);
}

/* Output columns [lo, hi) of a row whose input column is o * s - p + j lie inside [0, len). */
static void valid_range(int out, int s, int p, int j, int len, int *lo, int *hi)
{
    int a = p - j, b = len - 1 + p - j;      /* need a <= o * s <= b */
    int l = a <= 0 ? 0 : (a + s - 1) / s;
    int h = b < 0 ? -1 : b / s;
    if (h > out - 1) h = out - 1;
    *lo = l;
    *hi = h + 1 > l ? h + 1 : l;
}

/* Stride 1 with w_out == w_in (odd kernels, "same" padding): row oh of tap (i, j) reads row
 * oh + i - ph at column offset j - pw, so all valid rows of a plane are one contiguous block
 * at offset (i - ph) w + (j - pw); only the columns that wrapped into the neighbouring row
 * (the first pw - j or the last j - pw of each row) are wrong and get zeroed. */
static int im_flat(const nn_geom *g) { return g->sh == 1 && g->sw == 1 && g->w_out == g->w_in; }

/* Valid output rows [lo, hi) of tap row i: 0 <= oh + i - ph < h_in. */
static void row_range(const nn_geom *g, int i, int *lo, int *hi)
{
    int l = g->ph - i, h = g->h_in + g->ph - i;
    *lo = l > 0 ? l : 0;
    *hi = h < g->h_out ? h : g->h_out;
    if (*hi < *lo) *hi = *lo;
}

HOT static void copy_k(float *restrict dst, const float *restrict src, size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] = src[i];
}

HOT static void add_k(float *restrict dst, const float *restrict src, size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] += src[i];
}

/* Zeroes the wrapped columns of rows [r0, r1) of a plane of width w for column offset d. */
static void zero_wrapped(float *plane, int w, int r0, int r1, int d)
{
    if (d == 0) return;
    for (int r = r0; r < r1; r++) {
        float *row = plane + (size_t)r * w;
        if (d < 0) for (int k = 0; k < -d && k < w; k++) row[k] = 0.0f;
        else for (int k = w - d > 0 ? w - d : 0; k < w; k++) row[k] = 0.0f;
    }
}

/* cols[(c, i, j)][(b - b0, oh, ow)] = x[c][b][oh sh - ph + i][ow sw - pw + j] or 0 outside. */
HOT static void im2col(const nn_geom *g, const float *x, int b0, int nb, float *cols)
{
    size_t P = (size_t)g->h_out * g->w_out, ncol = (size_t)nb * P;
    size_t plane = (size_t)g->h_in * g->w_in;
    int flat = im_flat(g), w = g->w_in;
    for (int c = 0; c < g->c_in; c++)
        for (int i = 0; i < g->kh; i++)
            for (int j = 0; j < g->kw; j++) {
                float *row = cols + ((size_t)(c * g->kh + i) * g->kw + j) * ncol;
                int lo, hi, r0, r1;
                valid_range(g->w_out, g->sw, g->pw, j, g->w_in, &lo, &hi);
                row_range(g, i, &r0, &r1);
                for (int b = 0; b < nb; b++) {
                    const float *xp = x + ((size_t)c * g->n + b0 + b) * plane;
                    float *dst = row + (size_t)b * P;
                    if (flat) {
                        /* block [r0 w, r1 w) from xp + (r0 + i - ph) w + d, clipped to the plane */
                        int d = j - g->pw;
                        long s0 = (long)(r0 + i - g->ph) * w + d, n = (long)(r1 - r0) * w, a = 0, e = n;
                        if (s0 < 0) a = -s0;
                        if (s0 + e > (long)plane) e = (long)plane - s0;
                        memset(dst, 0, (size_t)r0 * w * sizeof *dst);
                        if (a > 0) memset(dst + (size_t)r0 * w, 0, (size_t)a * sizeof *dst);
                        if (e > a) copy_k(dst + (size_t)r0 * w + a, xp + s0 + a, (size_t)(e - a));
                        if (n > e) memset(dst + (size_t)r0 * w + (e > a ? e : a), 0, (size_t)(n - (e > a ? e : a)) * sizeof *dst);
                        memset(dst + (size_t)r1 * w, 0, (size_t)(g->h_out - r1) * w * sizeof *dst);
                        zero_wrapped(dst, w, r0, r1, d);
                        continue;
                    }
                    for (int oh = 0; oh < g->h_out; oh++) {
                        float *dr = dst + (size_t)oh * g->w_out;
                        int ih = oh * g->sh - g->ph + i;
                        if (ih < 0 || ih >= g->h_in) { memset(dr, 0, (size_t)g->w_out * sizeof *dr); continue; }
                        const float *src = xp + (size_t)ih * g->w_in - g->pw + j;
                        for (int ow = 0; ow < lo; ow++) dr[ow] = 0.0f;
                        if (g->sw == 1) copy_k(dr + lo, src + lo, (size_t)(hi - lo));
                        else for (int ow = lo; ow < hi; ow++) dr[ow] = src[(size_t)ow * g->sw];
                        for (int ow = hi; ow < g->w_out; ow++) dr[ow] = 0.0f;
                    }
                }
            }
}

/* The adjoint of im2col: dx[c][b][ih][iw] += every column entry that was read from it. The
 * flat path zeroes the wrapped entries of the (scratch) column rows first, then adds blocks. */
HOT static void col2im(const nn_geom *g, float *cols, int b0, int nb, float *dx)
{
    size_t P = (size_t)g->h_out * g->w_out, ncol = (size_t)nb * P;
    size_t plane = (size_t)g->h_in * g->w_in;
    int flat = im_flat(g), w = g->w_in;
    for (int c = 0; c < g->c_in; c++)
        for (int i = 0; i < g->kh; i++)
            for (int j = 0; j < g->kw; j++) {
                float *row = cols + ((size_t)(c * g->kh + i) * g->kw + j) * ncol;
                int lo, hi, r0, r1;
                valid_range(g->w_out, g->sw, g->pw, j, g->w_in, &lo, &hi);
                row_range(g, i, &r0, &r1);
                for (int b = 0; b < nb; b++) {
                    float *xp = dx + ((size_t)c * g->n + b0 + b) * plane;
                    float *src = row + (size_t)b * P;
                    if (flat) {
                        int d = j - g->pw;
                        long s0 = (long)(r0 + i - g->ph) * w + d, n = (long)(r1 - r0) * w, a = 0, e = n;
                        if (s0 < 0) a = -s0;
                        if (s0 + e > (long)plane) e = (long)plane - s0;
                        zero_wrapped(src, w, r0, r1, d);
                        if (e > a) add_k(xp + s0 + a, src + (size_t)r0 * w + a, (size_t)(e - a));
                        continue;
                    }
                    for (int oh = 0; oh < g->h_out; oh++) {
                        int ih = oh * g->sh - g->ph + i;
                        if (ih < 0 || ih >= g->h_in) continue;
                        const float *sr = src + (size_t)oh * g->w_out;
                        float *dst = xp + (size_t)ih * g->w_in - g->pw + j;
                        if (g->sw == 1) add_k(dst + lo, sr + lo, (size_t)(hi - lo));
                        else for (int ow = lo; ow < hi; ow++) dst[(size_t)ow * g->sw] += sr[ow];
                    }
                }
            }
}

typedef struct {
    const nn_geom *g;
    const float *x, *w, *b, *y;
    float *out_y, *dy, *dx, *dw, *db, *work;
    int relu;
} conv_ctx;

/* Pointwise forward: columns (samples x positions) of the output. */
static void pw_fwd_task(void *vc, int t, int nt)
{
    conv_ctx *c = vc;
    const nn_geom *g = c->g;
    size_t nP = (size_t)g->n * g->h_out * g->w_out, lo, hi;
    nn_pool_range(nP, t, nt, 64, &lo, &hi);
    if (lo >= hi) return;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->c_out, (int)(hi - lo), g->c_in, 1.0f, c->w, g->c_in,
                c->x + lo, (int)nP, 0.0f, c->out_y + lo, (int)nP);
    for (int o = 0; o < g->c_out; o++) bias_relu(hi - lo, c->out_y + (size_t)o * nP + lo, c->b ? c->b[o] : 0.0f, c->relu);
}

/* im2col forward: samples, in chunks, with the thread's own column buffer. */
static void im_fwd_task(void *vc, int t, int nt)
{
    conv_ctx *c = vc;
    const nn_geom *g = c->g;
    size_t P = (size_t)g->h_out * g->w_out, nP = (size_t)g->n * P, s0, s1;
    int K = g->c_in * g->kh * g->kw, chunk = conv_chunk(g);
    float *cols = c->work + (size_t)t * conv_thread_work(g);
    nn_pool_range((size_t)g->n, t, nt, 1, &s0, &s1);
    for (int b0 = (int)s0; b0 < (int)s1; b0 += chunk) {
        int nb = (int)s1 - b0 < chunk ? (int)s1 - b0 : chunk;
        im2col(g, c->x, b0, nb, cols);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->c_out, (int)(nb * P), K, 1.0f, c->w, K, cols,
                    (int)(nb * P), 0.0f, c->out_y + (size_t)b0 * P, (int)nP);
        for (int o = 0; o < g->c_out; o++)
            bias_relu((size_t)nb * P, c->out_y + (size_t)o * nP + (size_t)b0 * P, c->b ? c->b[o] : 0.0f, c->relu);
    }
}

static void cpu_conv_fwd(const nn_geom *g, const float *x, const float *w, const float *b, float *y,
                         int relu, float *work)
{
    conv_ctx c = {g, x, w, b, NULL, y, NULL, NULL, NULL, NULL, work, relu};
    size_t macs = (size_t)g->n * g->h_out * g->w_out * g->c_out * g->c_in * g->kh * g->kw;
    if (is_pointwise(g)) nn_pool_run_if(macs / 16, PAR_MIN, pw_fwd_task, &c);
    else nn_pool_run(im_fwd_task, &c);   /* the work was sized for every thread */
}

/* Backward, part 1 (output channels): ReLU mask and bias gradient. */
static void conv_dy_task(void *vc, int t, int nt)
{
    conv_ctx *c = vc;
    const nn_geom *g = c->g;
    size_t nP = (size_t)g->n * g->h_out * g->w_out, o0, o1;
    nn_pool_range((size_t)g->c_out, t, nt, 1, &o0, &o1);
    for (size_t o = o0; o < o1; o++) {
        float *row = c->dy + o * nP;
        if (c->relu) relu_mask_k(nP, c->y + o * nP, row);
        if (c->db) c->db[o] += (float)sum_f(row, nP);
    }
}

/* Pointwise backward: rows of dw (no reduction), columns of dx. */
static void pw_bwd_task(void *vc, int t, int nt)
{
    conv_ctx *c = vc;
    const nn_geom *g = c->g;
    size_t nP = (size_t)g->n * g->h_out * g->w_out, o0, o1, lo, hi;
    nn_pool_range((size_t)g->c_out, t, nt, 1, &o0, &o1);
    if (o1 > o0)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(o1 - o0), g->c_in, (int)nP, 1.0f, c->dy + o0 * nP,
                    (int)nP, c->x, (int)nP, 1.0f, c->dw + o0 * g->c_in, g->c_in);
    nn_pool_range(nP, t, nt, 64, &lo, &hi);
    if (c->dx && hi > lo)
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, g->c_in, (int)(hi - lo), g->c_out, 1.0f, c->w, g->c_in,
                    c->dy + lo, (int)nP, 0.0f, c->dx + lo, (int)nP);
}

/* im2col backward: samples in chunks; dw into the thread's partial (summed afterwards), dx of
 * the thread's own samples directly. */
static void im_bwd_task(void *vc, int t, int nt)
{
    conv_ctx *c = vc;
    const nn_geom *g = c->g;
    size_t P = (size_t)g->h_out * g->w_out, nP = (size_t)g->n * P, s0, s1;
    size_t plane = (size_t)g->h_in * g->w_in;
    int K = g->c_in * g->kh * g->kw, chunk = conv_chunk(g);
    float *cols = c->work + (size_t)t * conv_thread_work(g);
    float *dcols = cols + round_up((size_t)K * P * chunk);
    float *dw = dcols + round_up((size_t)K * P * chunk);
    memset(dw, 0, (size_t)g->c_out * K * sizeof *dw);
    nn_pool_range((size_t)g->n, t, nt, 1, &s0, &s1);
    if (c->dx)
        for (int ch = 0; ch < g->c_in; ch++)
            memset(c->dx + ((size_t)ch * g->n + s0) * plane, 0, (s1 - s0) * plane * sizeof *c->dx);
    for (int b0 = (int)s0; b0 < (int)s1; b0 += chunk) {
        int nb = (int)s1 - b0 < chunk ? (int)s1 - b0 : chunk;
        const float *dy = c->dy + (size_t)b0 * P;
        im2col(g, c->x, b0, nb, cols);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, g->c_out, K, (int)(nb * P), 1.0f, dy, (int)nP, cols,
                    (int)(nb * P), 1.0f, dw, K);
        if (!c->dx) continue;
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, (int)(nb * P), g->c_out, 1.0f, c->w, K, dy, (int)nP,
                    0.0f, dcols, (int)(nb * P));
        col2im(g, dcols, b0, nb, c->dx);
    }
}

static void cpu_conv_bwd(const nn_geom *g, const float *x, const float *w, const float *y, float *dy,
                         float *dx, float *dw, float *db, int relu, float *work)
{
    conv_ctx c = {g, x, w, NULL, y, NULL, dy, dx, dw, db, work, relu};
    size_t nP = (size_t)g->n * g->h_out * g->w_out;
    if (relu || db) nn_pool_run_if(nP * g->c_out, PAR_MIN, conv_dy_task, &c);
    if (is_pointwise(g)) {
        nn_pool_run_if(nP * g->c_out * g->c_in / 16, PAR_MIN, pw_bwd_task, &c);
        return;
    }
    nn_pool_run(im_bwd_task, &c);
    size_t K = (size_t)g->c_in * g->kh * g->kw, per = conv_thread_work(g);
    size_t off = 2 * round_up(K * (size_t)g->h_out * g->w_out * (size_t)conv_chunk(g));
    for (int t = 0; t < nn_pool_threads(); t++) {
        const float *part = work + (size_t)t * per + off;
        for (size_t i = 0; i < (size_t)g->c_out * K; i++) dw[i] += part[i];
    }
}

/* ---- depthwise convolution, direct --------------------------------------------------------------- */

/* Plane by plane (one channel of one sample, a few KiB that stay in L1): for each kernel tap
 * one pass over the output rows, vectorized along the row. */
HOT static void dw_plane_fwd(const nn_geom *g, const float *restrict xp, const float *restrict wc,
                             float *restrict yp)
{
    memset(yp, 0, (size_t)g->h_out * g->w_out * sizeof *yp);
    for (int i = 0; i < g->kh; i++)
        for (int j = 0; j < g->kw; j++) {
            int lo, hi;
            valid_range(g->w_out, g->sw, g->pw, j, g->w_in, &lo, &hi);
            float wv = wc[i * g->kw + j];
            for (int oh = 0; oh < g->h_out; oh++) {
                int ih = oh * g->sh - g->ph + i;
                if (ih < 0 || ih >= g->h_in) continue;
                float *yr = yp + (size_t)oh * g->w_out;
                const float *xr = xp + (size_t)ih * g->w_in;
                int off = j - g->pw;
                if (g->sw == 1) {
#pragma omp simd
                    for (int ow = lo; ow < hi; ow++) yr[ow] += wv * xr[ow + off];
                } else {
                    for (int ow = lo; ow < hi; ow++) yr[ow] += wv * xr[ow * g->sw + off];
                }
            }
        }
}

/* dw[tap] += sum dy * x under the tap; dx (when not NULL) = sum over taps of w * dy. */
HOT static void dw_plane_bwd(const nn_geom *g, const float *restrict xp, const float *restrict wc,
                             const float *restrict dyp, float *restrict dxp, float *restrict dwc)
{
    if (dxp) memset(dxp, 0, (size_t)g->h_in * g->w_in * sizeof *dxp);
    for (int i = 0; i < g->kh; i++)
        for (int j = 0; j < g->kw; j++) {
            int lo, hi;
            valid_range(g->w_out, g->sw, g->pw, j, g->w_in, &lo, &hi);
            float wv = wc[i * g->kw + j], s = 0.0f;
            int off = j - g->pw;
            for (int oh = 0; oh < g->h_out; oh++) {
                int ih = oh * g->sh - g->ph + i;
                if (ih < 0 || ih >= g->h_in) continue;
                const float *dyr = dyp + (size_t)oh * g->w_out;
                const float *xr = xp + (size_t)ih * g->w_in;
                float *dxr = dxp ? dxp + (size_t)ih * g->w_in : NULL;
                for (int ow = lo; ow < hi; ow++) s += dyr[ow] * xr[ow * g->sw + off];
                if (dxr) for (int ow = lo; ow < hi; ow++) dxr[ow * g->sw + off] += wv * dyr[ow];
            }
            dwc[i * g->kw + j] += s;
        }
}

/* Stride 1: the plane is copied into a zero-padded plane of width Wp = w_in + 2 pw, and the
 * output is computed on that width too, so each tap is one long contiguous pass:
 * ypad[q] += w * xpad[q + i Wp + j] for q < L = (h_out - 1) Wp + w_out; the columns
 * [w_out, Wp) of ypad are scratch. Per thread: xpad and dxpad [Hp][Wp], ypad [h_out][Wp]. */
static int dw_flat(const nn_geom *g) { return g->sh == 1 && g->sw == 1; }

static size_t dw_thread_work(const nn_geom *g)
{
    size_t wp = (size_t)g->w_in + 2 * (size_t)g->pw, hp = (size_t)g->h_in + 2 * (size_t)g->ph;
    return round_up(2 * hp * wp + (size_t)g->h_out * wp);
}

static size_t cpu_dwconv_work(const nn_geom *g)
{
    return dw_flat(g) ? (size_t)nn_pool_threads() * dw_thread_work(g) : 0;
}

HOT static void shifted_axpy(size_t n, float a, const float *restrict x, float *restrict y)
{
#pragma omp simd
    for (size_t i = 0; i < n; i++) y[i] += a * x[i];
}

HOT static float dot_f(size_t n, const float *restrict a, const float *restrict b)
{
    float s = 0.0f;
#pragma omp simd reduction(+:s)
    for (size_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

/* Copies rows [rows][cols] between a compact plane and a plane of width wp at (r0, c0). */
static void rows_in(const float *src, int rows, int cols, float *dst, size_t wp, int r0, int c0)
{
    for (int r = 0; r < rows; r++)
        memcpy(dst + (size_t)(r + r0) * wp + c0, src + (size_t)r * cols, (size_t)cols * sizeof *dst);
}

static void rows_out(const float *src, size_t wp, int r0, int c0, int rows, int cols, float *dst)
{
    for (int r = 0; r < rows; r++)
        memcpy(dst + (size_t)r * cols, src + (size_t)(r + r0) * wp + c0, (size_t)cols * sizeof *dst);
}

typedef struct {
    const nn_geom *g;
    const float *x, *w, *dy;
    float *y, *dx, *dw, *work;
} dw_ctx;

static void dw_fwd_task(void *vc, int t, int nt)
{
    dw_ctx *c = vc;
    const nn_geom *g = c->g;
    size_t pin = (size_t)g->h_in * g->w_in, pout = (size_t)g->h_out * g->w_out, c0, c1;
    nn_pool_range((size_t)g->c_in, t, nt, 1, &c0, &c1);
    if (c0 >= c1) return;
    if (!dw_flat(g)) {
        for (size_t ch = c0; ch < c1; ch++)
            for (int b = 0; b < g->n; b++)
                dw_plane_fwd(g, c->x + (ch * g->n + b) * pin, c->w + ch * g->kh * g->kw, c->y + (ch * g->n + b) * pout);
        return;
    }
    size_t wp = (size_t)g->w_in + 2 * (size_t)g->pw, hp = (size_t)g->h_in + 2 * (size_t)g->ph;
    size_t L = (size_t)(g->h_out - 1) * wp + (size_t)g->w_out;
    float *xpad = c->work + (size_t)t * dw_thread_work(g), *ypad = xpad + 2 * hp * wp;
    memset(xpad, 0, hp * wp * sizeof *xpad);      /* the border stays zero; rows_in fills the rest */
    for (size_t ch = c0; ch < c1; ch++) {
        const float *wc = c->w + ch * g->kh * g->kw;
        for (int b = 0; b < g->n; b++) {
            size_t at = ch * g->n + b;
            rows_in(c->x + at * pin, g->h_in, g->w_in, xpad, wp, g->ph, g->pw);
            memset(ypad, 0, L * sizeof *ypad);
            for (int i = 0; i < g->kh; i++)
                for (int j = 0; j < g->kw; j++)
                    shifted_axpy(L, wc[i * g->kw + j], xpad + (size_t)i * wp + j, ypad);
            rows_out(ypad, wp, 0, 0, g->h_out, g->w_out, c->y + at * pout);
        }
    }
}

/* Backward with dy laid out on width Wp and zero scratch columns, so they add nothing:
 * dw[i][j] += dot(dypad, xpad + i Wp + j) and dxpad[q + i Wp + j] += w[i][j] dypad[q]. */
static void dw_bwd_task(void *vc, int t, int nt)
{
    dw_ctx *c = vc;
    const nn_geom *g = c->g;
    size_t pin = (size_t)g->h_in * g->w_in, pout = (size_t)g->h_out * g->w_out, c0, c1;
    nn_pool_range((size_t)g->c_in, t, nt, 1, &c0, &c1);
    if (c0 >= c1) return;
    if (!dw_flat(g)) {
        for (size_t ch = c0; ch < c1; ch++)
            for (int b = 0; b < g->n; b++) {
                size_t at = ch * g->n + b;
                dw_plane_bwd(g, c->x + at * pin, c->w + ch * g->kh * g->kw, c->dy + at * pout,
                             c->dx ? c->dx + at * pin : NULL, c->dw + ch * g->kh * g->kw);
            }
        return;
    }
    size_t wp = (size_t)g->w_in + 2 * (size_t)g->pw, hp = (size_t)g->h_in + 2 * (size_t)g->ph;
    size_t L = (size_t)(g->h_out - 1) * wp + (size_t)g->w_out;
    float *xpad = c->work + (size_t)t * dw_thread_work(g), *dxpad = xpad + hp * wp, *dypad = xpad + 2 * hp * wp;
    memset(xpad, 0, hp * wp * sizeof *xpad);
    memset(dypad, 0, (size_t)g->h_out * wp * sizeof *dypad);
    for (size_t ch = c0; ch < c1; ch++) {
        const float *wc = c->w + ch * g->kh * g->kw;
        float *dwc = c->dw + ch * g->kh * g->kw;
        for (int b = 0; b < g->n; b++) {
            size_t at = ch * g->n + b;
            rows_in(c->x + at * pin, g->h_in, g->w_in, xpad, wp, g->ph, g->pw);
            rows_in(c->dy + at * pout, g->h_out, g->w_out, dypad, wp, 0, 0);
            for (int i = 0; i < g->kh; i++)
                for (int j = 0; j < g->kw; j++) dwc[i * g->kw + j] += dot_f(L, dypad, xpad + (size_t)i * wp + j);
            if (!c->dx) continue;
            memset(dxpad, 0, hp * wp * sizeof *dxpad);
            for (int i = 0; i < g->kh; i++)
                for (int j = 0; j < g->kw; j++)
                    shifted_axpy(L, wc[i * g->kw + j], dypad, dxpad + (size_t)i * wp + j);
            rows_out(dxpad, wp, g->ph, g->pw, g->h_in, g->w_in, c->dx + at * pin);
        }
    }
}

static void cpu_dwconv_fwd(const nn_geom *g, const float *x, const float *w, float *y, float *work)
{
    dw_ctx c = {g, x, w, NULL, y, NULL, NULL, work};
    nn_pool_run(dw_fwd_task, &c);
}

static void cpu_dwconv_bwd(const nn_geom *g, const float *x, const float *w, const float *dy, float *dx,
                           float *dw, float *work)
{
    dw_ctx c = {g, x, w, dy, NULL, dx, dw, work};
    nn_pool_run(dw_bwd_task, &c);
}

/* ---- batch norm (channels) ---------------------------------------------------------------------- */

HOT static void affine(size_t m, const float *restrict x, float mean, float k, float b, float *restrict y, int relu)
{
    if (relu) {
#pragma omp simd
        for (size_t i = 0; i < m; i++) y[i] = nn_relu((x[i] - mean) * k + b);
    } else {
#pragma omp simd
        for (size_t i = 0; i < m; i++) y[i] = (x[i] - mean) * k + b;
    }
}

/* sum dy and sum dy (x - mean), masking dy by y > 0 in place first when relu. */
HOT static void bn_bwd_sums(size_t m, const float *restrict x, const float *restrict y, float *restrict dy,
                            float mean, int relu, double *sdy, double *sdyx)
{
    double a = 0, b = 0;
    for (size_t i0 = 0; i0 < m; i0 += BLOCK) {
        size_t e = m - i0 < BLOCK ? m - i0 : BLOCK;
        const float *xb = x + i0, *yb = y + i0;
        float *db = dy + i0;
        float fa = 0.0f, fb = 0.0f;
        if (relu) {
#pragma omp simd reduction(+:fa, fb)
            for (size_t i = 0; i < e; i++) {
                float d = nn_relu_grad(yb[i], db[i]);
                db[i] = d;
                fa += d;
                fb += d * (xb[i] - mean);
            }
        } else {
#pragma omp simd reduction(+:fa, fb)
            for (size_t i = 0; i < e; i++) {
                fa += db[i];
                fb += db[i] * (xb[i] - mean);
            }
        }
        a += fa;
        b += fb;
    }
    *sdy = a;
    *sdyx = b;
}

/* dx = k (dy - a - (x - mean) q): the train-mode input gradient (a = 0, q = 0 in eval mode). */
HOT static void bn_dx(size_t m, const float *restrict x, const float *restrict dy, float mean, float k, float a,
                      float q, float *restrict dx)
{
#pragma omp simd
    for (size_t i = 0; i < m; i++) dx[i] = k * (dy[i] - a - (x[i] - mean) * q);
}

typedef struct {
    int c, train, relu;
    size_t m;
    const float *x, *gamma, *beta, *y, *save_in;
    float *run_mean, *run_var, *save, *out_y, *dy, *dx, *dgamma, *dbeta;
    float momentum, eps;
} bn_ctx;

static void bn_fwd_task(void *vc, int t, int nt)
{
    bn_ctx *c = vc;
    size_t c0, c1;
    nn_pool_range((size_t)c->c, t, nt, 1, &c0, &c1);
    for (size_t ch = c0; ch < c1; ch++) {
        const float *xc = c->x + ch * c->m;
        size_t m = c->m;
        float mean, invstd;
        if (c->train) {
            double s1, s2;
            float shift = xc[0];
            sums_shifted(xc, m, shift, &s1, &s2);
            double d = s1 / (double)m, mu = shift + d;
            double ss = s2 - (double)m * d * d;         /* sum of squared deviations */
            if (ss < 0) ss = 0;
            double var = ss / (double)m, unbiased = m > 1 ? ss / (double)(m - 1) : var;
            mean = (float)mu;
            invstd = (float)(1.0 / sqrt(var + c->eps));
            c->run_mean[ch] = (1.0f - c->momentum) * c->run_mean[ch] + c->momentum * (float)mu;
            c->run_var[ch] = (1.0f - c->momentum) * c->run_var[ch] + c->momentum * (float)unbiased;
        } else {
            mean = c->run_mean[ch];
            invstd = (float)(1.0 / sqrt((double)c->run_var[ch] + c->eps));
        }
        c->save[ch] = mean;
        c->save[c->c + ch] = invstd;
        affine(m, xc, mean, c->gamma[ch] * invstd, c->beta[ch], c->out_y + ch * m, c->relu);
    }
}

static void cpu_bn_fwd(int c, size_t m, const float *x, const float *gamma, const float *beta,
                       float *run_mean, float *run_var, float momentum, float eps, int train,
                       float *save, float *y, int relu)
{
    bn_ctx k = {0};
    k.c = c; k.train = train; k.relu = relu; k.m = m; k.x = x; k.gamma = gamma; k.beta = beta;
    k.run_mean = run_mean; k.run_var = run_var; k.save = save; k.out_y = y; k.momentum = momentum; k.eps = eps;
    nn_pool_run_if((size_t)c * m, PAR_MIN, bn_fwd_task, &k);
}

static void bn_bwd_task(void *vc, int t, int nt)
{
    bn_ctx *c = vc;
    size_t c0, c1, m = c->m;
    nn_pool_range((size_t)c->c, t, nt, 1, &c0, &c1);
    for (size_t ch = c0; ch < c1; ch++) {
        const float *xc = c->x + ch * m;
        float *dyc = c->dy + ch * m;
        float mean = c->save_in[ch], invstd = c->save_in[c->c + ch];
        double sdy, sdyx;   /* sum dy, sum dy (x - mean) */
        bn_bwd_sums(m, xc, c->y + ch * m, dyc, mean, c->relu, &sdy, &sdyx);
        c->dgamma[ch] += (float)(sdyx * invstd);
        c->dbeta[ch] += (float)sdy;
        if (!c->dx) continue;
        float k = c->gamma[ch] * invstd;
        if (c->train)
            bn_dx(m, xc, dyc, mean, k, (float)(sdy / (double)m), (float)(sdyx * invstd * invstd / (double)m),
                  c->dx + ch * m);
        else
            bn_dx(m, xc, dyc, mean, k, 0.0f, 0.0f, c->dx + ch * m);
    }
}

static void cpu_bn_bwd(int c, size_t m, const float *x, const float *gamma, const float *save, int train,
                       const float *y, float *dy, float *dx, float *dgamma, float *dbeta, int relu)
{
    bn_ctx k = {0};
    k.c = c; k.train = train; k.relu = relu; k.m = m; k.x = x; k.gamma = gamma; k.save_in = save; k.y = y;
    k.dy = dy; k.dx = dx; k.dgamma = dgamma; k.dbeta = dbeta;
    nn_pool_run_if((size_t)c * m, PAR_MIN, bn_bwd_task, &k);
}

/* ---- pooling, flatten (planes or channels) --------------------------------------------------------- */

/* Index (within the plane) of the first maximum of window (oh, ow). */
static size_t window_argmax(const nn_geom *g, const float *xp, int oh, int ow)
{
    size_t best = (size_t)oh * g->sh * g->w_in + (size_t)ow * g->sw;
    float bv = xp[best];
    for (int i = 0; i < g->kh; i++)
        for (int j = 0; j < g->kw; j++) {
            size_t k = (size_t)(oh * g->sh + i) * g->w_in + (size_t)(ow * g->sw + j);
            if (xp[k] > bv) { bv = xp[k]; best = k; }
        }
    return best;
}

typedef struct {
    nn_pool_kind kind;
    const nn_geom *g;
    int c, n, hw;
    const float *x, *dy;
    float *y, *dx;
} plane_ctx;

static void pool_fwd_task(void *vc, int t, int nt)
{
    plane_ctx *c = vc;
    const nn_geom *g = c->g;
    size_t pin = (size_t)g->h_in * g->w_in, pout = (size_t)g->h_out * g->w_out, p0, p1;
    float inv = 1.0f / (float)(g->kh * g->kw);
    nn_pool_range((size_t)g->c_in * g->n, t, nt, 1, &p0, &p1);
    for (size_t p = p0; p < p1; p++) {
        const float *xp = c->x + p * pin;
        float *yp = c->y + p * pout;
        for (int oh = 0; oh < g->h_out; oh++)
            for (int ow = 0; ow < g->w_out; ow++) {
                if (c->kind == NN_POOL_MAX) { yp[(size_t)oh * g->w_out + ow] = xp[window_argmax(g, xp, oh, ow)]; continue; }
                float s = 0.0f;
                for (int i = 0; i < g->kh; i++)
                    for (int j = 0; j < g->kw; j++)
                        s += xp[(size_t)(oh * g->sh + i) * g->w_in + (size_t)(ow * g->sw + j)];
                yp[(size_t)oh * g->w_out + ow] = s * inv;
            }
    }
}

static void pool_bwd_task(void *vc, int t, int nt)
{
    plane_ctx *c = vc;
    const nn_geom *g = c->g;
    size_t pin = (size_t)g->h_in * g->w_in, pout = (size_t)g->h_out * g->w_out, p0, p1;
    float inv = 1.0f / (float)(g->kh * g->kw);
    nn_pool_range((size_t)g->c_in * g->n, t, nt, 1, &p0, &p1);
    for (size_t p = p0; p < p1; p++) {
        const float *xp = c->x + p * pin, *dyp = c->dy + p * pout;
        float *dxp = c->dx + p * pin;
        memset(dxp, 0, pin * sizeof *dxp);
        for (int oh = 0; oh < g->h_out; oh++)
            for (int ow = 0; ow < g->w_out; ow++) {
                float d = dyp[(size_t)oh * g->w_out + ow];
                if (c->kind == NN_POOL_MAX) { dxp[window_argmax(g, xp, oh, ow)] += d; continue; }
                for (int i = 0; i < g->kh; i++)
                    for (int j = 0; j < g->kw; j++)
                        dxp[(size_t)(oh * g->sh + i) * g->w_in + (size_t)(ow * g->sw + j)] += d * inv;
            }
    }
}

static void cpu_pool_fwd(nn_pool_kind kind, const nn_geom *g, const float *x, float *y)
{
    plane_ctx c = {kind, g, 0, 0, 0, x, NULL, y, NULL};
    nn_pool_run_if((size_t)g->c_in * g->n * g->h_in * g->w_in, PAR_MIN, pool_fwd_task, &c);
}

static void cpu_pool_bwd(nn_pool_kind kind, const nn_geom *g, const float *x, const float *y,
                         const float *dy, float *dx)
{
    (void)y;
    plane_ctx c = {kind, g, 0, 0, 0, x, dy, NULL, dx};
    nn_pool_run_if((size_t)g->c_in * g->n * g->h_in * g->w_in, PAR_MIN, pool_bwd_task, &c);
}

enum { CH_GAP_FWD, CH_GAP_BWD, CH_FLAT_FWD, CH_FLAT_BWD };

typedef struct {
    int op, c, n, hw;
    const float *x;
    float *y;
} chan_ctx;

static void chan_task(void *vc, int t, int nt)
{
    chan_ctx *k = vc;
    size_t c0, c1, hw = (size_t)k->hw;
    nn_pool_range((size_t)k->c, t, nt, 1, &c0, &c1);
    for (size_t ch = c0; ch < c1; ch++)
        for (int b = 0; b < k->n; b++) {
            size_t plane = (ch * k->n + b) * hw, flat = ((size_t)b * k->c + ch) * hw;
            switch (k->op) {
            case CH_GAP_FWD: k->y[(size_t)b * k->c + ch] = (float)(sum_f(k->x + plane, hw) / (double)hw); break;
            case CH_GAP_BWD: fill_k(k->y + plane, hw, k->x[(size_t)b * k->c + ch] / (float)hw); break;
            case CH_FLAT_FWD: memcpy(k->y + flat, k->x + plane, hw * sizeof *k->y); break;
            case CH_FLAT_BWD: memcpy(k->y + plane, k->x + flat, hw * sizeof *k->y); break;
            }
        }
}

static void chan(int op, int c, int n, int hw, const float *x, float *y)
{
    chan_ctx k = {op, c, n, hw, x, y};
    nn_pool_run_if((size_t)c * n * hw, PAR_MIN, chan_task, &k);
}

static void cpu_gap_fwd(int c, int n, int hw, const float *x, float *y) { chan(CH_GAP_FWD, c, n, hw, x, y); }
static void cpu_gap_bwd(int c, int n, int hw, const float *dy, float *dx) { chan(CH_GAP_BWD, c, n, hw, dy, dx); }
static void cpu_flatten_fwd(int c, int n, int hw, const float *x, float *y) { chan(CH_FLAT_FWD, c, n, hw, x, y); }
static void cpu_flatten_bwd(int c, int n, int hw, const float *dy, float *dx) { chan(CH_FLAT_BWD, c, n, hw, dy, dx); }

/* ---- loss ------------------------------------------------------------------------------------------- */

/* Per sample i with label y: coefficients a_c = (1 - s) w_y [c = y] + (s / k) w_c (torch's label
 * smoothing with class weights), loss_i = sum_c a_c f(p_c) with f the focal term, normalised by
 * sum_i w_{y_i} as torch's weighted mean. */
static double cpu_xent(int n, int k, const float *logits, const int *labels, const float *class_w,
                       float smoothing, float gamma, float scale, float *dlogits)
{
    double total = 0, wsum = 0;
    for (int i = 0; i < n; i++) wsum += class_w ? class_w[labels[i]] : 1.0;
    if (wsum == 0) wsum = 1;   /* every weight zero: loss 0, gradient 0 */
    for (int i = 0; i < n; i++) {
        const float *z = logits + (size_t)i * k;
        float *dz = dlogits + (size_t)i * k;
        int y = labels[i];
        double mx = z[0], se = 0;
        for (int c = 1; c < k; c++) if (z[c] > mx) mx = z[c];
        for (int c = 0; c < k; c++) se += exp(z[c] - mx);
        double lse = mx + log(se), hsum = 0;
        double wy = class_w ? class_w[y] : 1.0;
        for (int c = 0; c < k; c++) {
            double a = (smoothing / k) * (class_w ? class_w[c] : 1.0) + (c == y ? (1.0 - smoothing) * wy : 0.0);
            double f, pdf;
            nn_focal_term(z[c] - lse, gamma, &f, &pdf);
            total += a * f;
            hsum += a * pdf;
        }
        for (int c = 0; c < k; c++) {
            double a = (smoothing / k) * (class_w ? class_w[c] : 1.0) + (c == y ? (1.0 - smoothing) * wy : 0.0);
            double logp = z[c] - lse, f, pdf;
            nn_focal_term(logp, gamma, &f, &pdf);
            dz[c] = (float)(scale * (a * pdf - exp(logp) * hsum) / wsum);
        }
    }
    return total / wsum;
}

/* ---- the optimizer (ranges) ---------------------------------------------------------------------- */

HOT static void sgd_k(const nn_update_args *a, size_t n, float *restrict p, const float *restrict g,
                      float *restrict buf)
{
    float lr = a->lr, mom = a->momentum, damp = a->dampening, wd = a->weight_decay;
    int nesterov = a->nesterov, first = a->first;
    for (size_t i = 0; i < n; i++) nn_sgd_update(p + i, g[i], buf + i, lr, mom, damp, wd, nesterov, first);
}

HOT static void adam_k(const nn_update_args *a, size_t n, float *restrict p, const float *restrict g,
                       float *restrict m, float *restrict v)
{
    float lr = a->lr, b1 = a->beta1, b2 = a->beta2, eps = a->eps, wd = a->weight_decay;
    float bc1 = a->bc1, bc2 = a->bc2_sqrt;
    if (a->kind == NN_OPT_ADAMW) {
        for (size_t i = 0; i < n; i++) nn_adam_update(p + i, g[i], m + i, v + i, lr, b1, b2, eps, wd, 1, bc1, bc2);
    } else {
        for (size_t i = 0; i < n; i++) nn_adam_update(p + i, g[i], m + i, v + i, lr, b1, b2, eps, wd, 0, bc1, bc2);
    }
}

typedef struct {
    const nn_update_args *a;
    size_t n;
    float *p, *s1, *s2;
    const float *g;
} upd_ctx;

static void update_task(void *vc, int t, int nt)
{
    upd_ctx *c = vc;
    size_t lo, hi;
    nn_pool_range(c->n, t, nt, 64, &lo, &hi);
    if (lo >= hi) return;
    if (c->a->kind == NN_OPT_SGD) sgd_k(c->a, hi - lo, c->p + lo, c->g + lo, c->s1 + lo);
    else adam_k(c->a, hi - lo, c->p + lo, c->g + lo, c->s1 + lo, c->s2 + lo);
}

static void cpu_update(const nn_update_args *a, size_t n, float *p, const float *g, float *s1, float *s2)
{
    upd_ctx c = {a, n, p, s1, s2, g};
    nn_pool_run_if(n, PAR_MIN, update_task, &c);
}

static const nn_backend cpu_backend = {
    .name = "cpu",
    .alloc = cpu_alloc, .release = cpu_release, .upload = cpu_upload, .download = cpu_download,
    .fill = cpu_fill, .copy = cpu_copy, .set_threads = cpu_set_threads, .threads = cpu_threads,
    .linear_fwd = cpu_linear_fwd, .linear_bwd = cpu_linear_bwd,
    .conv_work = cpu_conv_work, .conv_fwd = cpu_conv_fwd, .conv_bwd = cpu_conv_bwd,
    .dwconv_work = cpu_dwconv_work, .dwconv_fwd = cpu_dwconv_fwd, .dwconv_bwd = cpu_dwconv_bwd,
    .bn_fwd = cpu_bn_fwd, .bn_bwd = cpu_bn_bwd,
    .relu_fwd = cpu_relu_fwd, .relu_bwd = cpu_relu_bwd,
    .dropout_fwd = cpu_dropout_fwd, .dropout_bwd = cpu_dropout_bwd,
    .pool_fwd = cpu_pool_fwd, .pool_bwd = cpu_pool_bwd,
    .gap_fwd = cpu_gap_fwd, .gap_bwd = cpu_gap_bwd,
    .flatten_fwd = cpu_flatten_fwd, .flatten_bwd = cpu_flatten_bwd,
    .xent = cpu_xent, .sumsq = cpu_sumsq, .scale = cpu_scale, .update = cpu_update,
};

const nn_backend *nn_backend_cpu(void) { return &cpu_backend; }
