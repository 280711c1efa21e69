/* backend_cpu.c — the CPU backend: GEMMs through OpenBLAS (cblas), or on AVX-512 CPUs the
 * convolutions' GEMMs (weights times columns or planes) and depthwise convolutions through
 * this file's own AVX-512 kernels; everything else as plain loops over the per-element
 * functions of nn/elementwise.h. Convolutions: pointwise ones as one GEMM (on AVX-512 CPUs the
 * weight gradient, dy x^T over positions, through gemm_nt_avx512); 3x3 ones at stride 1
 * with padding 1, 4 channels or more each side, on AVX-512 CPUs as Winograd's F(2x2, 3x3)
 * (winograd.c; forward and input gradient; the weight gradient as 9 shifted GEMMs a sample,
 * shift_dw_task, or through im2col where c_in is no multiple of 8); the others through im2col.
 * Layouts, accumulation and aliasing rules are described in nn/backend.h.
 * tests/unit/test_nn_cpu_kernels.c checks every path against a direct reference.
 *
 * Threads: one pool (cpu_pool.c) of `threads` threads runs every operation, cut into a fixed
 * number of shares (at least the threads): GEMMs split by rows or columns of the output
 * (OpenBLAS itself stays on one thread, so a trial never uses more than its threads), im2col
 * and Winograd convolutions by samples (weight gradients summed from per-share partials, in
 * share order), depthwise convolution, batch norm and pooling by channels, elementwise loops by ranges. Each
 * share computes the same whichever thread runs it, so results depend on the shares, not on
 * the threads. Per-share scratch comes from the model's activation arena (conv_work,
 * dwconv_work), sized for the shares.
 *
 * Speed: outside the GEMMs the work is streaming over activations, so these loops must
 * vectorize. lib/nn/module.mk compiles this file with -O3 -fno-math-errno -fopenmp-simd (SIMD
 * reductions without the OpenMP runtime), and the hot loops are cloned for AVX2 and AVX-512
 * (HOT), picked at load time, so one binary runs everywhere. Sums of many floats add float
 * lanes over blocks of 512 and the block sums in double. The pointwise weight gradient's own
 * kernel (gemm_nt_avx512) ran the dscnn's 64 x 64 x 65280 product in 3.4 ms where OpenBLAS's
 * Haswell kernel took 5.9; with it, and dw and dx of a pointwise layer made block by block
 * (pw_bwd_task), the dscnn step (nn_bench dscnn 1 64 101 40 3, Zen 5, five interleaved pairs)
 * took 110.3 ms where it took 129.4 through OpenBLAS (cpu_ms_per_step the same), and 63.1
 * where it took 72.9 on two threads (cpu 119.4 and 139.1). */
#include "nn/backend.h"
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "nn/cpu_pool.h"
#include "nn/elementwise.h"
#include "nn/nn.h"
#include "nn/winograd.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define HOT
#endif

/* For loops GCC would otherwise turn into memcpy/memset calls: on short rows the call costs
 * more than the copy. */
#if defined(__GNUC__) && !defined(__clang__)
#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LIBCALLS
#endif

#define BLOCK 512
#define PAR_MIN ((size_t)1 << 15)    /* elements (or multiply-adds / 16) worth a parallel region */
#define ALIGN 16                     /* floats: shares and scratch start on 64-byte boundaries */

/* im2col works on chunks of samples whose column buffer (per share) stays under this many
 * floats (1 MiB, about an L2 cache): the GEMM then packs columns from the cache; measured on
 * the default cnn, 1 MiB beat 4 MiB by 8%. */
static size_t cols_budget = (size_t)1 << 18;

void nn_cpu_set_cols_budget(size_t floats) { cols_budget = floats ? floats : (size_t)1 << 18; }

static size_t round_up(size_t n) { return (n + ALIGN - 1) / ALIGN * ALIGN; }

/* ---- memory ------------------------------------------------------------------------------------ */

/* Every block starts with a 64-byte header saying how it was made. Blocks of 2 MiB and more
 * (the activation arena, large models) are fresh anonymous mappings, which the kernel hands
 * out zeroed, advised to use transparent huge pages: the first forward pass then takes one page
 * fault per 2 MiB instead of per 4 KiB. On a virtual machine a fault costs tens of
 * microseconds, and faulting in a dscnn arena page by page took seconds before the first
 * step. The data starts 64 bytes into a 2 MiB-aligned mapping, so it stays 64-byte aligned. */
#define HUGE_PAGE ((size_t)2 << 20)
#define MAP_MIN HUGE_PAGE

typedef struct {
    void *base;          /* what munmap or free takes */
    size_t map_len;      /* 0: from posix_memalign */
} alloc_hdr;

static void *cpu_alloc(size_t bytes)
{
    size_t n = (bytes + 63) & ~(size_t)63;
    if (n >= MAP_MIN) {
        size_t len = n + 64 + HUGE_PAGE;
        void *base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (base == MAP_FAILED) return NULL;
        char *at = (char *)(((uintptr_t)base + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
#ifdef MADV_HUGEPAGE
        madvise(at, n + 64, MADV_HUGEPAGE);   /* a hint: without THP it is ordinary memory */
#endif
        alloc_hdr *h = (alloc_hdr *)at;
        h->base = base;
        h->map_len = len;
        return at + 64;
    }
    void *p = NULL;
    if (posix_memalign(&p, 64, n + 64) != 0) return NULL;
    memset(p, 0, n + 64);
    alloc_hdr *h = p;
    h->base = p;
    h->map_len = 0;
    return (char *)p + 64;
}

static void cpu_release(void *p)
{
    if (!p) return;
    alloc_hdr *h = (alloc_hdr *)((char *)p - 64);
    if (h->map_len) munmap(h->base, h->map_len);
    else free(h->base);
}

static void cpu_upload(void *dst, const void *src, size_t bytes) { if (bytes) memmove(dst, src, bytes); }
static void cpu_download(void *dst, const void *src, size_t bytes) { if (bytes) memmove(dst, src, bytes); }

static void cpu_set_threads(int threads, int shares)
{
    openblas_set_num_threads(1);   /* the pool's threads call it, one GEMM share each */
    nn_pool_set_threads(threads, shares);
}

static int cpu_shares(void) { return nn_pool_shares(); }

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

HOT static void dropout_inplace_k(size_t n, size_t base, float p, uint64_t seed, float *restrict y)
{
    for (size_t i = 0; i < n; i++) y[i] *= nn_dropout_factor(seed, base + i, p);
}

HOT static void bias_relu(size_t n, float *y, float b, int relu)
{
    if (relu) for (size_t i = 0; i < n; i++) y[i] = nn_relu(y[i] + b);
    else if (b != 0.0f) for (size_t i = 0; i < n; i++) y[i] += b;
}

/* ---- GEMMs with contiguous rows of B: an AVX-512 kernel ---------------------------------------- */

/* C[m][n] = sum_k a(m, k) B[k][n], then + bias[m] and ReLU when asked, for row-major B and C
 * and a(m, k) = A[m a_rs + k a_cs]: the shape of every convolution GEMM here (weights times
 * im2col columns or a pointwise input, giving output planes). OpenBLAS packs B, the large
 * operand, before each such product, zeroes C for beta = 0, and its kernel is chosen by
 * OPENBLAS_CORETYPE (which may name an AVX2 core on an AVX-512 CPU). On CPUs with AVX-512 this
 * kernel reads B in place instead: tiles of 8 rows x 48 columns in 24 registers (8 x 32 in 16
 * where N is 32 or less: a weight gradient's c_out columns), a column panel of B (K x 48 floats)
 * staying in L1 across the row tiles; bias and ReLU are applied on the way out. Per k a tile
 * loads its row of B (3 vectors) and broadcasts 8 values of a for 24 multiply-adds: on Zen 5
 * the 48-column tile ran a 32 x 1071 x 288 product (the cnn's conv1) 15% faster than 8 x 32,
 * and 12 x 32 gained half that (tests/bench/train/run.sh has the whole step). The sums run over
 * k in order, so results differ from OpenBLAS's by rounding only and do not depend on the tile.
 * M must be a multiple of 8 (channel counts); other shapes, and other CPUs, use OpenBLAS. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define ROWS_AVX512 1

#define MR 8        /* rows of a tile */
#define NV_MAX 3    /* 16-float vectors across a tile: 8 x 3 accumulators, 3 of B, 1 of a */

/* One tile: rows [0, MR) of a and C, the nv vectors of columns of b and C that masks km hold.
 * Always inlined with a constant nv, and every loop unrolled: the accumulators stay in
 * registers only while every index into c is a constant (GCC left the epilogue's loops rolled,
 * kept c on the stack and stored all 16 accumulators every k, which halved the speed). */
#define UNROLL _Pragma("GCC unroll 8")
__attribute__((always_inline, target("avx512f"))) static inline void
rows_tile(const int nv, int K, const float *a, int a_rs, int a_cs, const float *b, int ldb, const __mmask16 *km,
          float *C, int ldc, int accumulate, const float *bias, int relu)
{
    const __m512 zero = _mm512_setzero_ps();
    __m512 c[MR][NV_MAX];
    UNROLL for (int r = 0; r < MR; r++)
        UNROLL for (int v = 0; v < nv; v++) c[r][v] = zero;
    for (int k = 0; k < K; k++, b += ldb) {
        __m512 bv[NV_MAX];
        UNROLL for (int v = 0; v < nv; v++) bv[v] = _mm512_maskz_loadu_ps(km[v], b + 16 * v);
        const float *ak = a + (size_t)k * a_cs;
        UNROLL for (int r = 0; r < MR; r++) {
            __m512 av = _mm512_set1_ps(ak[(size_t)r * a_rs]);
            UNROLL for (int v = 0; v < nv; v++) c[r][v] = _mm512_fmadd_ps(av, bv[v], c[r][v]);
        }
    }
    UNROLL for (int r = 0; r < MR; r++) {
        float *cr = C + (size_t)r * ldc;
        UNROLL for (int v = 0; v < nv; v++) {
            __m512 x = c[r][v];
            if (accumulate) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(km[v], cr + 16 * v));
            if (bias) x = _mm512_add_ps(x, _mm512_set1_ps(bias[r]));
            if (relu) x = _mm512_max_ps(zero, x);   /* as nn_relu: NaN and -0 (the second operand) come through */
            _mm512_mask_storeu_ps(cr + 16 * v, km[v], x);
        }
    }
}

__attribute__((target("avx512f"))) static void gemm_rows_avx512(int M, int N, int K, const float *A, int a_rs,
                                                                 int a_cs, const float *B, int ldb, float *C, int ldc,
                                                                 int accumulate, const float *bias, int relu)
{
    /* 48 columns would leave a third of every 32-column product's multiply-adds masked off */
    const int nv = N > 32 ? 3 : 2, width = 16 * nv;
    for (int n0 = 0; n0 < N; n0 += width) {
        __mmask16 km[NV_MAX] = {0};
        for (int v = 0; v < nv; v++) {
            int left = N - n0 - 16 * v;
            km[v] = left >= 16 ? (__mmask16)0xFFFF : left > 0 ? (__mmask16)((1u << left) - 1) : 0;
        }
        /* the last panel as narrow as its columns: a 48-wide tile over 24 columns (the Winograd
         * path's chunks of 120 tiles) spent a third of its multiply-adds on masked-off lanes */
        int left = N - n0, nvp = left > 16 * (nv - 1) ? nv : (left + 15) / 16;
        /* The next panel's rows of B asked for while this one is worked on: its K rows lie ldb
         * apart (a pointwise layer's channels, 274 KiB apart in the dscnn at batch 64), more
         * streams than the hardware's prefetcher follows, and the tiles waited on memory. A
         * 64 x 1024 x 64 pointwise forward went from 4.5-5.2 to 3.6-3.8 ms a call (one thread,
         * 64 x 64 x 51x21, Zen 5); prefetching C's next panel for writing as well gained nothing. */
        if (left > width)
            for (int k = 0; k < K; k++)
                for (int v = 0; v < nv; v++)
                    _mm_prefetch((const char *)(B + (size_t)k * ldb + n0 + width + 16 * v), _MM_HINT_T0);
        for (int m0 = 0; m0 < M; m0 += MR) {
            const float *a = A + (size_t)m0 * a_rs, *bm = bias ? bias + m0 : NULL;
            float *c = C + (size_t)m0 * ldc + n0;
            if (nvp == 3) rows_tile(3, K, a, a_rs, a_cs, B + n0, ldb, km, c, ldc, accumulate, bm, relu);
            else if (nvp == 2) rows_tile(2, K, a, a_rs, a_cs, B + n0, ldb, km, c, ldc, accumulate, bm, relu);
            else rows_tile(1, K, a, a_rs, a_cs, B + n0, ldb, km, c, ldc, accumulate, bm, relu);
        }
    }
}
#endif

/* Whether gemm_rows runs its own kernel for M rows (else OpenBLAS). */
static int rows_kernel(int M)
{
#ifdef ROWS_AVX512
    return M % MR == 0 && __builtin_cpu_supports("avx512f");
#else
    (void)M;
    return 0;
#endif
}

/* C = a B (+ C when accumulate), then bias and ReLU (see above). */
static void gemm_rows(int M, int N, int K, const float *A, int a_rs, int a_cs, const float *B, int ldb, float *C,
                      int ldc, int accumulate, const float *bias, int relu)
{
#ifdef ROWS_AVX512
    if (rows_kernel(M)) {
        gemm_rows_avx512(M, N, K, A, a_rs, a_cs, B, ldb, C, ldc, accumulate, bias, relu);
        return;
    }
#endif
    float beta = accumulate ? 1.0f : 0.0f;
    /* a row-major [M][K], rows a_rs apart; one row (M = 1) is that whatever a_rs says, with lda
     * K: OpenBLAS refuses lda < K, printing "illegal value" and leaving C as it was (the pointwise
     * input gradient over one input channel, a_rs = a_cs = 1, passed lda 1 so) */
    if (a_cs == 1 && (a_rs >= K || M == 1))
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, A, a_rs >= K ? a_rs : K, B, ldb, beta,
                    C, ldc);
    else   /* a(m, k) = A[k a_cs + m]: A is the transpose of a row-major [K][M] */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, M, N, K, 1.0f, A, a_cs, B, ldb, beta, C, ldc);
    if (bias || relu)
        for (int m = 0; m < M; m++) bias_relu((size_t)N, C + (size_t)m * ldc, bias ? bias[m] : 0.0f, relu);
}

/* ---- GEMMs with both operands' rows contiguous along a long K: an AVX-512 kernel -------------- */

/* C[m][n] += sum_k A[m lda + k] B[n ldb + k]: the pointwise weight gradient, dw += dy x^T over
 * a share's positions (K = 65280 for the dscnn at batch 64, M = N = 64). OpenBLAS packs both
 * long operands first and runs its kernel for OPENBLAS_CORETYPE (AVX2 Haswell here): 16% of a
 * dscnn step. This kernel reads them in place: tiles of 4 rows of A x 4 rows of B, 16
 * accumulators of 16 lanes each, 8 loads for 16 multiply-adds per 16 positions, reduced across
 * lanes once per block of NT_KB positions; a block's 4 rows of A (16 KiB) stay in L1 across
 * the tiles of B, its N rows of B in L2 across those of A. Edges: a ragged last tile starts 4
 * rows from the end and adds only the rows and columns the one before did not; positions past
 * K are masked off. Sums run over lanes, then blocks in order: rounding differs from OpenBLAS's,
 * and results do not depend on the threads. */
#ifdef ROWS_AVX512
#define NT_R 4        /* rows of A, and of B, in a tile */
/* positions per block: the dscnn's 64 x 64 x 65280 product took 4.0, 3.6, 3.4 and 4.8 ms at 256,
 * 512, 1024 and 2048 (OpenBLAS 5.9); PW_COLS, the pointwise blocks, is as many */
#define NT_KB 1024

/* A tile over kb positions (kb <= NT_KB) added to C[r][i] for r >= r0, i >= i0. */
__attribute__((always_inline, target("avx512f"))) static inline void
nt_tile(int kb, const float *a, size_t lda, const float *b, size_t ldb, float *C, int ldc, int r0, int i0)
{
    __m512 acc[NT_R][NT_R];
    UNROLL for (int r = 0; r < NT_R; r++)
        UNROLL for (int i = 0; i < NT_R; i++) acc[r][i] = _mm512_setzero_ps();
    for (int k = 0; k < kb; k += 16) {
        __mmask16 m = kb - k >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (kb - k)) - 1);
        __m512 av[NT_R];
        UNROLL for (int r = 0; r < NT_R; r++) av[r] = _mm512_maskz_loadu_ps(m, a + (size_t)r * lda + k);
        UNROLL for (int i = 0; i < NT_R; i++) {
            __m512 bv = _mm512_maskz_loadu_ps(m, b + (size_t)i * ldb + k);
            UNROLL for (int r = 0; r < NT_R; r++) acc[r][i] = _mm512_fmadd_ps(av[r], bv, acc[r][i]);
        }
    }
    /* 16 vectors v[4i + r] = acc[r][i] to one of their sums, s[4r + i]: halves of pairs added
     * (16 -> 8), quarters (-> 4, lane l of u[j] from v[4j + l]), then pairs and singles within
     * the 128-bit lanes */
    __m512 t[8], u[4], w[2];
    UNROLL for (int j = 0; j < 8; j++) {
        __m512 p = acc[(2 * j) % 4][(2 * j) / 4], q = acc[(2 * j + 1) % 4][(2 * j + 1) / 4];
        t[j] = _mm512_add_ps(_mm512_shuffle_f32x4(p, q, 0x44), _mm512_shuffle_f32x4(p, q, 0xEE));
    }
    UNROLL for (int j = 0; j < 4; j++)
        u[j] = _mm512_add_ps(_mm512_shuffle_f32x4(t[2 * j], t[2 * j + 1], 0x88),
                             _mm512_shuffle_f32x4(t[2 * j], t[2 * j + 1], 0xDD));
    UNROLL for (int j = 0; j < 2; j++)
        w[j] = _mm512_add_ps(_mm512_shuffle_ps(u[2 * j], u[2 * j + 1], 0x44),
                             _mm512_shuffle_ps(u[2 * j], u[2 * j + 1], 0xEE));
    float s[16];
    _mm512_storeu_ps(s, _mm512_add_ps(_mm512_shuffle_ps(w[0], w[1], 0x88), _mm512_shuffle_ps(w[0], w[1], 0xDD)));
    for (int r = r0; r < NT_R; r++)
        for (int i = i0; i < NT_R; i++) C[(size_t)r * ldc + i] += s[NT_R * r + i];
}

__attribute__((target("avx512f"))) static void gemm_nt_avx512(int M, int N, int K, const float *A, size_t lda,
                                                               const float *B, size_t ldb, float *C, int ldc)
{
    for (int k0 = 0; k0 < K; k0 += NT_KB) {
        int kb = K - k0 < NT_KB ? K - k0 : NT_KB;
        for (int m0 = 0; m0 < M; m0 += NT_R) {
            int m = m0 + NT_R <= M ? m0 : M - NT_R;
            for (int n0 = 0; n0 < N; n0 += NT_R) {
                int n = n0 + NT_R <= N ? n0 : N - NT_R;
                nt_tile(kb, A + (size_t)m * lda + k0, lda, B + (size_t)n * ldb + k0, ldb, C + (size_t)m * ldc + n,
                        ldc, m0 - m, n0 - n);
            }
        }
    }
}
#endif

/* Whether gemm_nt runs its own kernel for M x N (else OpenBLAS). */
static int nt_kernel(int M, int N)
{
#ifdef ROWS_AVX512
    return M >= NT_R && N >= NT_R && __builtin_cpu_supports("avx512f");
#else
    (void)M, (void)N;
    return 0;
#endif
}

/* C += A B^T for row-major A [M][K] and B [N][K]. */
static void gemm_nt(int M, int N, int K, const float *A, size_t lda, const float *B, size_t ldb, float *C, int ldc)
{
#ifdef ROWS_AVX512
    if (nt_kernel(M, N)) {
        gemm_nt_avx512(M, N, K, A, lda, B, ldb, C, ldc);
        return;
    }
#endif
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, A, (int)lda, B, (int)ldb, 1.0f, C, ldc);
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

/* dy = relu'(y) dy in place, returning the sum of the masked dy (one pass; sum as sum_f). */
HOT static double relu_mask_sum(size_t n, const float *restrict y, float *restrict dy)
{
    double total = 0;
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t e = n - i < BLOCK ? n - i : BLOCK;
        float s = 0.0f;
#pragma omp simd reduction(+:s)
        for (size_t k = 0; k < e; k++) {
            float d = nn_relu_grad(y[i + k], dy[i + k]);
            dy[i + k] = d;
            s += d;
        }
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
    c->part[t] = 0;
    if (!k) return;
    switch (c->op) {
    case EW_FILL: fill_k(c->y + lo, k, c->a); break;
    case EW_SCALE: scale_k(c->y + lo, k, c->a); break;
    case EW_COPY: memmove(c->y + lo, c->x + lo, k * sizeof *c->y); break;
    case EW_RELU: relu_k(k, c->x + lo, c->y + lo); break;
    case EW_RELU_GRAD: relu_grad_k(k, c->x + lo, c->x2 + lo, c->y + lo); break;
    case EW_RELU_MASK: relu_mask_k(k, c->x + lo, c->y + lo); break;
    case EW_DROPOUT:
        if (c->x == c->y) dropout_inplace_k(k, lo, c->a, c->seed, c->y + lo);
        else dropout_k(k, lo, c->a, c->seed, c->x + lo, c->y + lo);
        break;
    case EW_SUMSQ: c->part[t] = sumsq_f(c->x + lo, k); break;
    }
}

static double ew(int op, size_t n, float *y, const float *x, const float *x2, float a, uint64_t seed)
{
    ew_ctx c;
    c.op = op; c.n = n; c.y = y; c.x = x; c.x2 = x2; c.a = a; c.seed = seed;
    int ns = nn_pool_run_if(n, PAR_MIN, ew_task, &c);
    double s = 0;
    for (int t = 0; t < ns; t++) s += c.part[t];   /* in share order */
    return s;
}

static void cpu_fill(float *x, size_t n, float v) { ew(EW_FILL, n, x, NULL, NULL, v, 0); }
static void cpu_copy(float *dst, const float *src, size_t n) { if (n && dst != src) ew(EW_COPY, n, dst, src, NULL, 0, 0); }
static void cpu_scale(size_t n, float s, float *x) { ew(EW_SCALE, n, x, NULL, NULL, s, 0); }
static double cpu_sumsq(size_t n, const float *x) { return ew(EW_SUMSQ, n, NULL, x, NULL, 0, 0); }
static void cpu_relu_fwd(size_t n, const float *x, float *y) { ew(EW_RELU, n, y, x, NULL, 0, 0); }
static void cpu_relu_bwd(size_t n, const float *y, const float *dy, float *dx)
{
    if (dx == dy) ew(EW_RELU_MASK, n, dx, y, NULL, 0, 0);   /* in place (see backend.h) */
    else ew(EW_RELU_GRAD, n, dx, y, dy, 0, 0);
}
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

/* Backward: output units for dw and db (no reduction across shares), batch rows for dx. */
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

/* Stride 1 with w_out == w_in (odd kernels, "same" padding): row oh of tap (i, j) reads row
 * oh + i - ph at column offset j - pw, so all valid rows of a plane are one contiguous block
 * at offset (i - ph) w + (j - pw); only the columns that wrapped into the neighbouring row
 * (the first pw - j or the last j - pw of each row) are wrong and get zeroed. */
static int im_flat(const nn_geom *g) { return g->sh == 1 && g->sw == 1 && g->w_out == g->w_in; }

/* The input gradient of a stride-1 convolution is itself a convolution: of dy, with the
 * kernel flipped and its in and out channels swapped, and padding k - 1 - p:
 *   dx[c][ih][iw] = sum_{o,i',j'} w[o][c][kh-1-i'][kw-1-j'] dy[o][ih + i' - (kh-1-ph)][iw + j' - (kw-1-pw)].
 * Computing it so (im2col of dy, then one GEMM of the forward's shape writing dx) replaces the
 * GEMM into columns [K][P], the column-to-image additions and the zeroing of dx. The flat
 * geometries have it; other strides keep col2im. */
static int dx_as_conv(const nn_geom *g) { return im_flat(g) && g->ph <= g->kh - 1 && g->pw <= g->kw - 1; }

static nn_geom transposed_geom(const nn_geom *g)
{
    nn_geom t = {g->n, g->c_out, g->h_out, g->w_out, g->c_in, g->h_in, g->w_in, g->kh, g->kw, 1, 1,
                 g->kh - 1 - g->ph, g->kw - 1 - g->pw};
    return t;
}

/* Column floats per sample: of x, and (dx_as_conv) of dy for the input gradient. */
static size_t cols_per_sample(const nn_geom *g)
{
    size_t a = (size_t)g->c_in * g->kh * g->kw * g->h_out * g->w_out;
    size_t b = dx_as_conv(g) ? (size_t)g->c_out * g->kh * g->kw * g->h_in * g->w_in : 0;
    return a > b ? a : b;
}

/* Samples per im2col chunk. */
static int conv_chunk(const nn_geom *g)
{
    size_t per = cols_per_sample(g);
    size_t c = per ? cols_budget / per : (size_t)g->n;
    if (c < 1) c = 1;
    if (c > (size_t)g->n) c = (size_t)g->n;
    return (int)c;
}

/* The weight gradient dw[o][k] = sum_p dy[o][p] cols[k][p] as gemm_rows takes it: transposed,
 * dw^T[k][o] = sum_p cols[k][p] dy^T[p][o], with the chunk's dy transposed first (c_out x P
 * floats, cheap next to the product). Where gemm_rows has its kernel for K rows. */
static int dw_transposed(const nn_geom *g) { return rows_kernel(g->c_in * g->kh * g->kw); }

/* Per share: cols [chunk][cols_per_sample], dcols [K][chunk P] (col2im path only), the
 * partial dw [c_out][K] (or dw^T [K][c_out]), dy^T [chunk P][c_out] (dw_transposed). After
 * every share: the flipped weights [c_in][c_out kh kw] (dx_as_conv). */
typedef struct {
    size_t cols, dcols, dw, dyt, per_share, wt;
} conv_layout;

static conv_layout conv_work_layout(const nn_geom *g)
{
    size_t K = (size_t)g->c_in * g->kh * g->kw, P = (size_t)g->h_out * g->w_out, chunk = (size_t)conv_chunk(g);
    conv_layout l;
    l.cols = 0;
    l.dcols = round_up(cols_per_sample(g) * chunk);
    l.dw = l.dcols + (dx_as_conv(g) ? 0 : round_up(K * P * chunk));
    l.dyt = l.dw + round_up((size_t)g->c_out * K);
    l.per_share = l.dyt + (dw_transposed(g) ? round_up(chunk * P * (size_t)g->c_out) : 0);
    l.wt = (size_t)nn_pool_shares() * l.per_share;
    return l;
}

/* The pointwise weight gradient's per-share partials, [c_out][c_in] each (pw_bwd_task). */
static size_t pw_dw_share_work(const nn_geom *g) { return round_up((size_t)g->c_out * g->c_in); }

static int is_wino(const nn_geom *g);
static size_t wino_work(const nn_geom *g);

static size_t cpu_conv_work(const nn_geom *g)
{
    if (is_pointwise(g)) return nn_pool_shares() > 1 ? (size_t)nn_pool_shares() * pw_dw_share_work(g) : 0;
    if (is_wino(g)) return wino_work(g);
    conv_layout l = conv_work_layout(g);
    return l.wt + (dx_as_conv(g) ? round_up((size_t)g->c_in * g->c_out * g->kh * g->kw) : 0);
}

/* Output columns [lo, hi) of a row whose input column is o * s - p + j lie inside [0, len).
 * Empty at out for a tap that reads padding only, as row_range's rows: a kernel more than twice
 * as wide as the input (11 wide, stride 2, over one column: lo 3 of 1) had im2col zero columns
 * past the row's end, into the next row (written after it, so no value was wrong). */
static void valid_range(int out, int s, int p, int j, int len, int *lo, int *hi)
{
    int a = p - j, b = len - 1 + p - j;      /* need a <= o * s <= b */
    int l = a <= 0 ? 0 : (a + s - 1) / s;
    int h = b < 0 ? -1 : b / s;
    if (l > out) l = out;
    if (h > out - 1) h = out - 1;
    *lo = l;
    *hi = h + 1 > l ? h + 1 : l;
}

/* Valid output rows [lo, hi) of tap row i: 0 <= oh + i - ph < h_in. Empty at h_out for a tap
 * that reads padding only (a kernel more than twice the input's height at stride 1: row 0 of an
 * 11-row kernel over one frame); a lo past h_out had im2col zero a negative size (SIGSEGV). */
static void row_range(const nn_geom *g, int i, int *lo, int *hi)
{
    int l = g->ph - i, h = g->h_in + g->ph - i;
    *lo = l > 0 ? (l < g->h_out ? l : g->h_out) : 0;
    *hi = h < g->h_out ? h : g->h_out;
    if (*hi < *lo) *hi = *lo;
}

HOT static void copy_k(float *restrict dst, const float *restrict src, size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] = src[i];
}

/* dst[i] = src[2 i]: the rows of a stride-2 convolution's columns (the cnn's and dscnn's first
 * layer). A constant stride lets GCC vectorize it (loads of two vectors and a permute); with
 * the stride a variable the copy ran a float at a time, half of im2col's own time in a cnn step.
 * Inlined, not cloned: im2col's clones vectorize it for their own targets, without a call per
 * row of at most w_out floats. */
static inline void copy_stride2(float *restrict dst, const float *restrict src, size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] = src[2 * i];
}

HOT static void add_k(float *restrict dst, const float *restrict src, size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] += src[i];
}

/* Zeroes the wrapped columns of rows [r0, r1) of a plane of width w for column offset d: a
 * column or two per row, stored directly (a memset call per row cost more than the copy). */
NO_LIBCALLS static void zero_wrapped(float *plane, int w, int r0, int r1, int d)
{
    if (d == 0 || r1 <= r0) return;
    int k0 = d < 0 ? 0 : (w - d > 0 ? w - d : 0), k1 = d < 0 ? (-d < w ? -d : w) : w;
    float *row = plane + (size_t)r0 * w;
    if (k1 - k0 == 1) {   /* 3x3 kernels: one column a row, without the inner loop's overhead */
        for (int r = r0; r < r1; r++, row += w) row[k0] = 0.0f;
        return;
    }
    for (int r = r0; r < r1; r++, row += w)
        for (int k = k0; k < k1; k++) row[k] = 0.0f;
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
                        if (s0 < 0) a = -s0 < n ? -s0 : n;   /* within the block: none of an empty one */
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
                        else if (g->sw == 2) copy_stride2(dr + lo, src + 2 * (size_t)lo, (size_t)(hi - lo));
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

/* Pointwise GEMMs run over blocks of this many columns (positions): OpenBLAS first zeroes the
 * output of a beta = 0 GEMM, and over a whole batch (dscnn: 64 x 17 MB) that pass and the
 * kernel's would each go to memory; a block's output and input (c x 1024 floats) stay in L2. */
#define PW_COLS 1024
#ifdef ROWS_AVX512
/* pw_bwd_task's blocks must be gemm_nt's K blocks: a call per block then sums in the order one
 * call over the whole share would (lanes within a block, then blocks in order) */
_Static_assert(PW_COLS == NT_KB, "pointwise blocks and gemm_nt's K blocks differ");
#endif

/* Pointwise forward: columns (samples x positions) of the output. */
static void pw_fwd_task(void *vc, int t, int nt)
{
    conv_ctx *c = vc;
    const nn_geom *g = c->g;
    size_t nP = (size_t)g->n * g->h_out * g->w_out, lo, hi;
    nn_pool_range(nP, t, nt, 64, &lo, &hi);
    for (size_t a = lo; a < hi; a += PW_COLS) {
        size_t e = hi - a < PW_COLS ? hi - a : PW_COLS;
        gemm_rows(g->c_out, (int)e, g->c_in, c->w, g->c_in, 1, c->x + a, (int)nP, c->out_y + a, (int)nP, 0, c->b, c->relu);
    }
}

/* im2col forward: samples, in chunks, with the share's own column buffer. */
static void im_fwd_task(void *vc, int t, int nt)
{
    conv_ctx *c = vc;
    const nn_geom *g = c->g;
    size_t P = (size_t)g->h_out * g->w_out, nP = (size_t)g->n * P, s0, s1;
    int K = g->c_in * g->kh * g->kw, chunk = conv_chunk(g);
    float *cols = c->work + (size_t)t * conv_work_layout(g).per_share;
    nn_pool_range((size_t)g->n, t, nt, 1, &s0, &s1);
    for (int b0 = (int)s0; b0 < (int)s1; b0 += chunk) {
        int nb = (int)s1 - b0 < chunk ? (int)s1 - b0 : chunk;
        im2col(g, c->x, b0, nb, cols);
        gemm_rows(g->c_out, (int)(nb * P), K, c->w, K, 1, cols, (int)(nb * P), c->out_y + (size_t)b0 * P, (int)nP, 0,
                  c->b, c->relu);
    }
}

static void wino_conv_fwd(conv_ctx *c);

static void cpu_conv_fwd(const nn_geom *g, const float *x, const float *w, const float *b, float *y,
                         int relu, float *work)
{
    conv_ctx c = {g, x, w, b, NULL, y, NULL, NULL, NULL, NULL, work, relu};
    size_t macs = (size_t)g->n * g->h_out * g->w_out * g->c_out * g->c_in * g->kh * g->kw;
    if (is_pointwise(g)) nn_pool_run_if(macs / 16, PAR_MIN, pw_fwd_task, &c);
    else if (is_wino(g)) wino_conv_fwd(&c);
    else nn_pool_run(im_fwd_task, &c);   /* the work was sized for every share */
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
        if (c->relu && c->db) c->db[o] += (float)relu_mask_sum(nP, c->y + o * nP, row);
        else if (c->relu) relu_mask_k(nP, c->y + o * nP, row);
        else c->db[o] += (float)sum_f(row, nP);
    }
}

/* Pointwise backward: the share's columns (positions) of dx, and of the sum over positions that
 * makes dw: one share adds into dw itself; more write partials (work), which cpu_conv_bwd adds
 * in share order. Split so, and not by rows of dw, each share packs only its own part of both
 * operands: by rows, every share packed all of x, which made the split cost 5% of a dscnn step
 * on one thread. With gemm_nt's own kernel both products go block by block (PW_COLS positions,
 * one of its K blocks, so the sums are those over the whole share): a block of dy (64 x 1024
 * floats in the dscnn, 256 KiB) comes from memory once, then from L2 for dx; the dscnn step
 * went from 119.4 to 109.4 ms (one thread, five interleaved pairs) against the whole share's dw
 * first and dx after. OpenBLAS takes the whole share in one call (it packs per call). */
static void pw_bwd_task(void *vc, int t, int nt)
{
    conv_ctx *c = vc;
    const nn_geom *g = c->g;
    size_t nP = (size_t)g->n * g->h_out * g->w_out, lo, hi;
    nn_pool_range(nP, t, nt, 64, &lo, &hi);
    float *dw = nt > 1 ? c->work + (size_t)t * pw_dw_share_work(g) : c->dw;
    int fused = nt_kernel(g->c_out, g->c_in);
    if (nt > 1) memset(dw, 0, (size_t)g->c_out * g->c_in * sizeof *dw);
    if (!fused && hi > lo) gemm_nt(g->c_out, g->c_in, (int)(hi - lo), c->dy + lo, nP, c->x + lo, nP, dw, g->c_in);
    for (size_t a = lo; a < hi; a += PW_COLS) {
        size_t e = hi - a < PW_COLS ? hi - a : PW_COLS;
        if (fused) gemm_nt(g->c_out, g->c_in, (int)e, c->dy + a, nP, c->x + a, nP, dw, g->c_in);
        if (c->dx)
            gemm_rows(g->c_in, (int)e, g->c_out, c->w, 1, g->c_in, c->dy + a, (int)nP, c->dx + a, (int)nP, 0, NULL, 0);
    }
}

/* out[p][r] = in[r][p] for r < rows, p < n: in has rows of stride ld. Blocks of 16 positions
 * keep the rows' cache lines in use. */
HOT static void transpose_scalar(int r0, int rows, size_t n, const float *restrict in, size_t ld, float *restrict out)
{
    for (size_t p0 = 0; p0 < n; p0 += 16) {
        size_t pe = n - p0 < 16 ? n - p0 : 16;
        for (int r = r0; r < rows; r++) {
            const float *src = in + (size_t)r * ld + p0;
            for (size_t p = 0; p < pe; p++) out[(p0 + p) * (size_t)rows + r] = src[p];
        }
    }
}

#ifdef ROWS_AVX512
/* The same for rows [0, rows - rows % 16) in blocks of 16 x 16 transposed in registers: GCC's
 * vectorization of the loop above scattered single floats, and this transpose (of dy before
 * each weight-gradient GEMM) took 5.6% of a cnn step. Unpacks pair rows within 128-bit lanes,
 * shuffles make 4 x 4 blocks, and two rounds of lane shuffles put each position's 16 rows in
 * one vector. Positions past n are masked off on load and not stored. */
__attribute__((target("avx512f"))) static void transpose_avx512(int rows, size_t n, const float *restrict in,
                                                                size_t ld, float *restrict out)
{
    for (int r0 = 0; r0 + 16 <= rows; r0 += 16)
        for (size_t p0 = 0; p0 < n; p0 += 16) {
            size_t pe = n - p0 < 16 ? n - p0 : 16;
            __mmask16 m = (__mmask16)((1u << pe) - 1);
            __m512 v[16], t[16];
            for (int r = 0; r < 16; r++) v[r] = _mm512_maskz_loadu_ps(m, in + (size_t)(r0 + r) * ld + p0);
            for (int r = 0; r < 16; r += 2) {   /* lane l: (a 4l, b 4l, a 4l+1, b 4l+1), (a 4l+2, ...) */
                t[r] = _mm512_unpacklo_ps(v[r], v[r + 1]);
                t[r + 1] = _mm512_unpackhi_ps(v[r], v[r + 1]);
            }
            for (int r = 0; r < 16; r += 4) {   /* v[r + j], lane l: rows r..r+3 of position 4l + j */
                v[r] = _mm512_shuffle_ps(t[r], t[r + 2], 0x44);
                v[r + 1] = _mm512_shuffle_ps(t[r], t[r + 2], 0xEE);
                v[r + 2] = _mm512_shuffle_ps(t[r + 1], t[r + 3], 0x44);
                v[r + 3] = _mm512_shuffle_ps(t[r + 1], t[r + 3], 0xEE);
            }
            for (int j = 0; j < 4; j++) {        /* gather lane l of v[j], v[4 + j], v[8 + j], v[12 + j] */
                __m512 a0 = _mm512_shuffle_f32x4(v[j], v[4 + j], 0x88), a1 = _mm512_shuffle_f32x4(v[j], v[4 + j], 0xDD);
                __m512 b0 = _mm512_shuffle_f32x4(v[8 + j], v[12 + j], 0x88), b1 = _mm512_shuffle_f32x4(v[8 + j], v[12 + j], 0xDD);
                t[j] = _mm512_shuffle_f32x4(a0, b0, 0x88);        /* position j */
                t[4 + j] = _mm512_shuffle_f32x4(a1, b1, 0x88);    /* 4 + j */
                t[8 + j] = _mm512_shuffle_f32x4(a0, b0, 0xDD);    /* 8 + j */
                t[12 + j] = _mm512_shuffle_f32x4(a1, b1, 0xDD);   /* 12 + j */
            }
            for (size_t p = 0; p < pe; p++) _mm512_storeu_ps(out + (p0 + p) * (size_t)rows + r0, t[p]);
        }
}
#endif

static void transpose(int rows, size_t n, const float *restrict in, size_t ld, float *restrict out)
{
    int r0 = 0;
#ifdef ROWS_AVX512
    if (rows >= 16 && __builtin_cpu_supports("avx512f")) {
        transpose_avx512(rows, n, in, ld, out);
        r0 = rows - rows % 16;
    }
#endif
    if (r0 < rows) transpose_scalar(r0, rows, n, in, ld, out);
}

/* im2col backward: samples in chunks; dw into the share's partial (summed afterwards), dx of
 * the share's own samples directly (as a convolution of dy, or through col2im). */
static void im_bwd_task(void *vc, int t, int nt)
{
    conv_ctx *c = vc;
    const nn_geom *g = c->g;
    size_t P = (size_t)g->h_out * g->w_out, nP = (size_t)g->n * P, s0, s1;
    size_t plane = (size_t)g->h_in * g->w_in;
    int K = g->c_in * g->kh * g->kw, chunk = conv_chunk(g), as_conv = dx_as_conv(g);
    int Kt = g->c_out * g->kh * g->kw;
    conv_layout l = conv_work_layout(g);
    float *cols = c->work + (size_t)t * l.per_share, *dcols = cols + l.dcols, *dw = cols + l.dw, *dyt = cols + l.dyt;
    int dwt = dw_transposed(g);
    const float *wt = c->work + l.wt;
    nn_geom gt = transposed_geom(g);
    memset(dw, 0, (size_t)g->c_out * K * sizeof *dw);
    nn_pool_range((size_t)g->n, t, nt, 1, &s0, &s1);
    if (c->dx && !as_conv)
        for (int ch = 0; ch < g->c_in; ch++)
            memset(c->dx + ((size_t)ch * g->n + s0) * plane, 0, (s1 - s0) * plane * sizeof *c->dx);
    for (int b0 = (int)s0; b0 < (int)s1; b0 += chunk) {
        int nb = (int)s1 - b0 < chunk ? (int)s1 - b0 : chunk;
        const float *dy = c->dy + (size_t)b0 * P;
        im2col(g, c->x, b0, nb, cols);
        if (dwt) {
            transpose(g->c_out, (size_t)nb * P, dy, nP, dyt);
            gemm_rows(K, g->c_out, (int)(nb * P), cols, (int)(nb * P), 1, dyt, g->c_out, dw, g->c_out, 1, NULL, 0);
        } else {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, g->c_out, K, (int)(nb * P), 1.0f, dy, (int)nP, cols,
                        (int)(nb * P), 1.0f, dw, K);
        }
        if (!c->dx) continue;
        if (as_conv) {
            im2col(&gt, c->dy, b0, nb, cols);
            gemm_rows(g->c_in, (int)(nb * plane), Kt, wt, Kt, 1, cols, (int)(nb * plane), c->dx + (size_t)b0 * plane,
                      (int)((size_t)g->n * plane), 0, NULL, 0);
            continue;
        }
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, (int)(nb * P), g->c_out, 1.0f, c->w, K, dy, (int)nP,
                    0.0f, dcols, (int)(nb * P));
        col2im(g, dcols, b0, nb, c->dx);
    }
}

/* wt[c][o][i][j] = w[o][c][kh-1-i][kw-1-j]: the kernel of the input gradient (dx_as_conv). */
static void flip_weights(const nn_geom *g, const float *w, float *wt)
{
    int taps = g->kh * g->kw;
    for (int c = 0; c < g->c_in; c++)
        for (int o = 0; o < g->c_out; o++)
            for (int k = 0; k < taps; k++)
                wt[((size_t)c * g->c_out + o) * taps + k] = w[((size_t)o * g->c_in + c) * taps + (taps - 1 - k)];
}

/* ---- convolution: Winograd F(2x2, 3x3) --------------------------------------------------------- */

/* 3x3 kernels at stride 1 with padding 1 (the cnn's conv1: 80% of its multiply-adds) as
 * winograd.h describes: per chunk of tile rows, the input's 16 transformed planes V, 16 GEMMs
 * M[xi] = U[xi] V[xi] through gemm_rows, and M transformed back into the output; 4 multiply-adds
 * per output where im2col's GEMM takes 9, and no column copies. The input gradient is the same
 * convolution of dy (flipped kernel, channels swapped: dx_as_conv). Shares split the samples as
 * im2col's. Results differ from im2col's by rounding (tests/unit/test_nn_cpu_kernels.c holds
 * both to a double-precision reference). The weight gradient is shift_dw_task's, not
 * Winograd's own adjoint (dU^T[xi] += V[xi] dM[xi]^T with dM = A dY A^T, then dw += G^T dU G):
 * that was slower (the cnn at batch 64 on one thread, cpu ms a step, four interleaved runs:
 * 27.8 against 26.2), and a weight whose gradient is exactly 0 (every product dy x under its
 * tap is 0: ReLU zeros) got the rounding residue of terms that cancel, which Adam's normalised
 * step turns into lr r / (|r| + eps): tests/unit/test_nn_parity.c's 4-channel cnn, where
 * torch's gradient of one conv1 weight is 0 and that one's -5.8e-10, moved the weight 8.4e-4
 * (lr 0.01) off torch's in 3 AdamW steps (weights 3.3e-4 from torch's, tolerance 1e-4). */
static int wino_mode;                            /* nn_cpu_set_winograd */
/* Floats of V and M a share's chunk holds: 512 KiB, half the Zen 5's L2 (the cnn's conv1: 12
 * tile rows). A cnn step (batch 64, one thread, three interleaved runs) took 25.2-25.6 ms so,
 * 25.6-27.1 with half as much, 25.4-26.1 with one sample's 26 tile rows. */
#define WINO_BUDGET_DEFAULT ((size_t)1 << 17)
static size_t wino_budget = WINO_BUDGET_DEFAULT;

void nn_cpu_set_winograd(int mode, size_t floats)
{
    wino_mode = mode;
    wino_budget = floats ? floats : WINO_BUDGET_DEFAULT;
}

static int wino_applies(const nn_geom *g)
{
    return g->kh == 3 && g->kw == 3 && g->sh == 1 && g->sw == 1 && g->ph == 1 && g->pw == 1;
}

/* By default where it was measured faster than im2col (a forward and a backward with dx, batch
 * 64, the best of 5-7, the Zen 5 of 2026-12-06, shared with other work): the cnn's 32 -> 32 on
 * 51x20 1.41-1.42x on one thread, 1.38x on two; 1.16-1.34x for 4 -> 4 to 64 -> 64 channels over
 * 51x20, 1.30-1.44x for 32 -> 32 over 9x7 and 51x8. Not with fewer than 4 channels on either
 * side: the forward's transforms then cost more than its GEMM saves (1 -> 32: 0.95 against 0.25
 * ms; 0.93x with dx, 0.27x without, as a first layer over the 1-channel input runs). Not on
 * CPUs without AVX-512, where its transforms are plain C and its GEMMs OpenBLAS's (not
 * measured). */
static int is_wino(const nn_geom *g)
{
    if (wino_mode < 0 || !wino_applies(g)) return 0;
    if (wino_mode > 0) return 1;
    return g->c_in >= 4 && g->c_out >= 4 && rows_kernel(8);   /* 8: any multiple of 8, to ask for AVX-512 */
}

/* Tile rows per chunk: V and M ([16][c][nt] each, both directions) within wino_budget floats. */
static int wino_rows(const nn_geom *g, const nn_wino_plane *p)
{
    size_t per_row = 16 * (size_t)(g->c_in + g->c_out) * (size_t)p->tw;
    size_t r = wino_budget / per_row, all = (size_t)g->n * (size_t)p->th;
    if (r < 1) r = 1;
    return (int)(r < all ? r : all);
}

/* Per share: V [16][c_in or c_out][nt], M [16][c_out or c_in][nt] (planes nn_wino_stride
 * apart), the transforms' scratch. After every share: U or the flipped kernel's U,
 * [16][c_out][c_in] or [16][c_in][c_out]. */
typedef struct {
    size_t v, m, scratch, per_share, u;
} wino_layout;

static wino_layout wino_work_layout(const nn_geom *g)
{
    nn_wino_plane p = nn_wino_plane_of(g->n, g->h_in, g->w_in);
    size_t nt = (size_t)wino_rows(g, &p) * (size_t)p.tw, cmax = (size_t)(g->c_in > g->c_out ? g->c_in : g->c_out);
    wino_layout l;
    l.v = 0;
    l.m = round_up(16 * nn_wino_stride((int)cmax, nt));
    l.scratch = l.m + round_up(16 * nn_wino_stride((int)cmax, nt));
    l.per_share = l.scratch + round_up(nn_wino_scratch(&p));
    l.u = (size_t)nn_pool_shares() * l.per_share;
    return l;
}

/* Per share of shift_dw_task: dy^T of one sample [h w][c_out] three times (as it is, its
 * column 0 zeroed, its column w - 1 zeroed), the partial dw^T [9][c_in][c_out]. */
static size_t shift_dw_share(const nn_geom *g)
{
    return 3 * round_up((size_t)g->h_in * g->w_in * g->c_out) + round_up(9 * (size_t)g->c_in * g->c_out);
}

/* Where the weight gradient is shift_dw_task's: gemm_rows's own kernel for c_in rows. Through
 * OpenBLAS its 9 small GEMMs a sample cost more than im2col saved (4 -> 4 channels over 51x20:
 * 0.88-0.90x im2col's speed, 5 -> 6 0.76-0.83x, where 8 -> 8 ran 1.22-1.27x); there the weight
 * gradient goes through im2col (im_bwd_task without dx). */
static int shift_dw(const nn_geom *g) { return rows_kernel(g->c_in); }

/* Where shift_dw_task's shares start: after Winograd's shares and U, which its samples' input
 * gradients use at the same time. */
static size_t shift_dw_base(const nn_geom *g)
{
    return wino_work_layout(g).u + round_up(16 * (size_t)g->c_in * g->c_out);
}

/* Winograd's layout and shift_dw_task's after it, or the larger of Winograd's and im2col's
 * (the weight gradient through im2col runs first, in its own). */
static size_t wino_work(const nn_geom *g)
{
    if (shift_dw(g)) return shift_dw_base(g) + (size_t)nn_pool_shares() * shift_dw_share(g);
    size_t w = shift_dw_base(g), d = conv_work_layout(g).wt;
    return w > d ? w : d;
}

/* y (c_out planes) = the convolution of x (c_in planes) for the samples [s0, s1), u: U
 * [16][c_out][c_in]. */
static void wino_conv(const nn_geom *g, int c_in, int c_out, const float *x, const float *u, const float *bias,
                      int relu, float *y, size_t s0, size_t s1, float *share)
{
    nn_wino_plane p = nn_wino_plane_of(g->n, g->h_in, g->w_in);
    wino_layout l = wino_work_layout(g);
    float *v = share + l.v, *m = share + l.m, *scratch = share + l.scratch;
    int rows = wino_rows(g, &p), r_end = (int)s1 * p.th;
    for (int r0 = (int)s0 * p.th; r0 < r_end; r0 += rows) {
        int r1 = r_end - r0 < rows ? r_end : r0 + rows, nt = (r1 - r0) * p.tw;
        nn_wino_input(&p, c_in, x, r0, r1, v, scratch);
        for (int xi = 0; xi < 16; xi++)
            gemm_rows(c_out, nt, c_in, u + (size_t)xi * c_out * c_in, c_in, 1, v + (size_t)xi * nn_wino_stride(c_in, (size_t)nt),
                      nt, m + (size_t)xi * nn_wino_stride(c_out, (size_t)nt), nt, 0, NULL, 0);
        nn_wino_output(&p, c_out, m, r0, r1, bias, relu, y, scratch);
    }
}

static void wino_fwd_task(void *vc, int t, int nt)
{
    conv_ctx *c = vc;
    size_t s0, s1;
    nn_pool_range((size_t)c->g->n, t, nt, 1, &s0, &s1);
    wino_conv(c->g, c->g->c_in, c->g->c_out, c->x, c->work + wino_work_layout(c->g).u, c->b, c->relu, c->out_y, s0,
              s1, c->work + (size_t)t * wino_work_layout(c->g).per_share);
}

static void wino_conv_fwd(conv_ctx *c)
{
    nn_wino_weights(c->g->c_out, c->g->c_in, c->w, 0, c->work + wino_work_layout(c->g).u);
    nn_pool_run(wino_fwd_task, c);
}

/* The samples [s0, s1) of dx: the convolution of dy with the flipped kernel (work's U part). */
static void wino_dx_task(void *vc, int t, int nt)
{
    conv_ctx *c = vc;
    const nn_geom *g = c->g;
    wino_layout l = wino_work_layout(g);
    size_t s0, s1;
    nn_pool_range((size_t)g->n, t, nt, 1, &s0, &s1);
    wino_conv(g, g->c_out, g->c_in, c->dy, c->work + l.u, NULL, 0, c->dx, s0, s1, c->work + (size_t)t * l.per_share);
}

/* The weight gradient of the Winograd geometry without im2col's columns: tap (i, j) reads the
 * input at flat offset s = (i - 1) w + (j - 1) from the output position q of the same sample, so
 *   dw^T[(i, j)][c][o] = sum_q x[c][q + s] dy^T[q][o]
 * is one gemm_rows per sample and tap straight from x (rows: channels, n h w apart), over the
 * output rows that tap reads inside the plane. What wraps into the next or previous row (column
 * 0 of tap j = 0, column w - 1 of j = 2) meets a zero of dy^T's copy for that j; the positions
 * that would read outside the plane are left out. Every dw is so a sum of the same products
 * dy x as im2col's (a weight whose products are all 0 gets exactly 0, as torch's), without
 * writing 9 copies of the input (im2col's weight gradients took 26% of a cnn step, perf, with
 * the forward and input gradient as Winograd; the step 29.1 cpu ms with them, 26.2 so, four
 * interleaved runs). Per share, partials summed in share order. Each sample's dx (wino_conv)
 * follows its dw while its dy is in cache: dy read from memory once, not twice (the cnn step
 * 26.6-28.9 ms against 28.3-30.1 with dx a pass of its own, four interleaved runs). */
static void shift_dw_task(void *vc, int t, int nt)
{
    conv_ctx *c = vc;
    const nn_geom *g = c->g;
    int h = g->h_in, w = g->w_in, co = g->c_out;
    size_t P = (size_t)h * w, nP = (size_t)g->n * P, per = (size_t)g->c_in * co, s0, s1, rows = round_up(P * co);
    float *base = c->work + shift_dw_base(g) + (size_t)t * shift_dw_share(g), *part = base + 3 * rows;
    wino_layout l = wino_work_layout(g);
    float *dyt[3] = {base + rows, base, base + 2 * rows};   /* for j = 0, 1, 2 */
    memset(part, 0, 9 * per * sizeof *part);
    nn_pool_range((size_t)g->n, t, nt, 1, &s0, &s1);
    for (size_t b = s0; b < s1; b++) {
        transpose(co, P, c->dy + b * P, nP, dyt[1]);
        memcpy(dyt[0], dyt[1], P * co * sizeof *dyt[0]);
        memcpy(dyt[2], dyt[1], P * co * sizeof *dyt[2]);
        for (int oh = 0; oh < h; oh++) {
            memset(dyt[0] + (size_t)oh * w * co, 0, (size_t)co * sizeof *dyt[0]);
            memset(dyt[2] + ((size_t)oh * w + (size_t)w - 1) * co, 0, (size_t)co * sizeof *dyt[2]);
        }
        for (int i = 0; i < 3; i++) {
            int lo = i == 0 ? 1 : 0, hi = i == 2 ? h - 1 : h;   /* output rows whose row oh + i - 1 exists */
            for (int j = 0; j < 3; j++) {
                /* less the first (j = 0) or last (j = 2) position: it wraps, and it would read
                 * one float before or after the plane */
                long q0 = (long)lo * w + (j == 0), q1 = (long)hi * w - (j == 2), off = (long)(i - 1) * w + (j - 1);
                if (q1 <= q0) continue;
                gemm_rows(g->c_in, co, (int)(q1 - q0), c->x + (long)(b * P) + q0 + off, (int)nP, 1,
                          dyt[j] + (size_t)q0 * co, co, part + (size_t)(i * 3 + j) * per, co, 1, NULL, 0);
            }
        }
        if (c->dx)   /* the sample's dx while its dy is in cache */
            wino_conv(g, co, g->c_in, c->dy, c->work + l.u, NULL, 0, c->dx, b, b + 1, c->work + (size_t)t * l.per_share);
    }
}

static void im_bwd_task(void *vc, int t, int nt);
static void im_dw_sum(const nn_geom *g, const float *work, float *dw);

static void wino_conv_dw(conv_ctx *c)
{
    const nn_geom *g = c->g;
    size_t per = (size_t)g->c_in * g->c_out;
    if (!shift_dw(g)) {
        conv_ctx d = *c;
        d.dx = NULL;
        nn_pool_run(im_bwd_task, &d);
        im_dw_sum(g, c->work, c->dw);
        return;
    }
    if (c->dx) nn_wino_weights(g->c_out, g->c_in, c->w, 1, c->work + wino_work_layout(g).u);
    nn_pool_run(shift_dw_task, c);
    float *sum = c->work + shift_dw_base(g) + 3 * round_up((size_t)g->h_in * g->w_in * g->c_out);   /* share 0's */
    for (int t = 1; t < nn_pool_shares(); t++) add_k(sum, sum + (size_t)t * shift_dw_share(g), 9 * per);
    for (int o = 0; o < g->c_out; o++)
        for (int ch = 0; ch < g->c_in; ch++)
            for (int k = 0; k < 9; k++) c->dw[((size_t)o * g->c_in + ch) * 9 + k] += sum[(size_t)k * per + (size_t)ch * g->c_out + o];
}

/* dw and dx sample by sample (shift_dw_task), or dw through im2col first, then dx. */
static void wino_conv_bwd(conv_ctx *c)
{
    const nn_geom *g = c->g;
    wino_conv_dw(c);
    if (!c->dx || shift_dw(g)) return;
    nn_wino_weights(g->c_out, g->c_in, c->w, 1, c->work + wino_work_layout(g).u);
    nn_pool_run(wino_dx_task, c);
}

static void cpu_conv_bwd(const nn_geom *g, const float *x, const float *w, const float *y, float *dy,
                         float *dx, float *dw, float *db, int relu, float *work)
{
    conv_ctx c = {g, x, w, NULL, y, NULL, dy, dx, dw, db, work, relu};
    size_t nP = (size_t)g->n * g->h_out * g->w_out;
    if (relu || db) nn_pool_run_if(nP * g->c_out, PAR_MIN, conv_dy_task, &c);
    if (is_wino(g)) {
        wino_conv_bwd(&c);
        return;
    }
    if (is_pointwise(g)) {
        int ns = nn_pool_run_if(nP * g->c_out * g->c_in / 16, PAR_MIN, pw_bwd_task, &c);
        for (int t = 0; ns > 1 && t < ns; t++)   /* in share order, whatever the threads */
            add_k(dw, work + (size_t)t * pw_dw_share_work(g), (size_t)g->c_out * g->c_in);
        return;
    }
    conv_layout l = conv_work_layout(g);
    if (dx && dx_as_conv(g)) flip_weights(g, w, work + l.wt);
    nn_pool_run(im_bwd_task, &c);
    im_dw_sum(g, work, dw);
}

/* dw += im_bwd_task's per-share partials, in share order whatever the threads. */
static void im_dw_sum(const nn_geom *g, const float *work, float *dw)
{
    conv_layout l = conv_work_layout(g);
    size_t K = (size_t)g->c_in * g->kh * g->kw;
    for (int t = 0; t < nn_pool_shares(); t++) {
        const float *part = work + (size_t)t * l.per_share + l.dw;
        if (!dw_transposed(g)) { add_k(dw, part, (size_t)g->c_out * K); continue; }
        for (int o = 0; o < g->c_out; o++)
            for (size_t k = 0; k < K; k++) dw[(size_t)o * K + k] += part[k * (size_t)g->c_out + o];
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
 * [w_out, Wp) of ypad are scratch. Per share: xpad and dxpad [Hp][Wp], ypad [h_out][Wp]. */
static int dw_flat(const nn_geom *g) { return g->sh == 1 && g->sw == 1; }

static size_t dw_share_work(const nn_geom *g)
{
    size_t wp = (size_t)g->w_in + 2 * (size_t)g->pw, hp = (size_t)g->h_in + 2 * (size_t)g->ph;
    return round_up(2 * hp * wp + (size_t)g->h_out * wp);
}

static int dw_avx512(const nn_geom *g);

static size_t cpu_dwconv_work(const nn_geom *g)
{
    return dw_flat(g) && !dw_avx512(g) ? (size_t)nn_pool_shares() * dw_share_work(g) : 0;
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

/* Copies rows [rows][cols] between a compact plane and a plane of width wp at (r0, c0). The
 * rows are short (a few dozen floats): as memcpy calls the copies cost more than the
 * convolution (measured on dscnn); inline and vectorized they do not. */
HOT NO_LIBCALLS static void rows_in(const float *restrict src, int rows, int cols, float *restrict dst, size_t wp,
                                    int r0, int c0)
{
    for (int r = 0; r < rows; r++) {
        const float *s = src + (size_t)r * cols;
        float *d = dst + (size_t)(r + r0) * wp + c0;
        for (int k = 0; k < cols; k++) d[k] = s[k];
    }
}

HOT NO_LIBCALLS static void rows_out(const float *restrict src, size_t wp, int r0, int c0, int rows, int cols,
                                     float *restrict dst)
{
    for (int r = 0; r < rows; r++) {
        const float *s = src + (size_t)(r + r0) * wp + c0;
        float *d = dst + (size_t)r * cols;
        for (int k = 0; k < cols; k++) d[k] = s[k];
    }
}

typedef struct {
    const nn_geom *g;
    const float *x, *w, *dy;
    float *y, *dx, *dw, *work;
} dw_ctx;

/* Stride 1 with w_out == w_in on AVX-512 CPUs, where a plane's padded copies fit two stack
 * buffers (the demo cache's 51x21: 1.2k floats each; larger planes take the flat path). The
 * forward pass and the input gradient (the same correlation, of dy with the kernel flipped and
 * padding k - 1 - p) copy each plane into a zero-padded grid, rows wp = w + kw - 1 wide, where
 * every tap is one unmasked load of 16 outputs' inputs; each output row gets kw - 1 extra
 * outputs, dropped as the rows are copied out. Masked loads straight from the compact plane, a
 * mask per (chunk, tap), did the same at half the speed on the Zen 5 where the planes stayed in
 * cache (a 64-sample, 64-channel 51x21 forward: 2.32 ms a call, now 1.43); the flat path's
 * copies through the arena cost more than the arithmetic. The weight gradient keeps that mask
 * table: one vector of partial sums per tap over all the planes of a channel, lane by lane.
 * Sums run over the taps in order, as in the flat path. */
#ifndef ROWS_AVX512
static int dw_avx512(const nn_geom *g) { (void)g; return 0; }
#else
#define DW_MAXT 25              /* taps (5x5) */
#define DW_MAXMASKS 16384       /* chunks x taps of one plane's mask table (more than a padded plane's) */
enum { DW_PAD_FLOATS = 6144 };  /* floats of each padded buffer (two on the stack) */

typedef struct {
    int chunks, taps, n;        /* n outputs per plane */
    int shift[DW_MAXT];         /* input offset of each tap */
    __mmask16 m[DW_MAXMASKS];   /* [chunk][tap] */
} dw_masks;

/* The correlation of (hi x w) planes with a kh x kw kernel, stride 1, padding (ph, pw), giving
 * (ho x w) planes: output q reads input q + (i - ph) w + (j - pw) for tap (i, j), where the
 * mask of its chunk has its lane. */
static void dw_mask_table(int hi, int w, int ho, int kh, int kw, int ph, int pw, dw_masks *t)
{
    t->n = ho * w;
    t->taps = kh * kw;
    t->chunks = (t->n + 15) / 16;
    for (int i = 0; i < kh; i++)
        for (int j = 0; j < kw; j++) t->shift[i * kw + j] = (i - ph) * w + (j - pw);
    for (int c = 0; c < t->chunks; c++)
        for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++) {
                unsigned bits = 0;
                for (int l = 0; l < 16 && c * 16 + l < t->n; l++) {
                    int q = c * 16 + l, ih = q / w + i - ph, iw = q % w + j - pw;
                    if (ih >= 0 && ih < hi && iw >= 0 && iw < w) bits |= 1u << l;
                }
                t->m[c * t->taps + i * kw + j] = (__mmask16)bits;
            }
}

typedef struct {
    int wp, rows, n;             /* padded row width and rows, outputs on the padded grid */
    size_t in_n;                 /* floats of the padded input, with the last vector's overrun */
    int shift[DW_MAXT];          /* padded input offset of each tap */
} dw_padded;

/* The padded layout of the correlation of (hi x w) planes giving (ho x w), kernel kh x kw,
 * padding (ph, (kw - 1) / 2); 0 where it does not fit the buffers. */
static int dw_pad_plan(int hi, int w, int ho, int kh, int kw, int ph, dw_padded *p)
{
    p->wp = w + kw - 1;
    p->rows = ho + kh - 1 > hi + ph ? ho + kh - 1 : hi + ph;
    p->n = ho * p->wp;
    p->in_n = (size_t)p->rows * p->wp + (size_t)kw - 1 + 16;
    for (int i = 0; i < kh; i++)
        for (int j = 0; j < kw; j++) p->shift[i * kw + j] = i * p->wp + j;
    return p->in_n <= DW_PAD_FLOATS && (size_t)p->n + 16 <= DW_PAD_FLOATS;
}

static int dw_avx512(const nn_geom *g)
{
    dw_padded f, b;
    return dw_flat(g) && g->w_out == g->w_in && g->kh * g->kw <= DW_MAXT && g->ph < g->kh && g->pw < g->kw
           && dw_pad_plan(g->h_in, g->w_in, g->h_out, g->kh, g->kw, g->ph, &f)
           && dw_pad_plan(g->h_out, g->w_out, g->h_in, g->kh, g->kw, g->kh - 1 - g->ph, &b)
           && __builtin_cpu_supports("avx512f");
}

/* A masked load of 16 floats from p + off, which may lie outside the plane (masked lanes). */
__attribute__((target("avx512f"), always_inline)) static inline __m512 load_at(__mmask16 m, const float *p, int off)
{
    return _mm512_maskz_loadu_ps(m, (const void *)((uintptr_t)p + (intptr_t)off * (intptr_t)sizeof(float)));
}

/* acc[k] += dy[q] x[q + shift k] over one plane, lane by lane. */
__attribute__((target("avx512f"), always_inline)) static inline void dw_plane_dw_avx512(const dw_masks *t, int taps,
                                                                                       const float *x, const float *dy,
                                                                                       __m512 *acc)
{
    const __mmask16 *m = t->m;
    int sh[DW_MAXT];
    __m512 a[DW_MAXT];
    for (int k = 0; k < taps; k++) {
        sh[k] = t->shift[k];
        a[k] = acc[k];
    }
    for (int c = 0; c < t->chunks; c++, m += taps) {
        int q = c * 16, left = t->n - q;
        __m512 d = _mm512_maskz_loadu_ps(left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1u), dy + q);
        for (int k = 0; k < taps; k++) a[k] = _mm512_fmadd_ps(d, load_at(m[k], x, q + sh[k]), a[k]);
    }
    for (int k = 0; k < taps; k++) acc[k] = a[k];
}

/* out (n outputs on the padded grid) = the correlation of the padded plane pad with w (taps:
 * p's, or the constant 9 of the dscnn's 3x3). Four vectors at a time: each output's sum is a
 * chain of dependent FMAs, and four chains in flight fill the pipe. */
__attribute__((target("avx512f"), always_inline)) static inline void dw_plane_padded(const dw_padded *p, int taps,
                                                                                    const float *pad, const float *w,
                                                                                    float *out)
{
    __m512 wv[DW_MAXT];
    int sh[DW_MAXT];
    for (int k = 0; k < taps; k++) {
        wv[k] = _mm512_set1_ps(w[k]);
        sh[k] = p->shift[k];
    }
    int q = 0;
    for (; q + 64 <= p->n; q += 64) {
        __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (int k = 0; k < taps; k++) {
            const float *at = pad + q + sh[k];
            a0 = _mm512_fmadd_ps(wv[k], _mm512_loadu_ps(at), a0);
            a1 = _mm512_fmadd_ps(wv[k], _mm512_loadu_ps(at + 16), a1);
            a2 = _mm512_fmadd_ps(wv[k], _mm512_loadu_ps(at + 32), a2);
            a3 = _mm512_fmadd_ps(wv[k], _mm512_loadu_ps(at + 48), a3);
        }
        _mm512_storeu_ps(out + q, a0);
        _mm512_storeu_ps(out + q + 16, a1);
        _mm512_storeu_ps(out + q + 32, a2);
        _mm512_storeu_ps(out + q + 48, a3);
    }
    for (; q < p->n; q += 16) {
        __m512 a = _mm512_setzero_ps();
        for (int k = 0; k < taps; k++) a = _mm512_fmadd_ps(wv[k], _mm512_loadu_ps(pad + q + sh[k]), a);
        _mm512_storeu_ps(out + q, a);
    }
}

/* Copies rows [rows][cols] from stride ss to stride ds, 16 floats a move (rows_in and rows_out
 * did these copies a float at a time: as long as the correlation itself). */
__attribute__((target("avx512f"), always_inline)) static inline void rows_copy16(const float *src, size_t ss, int rows,
                                                                                int cols, float *dst, size_t ds)
{
    int full = cols / 16;
    __mmask16 tail = (__mmask16)((1u << (cols % 16)) - 1u);
    for (int r = 0; r < rows; r++, src += ss, dst += ds) {
        for (int v = 0; v < full; v++) _mm512_storeu_ps(dst + 16 * v, _mm512_loadu_ps(src + 16 * v));
        if (tail) _mm512_mask_storeu_ps(dst + 16 * full, tail, _mm512_maskz_loadu_ps(tail, src + 16 * full));
    }
}

/* Asks for the next plane (n floats from p) in cache while this one is worked on. The weight
 * gradient's planes of x and dy are read only by its unaligned masked loads, and the
 * hardware's prefetcher left it waiting on memory: a 64-sample, 64-channel 51x21 weight
 * gradient took 4.1 ms a call on the Zen 5 (2.4 times the forward pass), 1.9 ms with this.
 * (The forward pass, whose plane copies read and write whole rows, gained nothing from it.) */
__attribute__((target("avx512f"), always_inline)) static inline void plane_prefetch(const float *p, size_t n)
{
    for (size_t o = 0; o < n; o += 16) _mm_prefetch((const char *)(p + o), _MM_HINT_T0);
}

/* One channel's n planes of y = the correlation of x's (hi x w) planes with the kernel wk
 * (ho x w out; padding ph, (kw - 1) / 2) through the padded layout p. */
__attribute__((target("avx512f"))) static void dw_channel_padded(const dw_padded *p, int n, int hi, int w, int ho,
                                                                 int kh, int kw, int ph, const float *x,
                                                                 const float *wk, float *y)
{
    float pad[DW_PAD_FLOATS] __attribute__((aligned(64))), out[DW_PAD_FLOATS] __attribute__((aligned(64)));
    size_t pin = (size_t)hi * w, pout = (size_t)ho * w;
    memset(pad, 0, p->in_n * sizeof *pad);      /* the border stays zero; the copies fill the rest */
    for (int b = 0; b < n; b++) {
        rows_copy16(x + (size_t)b * pin, (size_t)w, hi, w, pad + (size_t)ph * p->wp + (kw - 1) / 2, (size_t)p->wp);
        if (kh * kw == 9) dw_plane_padded(p, 9, pad, wk, out);
        else dw_plane_padded(p, kh * kw, pad, wk, out);
        rows_copy16(out, (size_t)p->wp, ho, w, y + (size_t)b * pout, (size_t)w);
    }
}

__attribute__((target("avx512f"))) static void dw_fwd_avx512(const nn_geom *g, const float *x, const float *w, float *y,
                                                             size_t c0, size_t c1)
{
    dw_padded p;
    dw_pad_plan(g->h_in, g->w_in, g->h_out, g->kh, g->kw, g->ph, &p);
    size_t pin = (size_t)g->n * g->h_in * g->w_in, pout = (size_t)g->n * g->h_out * g->w_out;
    int taps = g->kh * g->kw;
    for (size_t ch = c0; ch < c1; ch++)
        dw_channel_padded(&p, g->n, g->h_in, g->w_in, g->h_out, g->kh, g->kw, g->ph, x + ch * pin, w + ch * (size_t)taps,
                          y + ch * pout);
}

/* As dw_channel_padded, the 3x3 kernel (dscnn's) gets the loops with a constant tap count. */
__attribute__((target("avx512f"))) static void dw_bwd_avx512(const nn_geom *g, const float *x, const float *w,
                                                             const float *dy, float *dx, float *dw, size_t c0, size_t c1)
{
    dw_masks tw;                            /* the forward's table, for the weights (32 KiB) */
    dw_padded p;                            /* dx: the flipped correlation of dy */
    size_t pin = (size_t)g->h_in * g->w_in, pout = (size_t)g->h_out * g->w_out;
    int taps = g->kh * g->kw;
    dw_mask_table(g->h_in, g->w_in, g->h_out, g->kh, g->kw, g->ph, g->pw, &tw);
    dw_pad_plan(g->h_out, g->w_out, g->h_in, g->kh, g->kw, g->kh - 1 - g->ph, &p);
    for (size_t ch = c0; ch < c1; ch++) {
        const float *wc = w + ch * taps;
        float flip[DW_MAXT];
        __m512 acc[DW_MAXT];
        for (int k = 0; k < taps; k++) {
            flip[k] = wc[taps - 1 - k];
            acc[k] = _mm512_setzero_ps();
        }
        for (int b = 0; b < g->n; b++) {
            size_t at = ch * g->n + b;
            if (b + 1 < g->n) {
                plane_prefetch(x + (at + 1) * pin, pin);
                plane_prefetch(dy + (at + 1) * pout, pout);
            }
            if (taps == 9) dw_plane_dw_avx512(&tw, 9, x + at * pin, dy + at * pout, acc);
            else dw_plane_dw_avx512(&tw, taps, x + at * pin, dy + at * pout, acc);
        }
        for (int k = 0; k < taps; k++) dw[ch * taps + k] += _mm512_reduce_add_ps(acc[k]);
        if (dx)
            dw_channel_padded(&p, g->n, g->h_out, g->w_out, g->h_in, g->kh, g->kw, g->kh - 1 - g->ph,
                              dy + ch * g->n * pout, flip, dx + ch * g->n * pin);
    }
}
#endif

static void dw_fwd_task(void *vc, int t, int nt)
{
    dw_ctx *c = vc;
    const nn_geom *g = c->g;
    size_t pin = (size_t)g->h_in * g->w_in, pout = (size_t)g->h_out * g->w_out, c0, c1;
    nn_pool_range((size_t)g->c_in, t, nt, 1, &c0, &c1);
    if (c0 >= c1) return;
#ifdef ROWS_AVX512
    if (dw_avx512(g)) {
        dw_fwd_avx512(g, c->x, c->w, c->y, c0, c1);
        return;
    }
#endif
    if (!dw_flat(g)) {
        for (size_t ch = c0; ch < c1; ch++)
            for (int b = 0; b < g->n; b++)
                dw_plane_fwd(g, c->x + (ch * g->n + b) * pin, c->w + ch * g->kh * g->kw, c->y + (ch * g->n + b) * pout);
        return;
    }
    size_t wp = (size_t)g->w_in + 2 * (size_t)g->pw, hp = (size_t)g->h_in + 2 * (size_t)g->ph;
    size_t L = (size_t)(g->h_out - 1) * wp + (size_t)g->w_out;
    float *xpad = c->work + (size_t)t * dw_share_work(g), *ypad = xpad + 2 * hp * wp;
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
#ifdef ROWS_AVX512
    if (dw_avx512(g)) {
        dw_bwd_avx512(g, c->x, c->w, c->dy, c->dx, c->dw, c0, c1);
        return;
    }
#endif
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
    float *xpad = c->work + (size_t)t * dw_share_work(g), *dxpad = xpad + hp * wp, *dypad = xpad + 2 * hp * wp;
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

/* sum dy and sum dy (x - mean), masking dy in place first when relu: by the forward's output
 * y = relu((x - mean) k + b), made again here from x with affine's arithmetic (the same values,
 * so the same mask, nn_relu_grad of relu(v) being that of v) rather than read: one array less
 * from memory in a pass that memory bounds. */
HOT static void bn_bwd_sums(size_t m, const float *restrict x, float *restrict dy, float mean, float k, float bias,
                            int relu, double *sdy, double *sdyx)
{
    double a = 0, b = 0;
    for (size_t i0 = 0; i0 < m; i0 += BLOCK) {
        size_t e = m - i0 < BLOCK ? m - i0 : BLOCK;
        const float *xb = x + i0;
        float *db = dy + i0;
        float fa = 0.0f, fb = 0.0f;
        if (relu) {
#pragma omp simd reduction(+:fa, fb)
            for (size_t i = 0; i < e; i++) {
                float d = nn_relu_grad((xb[i] - mean) * k + bias, db[i]);
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

/* The same with dx over dy (see backend.h). */
HOT static void bn_dx_inplace(size_t m, const float *restrict x, float *restrict dy, float mean, float k, float a,
                              float q)
{
#pragma omp simd
    for (size_t i = 0; i < m; i++) dy[i] = k * (dy[i] - a - (x[i] - mean) * q);
}

typedef struct {
    int c, train, relu;
    size_t m;
    const float *x, *gamma, *beta, *save_in;
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

static void bn_apply_task(void *vc, int t, int nt)
{
    bn_ctx *c = vc;
    size_t c0, c1;
    nn_pool_range((size_t)c->c, t, nt, 1, &c0, &c1);
    for (size_t ch = c0; ch < c1; ch++)   /* the arithmetic of bn_fwd_task's last line */
        affine(c->m, c->x + ch * c->m, c->save_in[ch], c->gamma[ch] * c->save_in[c->c + ch], c->beta[ch],
               c->out_y + ch * c->m, c->relu);
}

static void cpu_bn_apply(int c, size_t m, const float *x, const float *gamma, const float *beta, const float *save,
                         float *y, int relu)
{
    bn_ctx k = {0};
    k.c = c; k.relu = relu; k.m = m; k.x = x; k.gamma = gamma; k.beta = beta; k.save_in = save; k.out_y = y;
    nn_pool_run_if((size_t)c * m, PAR_MIN, bn_apply_task, &k);
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
        bn_bwd_sums(m, xc, dyc, mean, c->gamma[ch] * invstd, c->beta[ch], c->relu, &sdy, &sdyx);
        c->dgamma[ch] += (float)(sdyx * invstd);
        c->dbeta[ch] += (float)sdy;
        if (!c->dx) continue;
        float k = c->gamma[ch] * invstd;
        float a = c->train ? (float)(sdy / (double)m) : 0.0f;
        float q = c->train ? (float)(sdyx * invstd * invstd / (double)m) : 0.0f;
        if (c->dx == c->dy) bn_dx_inplace(m, xc, dyc, mean, k, a, q);
        else bn_dx(m, xc, dyc, mean, k, a, q, c->dx + ch * m);
    }
}

static void cpu_bn_bwd(int c, size_t m, const float *x, const float *gamma, const float *beta, const float *save,
                       int train, const float *y, float *dy, float *dx, float *dgamma, float *dbeta, int relu)
{
    bn_ctx k = {0};
    (void)y;   /* the mask is made again from x (bn_bwd_sums) */
    k.c = c; k.train = train; k.relu = relu; k.m = m; k.x = x; k.gamma = gamma; k.beta = beta; k.save_in = save;
    k.dy = dy; k.dx = dx; k.dgamma = dgamma; k.dbeta = dbeta;
    nn_pool_run_if((size_t)c * m, PAR_MIN, bn_bwd_task, &k);
}

/* ---- pooling, flatten (planes or channels) --------------------------------------------------------- */

typedef struct {
    nn_pool_kind kind;
    const nn_geom *g;
    int c, n, hw;
    const float *x, *dy;
    float *y, *dx;
} plane_ctx;

/* 2x2 max pooling, stride 2, over one plane: the first maximum in the order (0,0), (0,1),
 * (1,0), (1,1) as nn_window_argmax finds it; the loops vectorize along the row. */
HOT static void max2x2_fwd(const nn_geom *g, const float *restrict xp, float *restrict yp)
{
    for (int oh = 0; oh < g->h_out; oh++) {
        const float *a = xp + (size_t)(2 * oh) * g->w_in, *b = a + g->w_in;
        float *yr = yp + (size_t)oh * g->w_out;
        for (int ow = 0; ow < g->w_out; ow++) {
            float v = a[2 * ow];
            v = nn_pool_takes(a[2 * ow + 1], v) ? a[2 * ow + 1] : v;
            v = nn_pool_takes(b[2 * ow], v) ? b[2 * ow] : v;
            v = nn_pool_takes(b[2 * ow + 1], v) ? b[2 * ow + 1] : v;
            yr[ow] = v;
        }
    }
}

/* Its backward: each window gets dy at its first maximum and 0 elsewhere, and the rows and
 * columns no window covers (odd sizes) get 0, so dx needs no zeroing first. */
HOT static void max2x2_bwd(const nn_geom *g, const float *restrict xp, const float *restrict dyp, float *restrict dxp)
{
    int wc = 2 * g->w_out;
    for (int oh = 0; oh < g->h_out; oh++) {
        const float *a = xp + (size_t)(2 * oh) * g->w_in, *b = a + g->w_in;
        float *da = dxp + (size_t)(2 * oh) * g->w_in, *db = da + g->w_in;
        const float *dr = dyp + (size_t)oh * g->w_out;
        for (int ow = 0; ow < g->w_out; ow++) {
            /* selects on floats, not branches (random data mispredicts), so the loop vectorizes;
             * r: what is left of d for the positions before the one looked at */
            float a0 = a[2 * ow], a1 = a[2 * ow + 1], b0 = b[2 * ow], b1 = b[2 * ow + 1], d = dr[ow];
            int t1 = nn_pool_takes(a1, a0);
            float m1 = t1 ? a1 : a0;
            int t2 = nn_pool_takes(b0, m1);
            int t3 = nn_pool_takes(b1, t2 ? b0 : m1);
            float r2 = t3 ? 0.0f : d, r1 = t2 ? 0.0f : r2;
            db[2 * ow + 1] = t3 ? d : 0.0f;
            db[2 * ow] = t2 ? r2 : 0.0f;
            da[2 * ow + 1] = t1 ? r1 : 0.0f;
            da[2 * ow] = t1 ? 0.0f : r1;
        }
        for (int iw = wc; iw < g->w_in; iw++) da[iw] = db[iw] = 0.0f;
    }
    for (int ih = 2 * g->h_out; ih < g->h_in; ih++) memset(dxp + (size_t)ih * g->w_in, 0, (size_t)g->w_in * sizeof *dxp);
}

static int is_max2x2(nn_pool_kind kind, const nn_geom *g)
{
    return kind == NN_POOL_MAX && g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 && g->ph == 0 && g->pw == 0;
}

static void pool_fwd_task(void *vc, int t, int nt)
{
    plane_ctx *c = vc;
    const nn_geom *g = c->g;
    size_t pin = (size_t)g->h_in * g->w_in, pout = (size_t)g->h_out * g->w_out, p0, p1;
    float inv = 1.0f / (float)(g->kh * g->kw);
    nn_pool_range((size_t)g->c_in * g->n, t, nt, 1, &p0, &p1);
    if (is_max2x2(c->kind, g)) {
        for (size_t p = p0; p < p1; p++) max2x2_fwd(g, c->x + p * pin, c->y + p * pout);
        return;
    }
    for (size_t p = p0; p < p1; p++) {
        const float *xp = c->x + p * pin;
        float *yp = c->y + p * pout;
        for (int oh = 0; oh < g->h_out; oh++)
            for (int ow = 0; ow < g->w_out; ow++) {
                if (c->kind == NN_POOL_MAX) { yp[(size_t)oh * g->w_out + ow] = xp[nn_window_argmax(g, xp, oh, ow)]; continue; }
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
    if (is_max2x2(c->kind, g)) {
        for (size_t p = p0; p < p1; p++) max2x2_bwd(g, c->x + p * pin, c->dy + p * pout, c->dx + p * pin);
        return;
    }
    for (size_t p = p0; p < p1; p++) {
        const float *xp = c->x + p * pin, *dyp = c->dy + p * pout;
        float *dxp = c->dx + p * pin;
        memset(dxp, 0, pin * sizeof *dxp);
        for (int oh = 0; oh < g->h_out; oh++)
            for (int ow = 0; ow < g->w_out; ow++) {
                float d = dyp[(size_t)oh * g->w_out + ow];
                if (c->kind == NN_POOL_MAX) { dxp[nn_window_argmax(g, xp, oh, ow)] += d; continue; }
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

/* The samples' nn_xent_sample (elementwise.h), normalised by sum_i w_{y_i} as torch's weighted
 * mean. */
static double cpu_xent(int n, int k, const float *logits, const int *labels, const float *class_w,
                       float smoothing, float gamma, float scale, float *dlogits)
{
    double total = 0, wsum = 0;
    for (int i = 0; i < n; i++) wsum += class_w ? class_w[labels[i]] : 1.0;
    if (wsum == 0) wsum = 1;   /* every label's weight zero: torch's NaN avoided; only the
                                * smoothing term (and its gradient) is left */
    for (int i = 0; i < n; i++)
        total += nn_xent_sample(k, logits + (size_t)i * k, labels[i], class_w, smoothing, gamma, scale, wsum,
                                dlogits + (size_t)i * k);
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
    float bc1 = a->bc1, bc2 = a->bc2_sqrt, omb1 = a->omb1, omb2 = a->omb2;
    if (a->kind == NN_OPT_ADAMW) {
        for (size_t i = 0; i < n; i++) nn_adam_update(p + i, g[i], m + i, v + i, lr, b1, b2, omb1, omb2, eps, wd, 1, bc1, bc2);
    } else {
        for (size_t i = 0; i < n; i++) nn_adam_update(p + i, g[i], m + i, v + i, lr, b1, b2, omb1, omb2, eps, wd, 0, bc1, bc2);
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
    .fill = cpu_fill, .copy = cpu_copy, .set_threads = cpu_set_threads, .shares = cpu_shares,
    .linear_fwd = cpu_linear_fwd, .linear_bwd = cpu_linear_bwd,
    .conv_work = cpu_conv_work, .conv_fwd = cpu_conv_fwd, .conv_bwd = cpu_conv_bwd,
    .dwconv_work = cpu_dwconv_work, .dwconv_fwd = cpu_dwconv_fwd, .dwconv_bwd = cpu_dwconv_bwd,
    .bn_fwd = cpu_bn_fwd, .bn_bwd = cpu_bn_bwd, .bn_apply = cpu_bn_apply,
    .relu_fwd = cpu_relu_fwd, .relu_bwd = cpu_relu_bwd,
    .dropout_fwd = cpu_dropout_fwd, .dropout_bwd = cpu_dropout_bwd,
    .pool_fwd = cpu_pool_fwd, .pool_bwd = cpu_pool_bwd,
    .gap_fwd = cpu_gap_fwd, .gap_bwd = cpu_gap_bwd,
    .flatten_fwd = cpu_flatten_fwd, .flatten_bwd = cpu_flatten_bwd,
    .xent = cpu_xent, .sumsq = cpu_sumsq, .scale = cpu_scale, .update = cpu_update,
};

const nn_backend *nn_backend_cpu(void) { return &cpu_backend; }
