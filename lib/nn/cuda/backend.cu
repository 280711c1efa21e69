/* backend.cu — the CUDA backend: nn/backend.h's layer table on device memory, and the entry
 * point of libwakesweep-cuda.so (api.h). GEMMs go through cuBLAS (cublasGemmEx with fp32
 * storage; the precision picks the compute type: fp32, tf32 or bf16 tensor cores); everything
 * else is a small kernel around a body in kernels.h that the host tests run on the CPU.
 *
 * Why no cuDNN: the installed cuDNN 9.19 still declares the legacy calls (convolution, batch
 * norm, pooling, activation), but every one of them is CUDNN_DEPRECATED and will go; the
 * replacement is the graph API (backend descriptors), far more code to get right with no GPU
 * to test on. Our layouts (CNHW, kernel = stride pooling, batch norm with a fused ReLU and
 * torch's running-variance rule) would each need checking against cuDNN's semantics, while the
 * kernels here share their per-element code with the CPU backend and are tested here. For
 * keyword-spotting nets the convolutions are small GEMMs anyway (pointwise: one GEMM over the
 * batch; others: im2col + GEMM), depthwise convolution and batch norm are memory bound. It
 * also keeps ~400 MB of cuDNN libraries off the dependency list.
 *
 * Every operation is stream-ordered on one stream; only the table's upload, download, sumsq
 * and xent (host labels: the tests' path) wait for the device. Determinism: no floating-point
 * atomics; reductions run in a fixed order (block_sum, fixed grids); cuBLAS is deterministic
 * on one GPU model with a fixed workspace and stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nn/cuda/common.h"

cu_ctx g_cu;

/* ---- failures -------------------------------------------------------------------------------- */

bool cu_fail(const char *file, int line, const char *call, const char *msg, bool oom)
{
    if (!g_cu.failed) {
        const char *base = strrchr(file, '/');
        int len = (int)strcspn(call, "(");     /* the called function's name */
        snprintf(g_cu.err, sizeof g_cu.err, "%s:%d: %.*s: %s", base ? base + 1 : file, line, len, call, msg);
        g_cu.failed = 1;
        g_cu.oom = oom;
    }
    return false;
}

/* Out of memory is a code, not a message: cudaGetErrorString of a fault inside a kernel
 * (cudaErrorIllegalAddress) says "an illegal memory access was encountered". */
bool cu_ok(cudaError_t rc, const char *file, int line, const char *call)
{
    if (rc == cudaSuccess) return true;
    char msg[256];
    snprintf(msg, sizeof msg, "%s (%s)", cudaGetErrorString(rc), cudaGetErrorName(rc));
    return cu_fail(file, line, call, msg, rc == cudaErrorMemoryAllocation);
}

bool blas_ok(cublasStatus_t rc, const char *file, int line, const char *call)
{
    if (rc == CUBLAS_STATUS_SUCCESS) return true;
    char msg[256];
    snprintf(msg, sizeof msg, "%s%s", cublasGetStatusString(rc), rc == CUBLAS_STATUS_ALLOC_FAILED ? ": out of memory" : "");
    return cu_fail(file, line, call, msg, rc == CUBLAS_STATUS_ALLOC_FAILED);
}

static const char *cu_error(void) { return g_cu.failed ? g_cu.err : NULL; }
static int cu_error_oom(void) { return g_cu.failed && g_cu.oom; }

static void cu_clear_error(void)
{
    g_cu.failed = 0;
    g_cu.oom = 0;
    g_cu.err[0] = '\0';
    (void)cudaGetLastError();
}

/* ---- memory ------------------------------------------------------------------------------------ */

/* Live allocations and their sizes, for the limit (a trial makes a few dozen). */
static struct { void *p; size_t bytes; } *live;
static size_t n_live, cap_live;

void *cu_alloc(size_t bytes)
{
    size_t n = bytes ? (bytes + 255) & ~(size_t)255 : 256;
    if (g_cu.limit && g_cu.in_use + n > g_cu.limit) return NULL;
    if (n_live == cap_live) {
        size_t cap = cap_live ? 2 * cap_live : 64;
        void *l = realloc(live, cap * sizeof *live);
        if (!l) return NULL;
        live = (decltype(live))l;
        cap_live = cap;
    }
    void *p = NULL;
    cudaError_t rc = cudaMalloc(&p, n);
    if (rc == cudaErrorMemoryAllocation) {
        (void)cudaGetLastError();          /* out of memory is not sticky: forget it */
        return NULL;
    }
    if (!cu_ok(rc, __FILE__, __LINE__, "cudaMalloc")) return NULL;   /* anything else (a fault seen here) is the reason */
    g_cu.n.allocs++;
    if (!CUDA_CHECK(cudaMemsetAsync(p, 0, n, g_cu.stream))) { (void)cudaFree(p); return NULL; }   /* recorded above */
    live[n_live].p = p;
    live[n_live++].bytes = n;
    g_cu.in_use += n;
    return p;
}

size_t cu_free_bytes(void)
{
    size_t free_b = 0, total_b = 0;
    if (cudaMemGetInfo(&free_b, &total_b) != cudaSuccess) {
        (void)cudaGetLastError();
        free_b = 0;
    }
    size_t left = g_cu.limit > g_cu.in_use ? g_cu.limit - g_cu.in_use : 0;
    return g_cu.limit && left < free_b ? left : free_b;   /* WS_CUDA_MEM_MIB */
}

void cu_free(void *p)
{
    if (!p) return;
    for (size_t i = 0; i < n_live; i++)
        if (live[i].p == p) {
            g_cu.in_use -= live[i].bytes;
            live[i] = live[--n_live];
            break;
        }
    g_cu.n.frees++;
    CUDA_CHECK(cudaFree(p));               /* waits for the device: never inside a step */
}

void *cu_host_alloc(size_t bytes)
{
    void *p = NULL;
    cudaError_t rc = cudaMallocHost(&p, bytes ? bytes : 1);
    if (rc == cudaErrorMemoryAllocation) {
        (void)cudaGetLastError();
        return NULL;
    }
    if (!cu_ok(rc, __FILE__, __LINE__, "cudaMallocHost")) return NULL;
    g_cu.n.allocs++;
    return p;
}

void cu_host_free(void *p)
{
    if (!p) return;
    g_cu.n.frees++;
    CUDA_CHECK(cudaFreeHost(p));
}

int cu_sync(void)
{
    g_cu.n.syncs++;
    return CUDA_CHECK(cudaStreamSynchronize(g_cu.stream)) && !g_cu.failed ? 0 : -1;
}

void cu_h2d(void *dst, const void *src, size_t bytes)
{
    if (!bytes) return;
    g_cu.n.h2d++;
    CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, g_cu.stream));
    cu_sync();                             /* src may be reused as soon as we return */
}

void cu_d2h(void *dst, const void *src, size_t bytes)
{
    if (!bytes) return;
    g_cu.n.d2h++;
    CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, g_cu.stream));
    cu_sync();
}

static void t_release(void *p) { cu_free(p); }
static void t_upload(void *dst, const void *src, size_t bytes) { cu_h2d(dst, src, bytes); }
static void t_download(void *dst, const void *src, size_t bytes) { cu_d2h(dst, src, bytes); }

/* NN_STEP_BEGIN — from here to NN_STEP_END: everything a training step calls (the layer
 * table's compute entries, cu_xent, cu_clip_grads, the update). They only enqueue kernels,
 * cuBLAS calls and device-to-device copies on the stream: no allocation, no copy between host
 * and device, no synchronisation (tests/cli/t3900 greps this region). */

/* Device to device, on the stream (model.c copies activations in a few places). */
static void t_copy(float *dst, const float *src, size_t n)
{
    if (n && dst != src) CUDA_CHECK(cudaMemcpyAsync(dst, src, n * sizeof *dst, cudaMemcpyDeviceToDevice, g_cu.stream));
}

static void t_set_threads(int threads, int shares) { (void)threads; (void)shares; }
static int t_shares(void) { return 1; }

/* ---- GEMM ----------------------------------------------------------------------------------------- */

/* cblas_sgemm(CblasRowMajor, ...) on device pointers: C[M][N] = alpha op(A) op(B) + beta C.
 * Row-major C is column-major C^T = op(B)^T op(A)^T, so cuBLAS gets B first. */
static void gemm(bool ta, bool tb, int M, int N, int K, float alpha, const float *A, int lda, const float *B, int ldb,
                 float beta, float *C, int ldc)
{
    if (M <= 0 || N <= 0) return;
    CUBLAS_CHECK(cublasGemmEx(g_cu.blas, tb ? CUBLAS_OP_T : CUBLAS_OP_N, ta ? CUBLAS_OP_T : CUBLAS_OP_N, N, M, K, &alpha,
                              B, CUDA_R_32F, ldb, A, CUDA_R_32F, lda, &beta, C, CUDA_R_32F, ldc, g_cu.compute,
                              CUBLAS_GEMM_DEFAULT));
}

/* ---- elementwise ------------------------------------------------------------------------------------- */

__global__ void k_fill(float *x, size_t n, float v) { NN_FOR(i, n) x[i] = v; }
__global__ void k_scale(float *x, size_t n, float s) { NN_FOR(i, n) x[i] *= s; }
__global__ void k_scale_by(float *x, size_t n, const float *s) { float f = *s; NN_FOR(i, n) x[i] *= f; }
__global__ void k_relu(size_t n, const float *x, float *y) { NN_FOR(i, n) y[i] = nn_relu(x[i]); }
__global__ void k_relu_grad(size_t n, const float *y, const float *dy, float *dx) { NN_FOR(i, n) dx[i] = nn_relu_grad(y[i], dy[i]); }
__global__ void k_relu_mask(size_t n, const float *y, float *dy) { NN_FOR(i, n) dy[i] = nn_relu_grad(y[i], dy[i]); }

__global__ void k_dropout(size_t n, float p, uint64_t seed, const float *x, float *y)
{
    NN_FOR(i, n) y[i] = x[i] * nn_dropout_factor(seed, i, p);
}

static void t_fill(float *x, size_t n, float v) { LAUNCH(k_fill, n, x, n, v); }
static void t_scale(size_t n, float s, float *x) { LAUNCH(k_scale, n, x, n, s); }
static void t_relu_fwd(size_t n, const float *x, float *y) { LAUNCH(k_relu, n, n, x, y); }
static void t_relu_bwd(size_t n, const float *y, const float *dy, float *dx) { LAUNCH(k_relu_grad, n, n, y, dy, dx); }
static void t_dropout_fwd(size_t n, float p, uint64_t seed, const float *x, float *y) { LAUNCH(k_dropout, n, n, p, seed, x, y); }
static void t_dropout_bwd(size_t n, float p, uint64_t seed, const float *dy, float *dx) { LAUNCH(k_dropout, n, n, p, seed, dy, dx); }

/* ---- linear ----------------------------------------------------------------------------------------- */

/* y[r][c] += b[c] (b may be NULL), then ReLU when relu. */
__global__ void k_bias_rows(size_t total, int cols, float *y, const float *b, int relu)
{
    NN_FOR(i, total) {
        float v = y[i] + (b ? b[i % (size_t)cols] : 0.0f);
        y[i] = relu ? nn_relu(v) : v;
    }
}

/* db[o] += sum over rows of dy[r][o], in row order. */
__global__ void k_colsum_add(int rows, int cols, const float *dy, float *db)
{
    NN_FOR(o, (size_t)cols) {
        double s = 0;
        for (int r = 0; r < rows; r++) s += dy[(size_t)r * cols + o];
        db[o] += (float)s;
    }
}

static void t_linear_fwd(int n, int in, int out, const float *x, const float *w, const float *b, float *y, int relu)
{
    gemm(false, true, n, out, in, 1.0f, x, in, w, in, 0.0f, y, out);
    if (b || relu) LAUNCH(k_bias_rows, (size_t)n * out, (size_t)n * out, out, y, b, relu);
}

static void t_linear_bwd(int n, int in, int out, const float *x, const float *w, const float *y, float *dy, float *dx,
                         float *dw, float *db, int relu)
{
    if (relu) LAUNCH(k_relu_mask, (size_t)n * out, (size_t)n * out, y, dy);
    gemm(true, false, out, in, n, 1.0f, dy, out, x, in, 1.0f, dw, in);
    if (db) LAUNCH(k_colsum_add, (size_t)out, n, out, dy, db);
    if (dx) gemm(false, false, n, in, out, 1.0f, dy, out, w, in, 0.0f, dx, in);
}

/* ---- convolution: pointwise as one GEMM, others im2col + GEMM --------------------------------------- */

static bool is_pointwise(const nn_geom *g)
{
    return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->ph == 0 && g->pw == 0;
}

#define NN_COLS_BUDGET ((size_t)1 << 24)   /* floats of one im2col chunk (64 MiB) */

/* Samples per im2col chunk. */
static int conv_chunk(const nn_geom *g)
{
    size_t per = (size_t)g->c_in * g->kh * g->kw * g->h_out * g->w_out;
    size_t c = per ? NN_COLS_BUDGET / per : (size_t)g->n;
    if (c < 1) c = 1;
    if (c > (size_t)g->n) c = (size_t)g->n;
    return (int)c;
}

/* cols and dcols [K][chunk P]; non-decreasing in g->n, so the reserved batch's size fits any
 * smaller batch. */
static size_t t_conv_work(const nn_geom *g)
{
    if (is_pointwise(g)) return 0;
    return 2 * (size_t)g->c_in * g->kh * g->kw * g->h_out * g->w_out * (size_t)conv_chunk(g);
}

__global__ void k_im2col(nn_geom g, const float *x, int b0, int nb, float *cols, size_t total)
{
    NN_FOR(i, total) cols[i] = nn_k_im2col(&g, x, b0, nb, i);
}

__global__ void k_col2im(nn_geom g, const float *dcols, int b0, int nb, float *dx, size_t total)
{
    NN_FOR(i, total) {
        size_t at;
        float v = nn_k_col2im(&g, dcols, b0, nb, i, &at);
        dx[at] = v;
    }
}

/* y[o][p] (+ b[o]), ReLU when relu, over CNHW planes of nP values per channel. */
__global__ void k_bias_planes(size_t total, size_t nP, float *y, const float *b, int relu)
{
    NN_FOR(i, total) {
        float v = y[i] + (b ? b[i / nP] : 0.0f);
        y[i] = relu ? nn_relu(v) : v;
    }
}

/* One block per output channel: mask dy by the ReLU in place, and db[o] += sum dy. */
__global__ void k_conv_dy(size_t nP, const float *y, float *dy, float *db, int relu)
{
    size_t o = blockIdx.x;
    float *row = dy + o * nP;
    const float *yr = y ? y + o * nP : NULL;
    double s = 0;
    for (size_t i = threadIdx.x; i < nP; i += blockDim.x) {
        float d = relu ? nn_relu_grad(yr[i], row[i]) : row[i];
        if (relu) row[i] = d;
        s += d;
    }
    s = block_sum(s);
    if (db && threadIdx.x == 0) db[o] += (float)s;
}

static void t_conv_fwd(const nn_geom *g, const float *x, const float *w, const float *b, float *y, int relu, float *work)
{
    size_t P = (size_t)g->h_out * g->w_out, nP = (size_t)g->n * P;
    int K = g->c_in * g->kh * g->kw;
    if (is_pointwise(g)) {
        gemm(false, false, g->c_out, (int)nP, g->c_in, 1.0f, w, g->c_in, x, (int)nP, 0.0f, y, (int)nP);
    } else {
        int chunk = conv_chunk(g);
        for (int b0 = 0; b0 < g->n; b0 += chunk) {
            int nb = g->n - b0 < chunk ? g->n - b0 : chunk;
            size_t total = (size_t)K * nb * P;
            LAUNCH(k_im2col, total, *g, x, b0, nb, work, total);
            gemm(false, false, g->c_out, (int)(nb * P), K, 1.0f, w, K, work, (int)(nb * P), 0.0f, y + (size_t)b0 * P, (int)nP);
        }
    }
    if (b || relu) LAUNCH(k_bias_planes, (size_t)g->c_out * nP, (size_t)g->c_out * nP, nP, y, b, relu);
}

static void t_conv_bwd(const nn_geom *g, const float *x, const float *w, const float *y, float *dy, float *dx, float *dw,
                       float *db, int relu, float *work)
{
    size_t P = (size_t)g->h_out * g->w_out, nP = (size_t)g->n * P;
    int K = g->c_in * g->kh * g->kw;
    if ((relu || db) && g->c_out > 0) {
        k_conv_dy<<<(unsigned)g->c_out, NN_THREADS, 0, g_cu.stream>>>(nP, y, dy, db, relu);
        KERNEL_CHECK("k_conv_dy");
    }
    if (is_pointwise(g)) {
        gemm(false, true, g->c_out, g->c_in, (int)nP, 1.0f, dy, (int)nP, x, (int)nP, 1.0f, dw, g->c_in);
        if (dx) gemm(true, false, g->c_in, (int)nP, g->c_out, 1.0f, w, g->c_in, dy, (int)nP, 0.0f, dx, (int)nP);
        return;
    }
    int chunk = conv_chunk(g);
    float *cols = work, *dcols = work + (size_t)K * chunk * P;
    for (int b0 = 0; b0 < g->n; b0 += chunk) {
        int nb = g->n - b0 < chunk ? g->n - b0 : chunk;
        size_t total = (size_t)K * nb * P;
        const float *dyc = dy + (size_t)b0 * P;
        LAUNCH(k_im2col, total, *g, x, b0, nb, cols, total);
        gemm(false, true, g->c_out, K, (int)(nb * P), 1.0f, dyc, (int)nP, cols, (int)(nb * P), 1.0f, dw, K);
        if (!dx) continue;
        gemm(true, false, K, (int)(nb * P), g->c_out, 1.0f, w, K, dyc, (int)nP, 0.0f, dcols, (int)(nb * P));
        size_t nx = (size_t)g->c_in * nb * g->h_in * g->w_in;
        LAUNCH(k_col2im, nx, *g, dcols, b0, nb, dx, nx);
    }
}

/* ---- depthwise convolution ------------------------------------------------------------------------- */

static size_t t_dwconv_work(const nn_geom *g) { (void)g; return 0; }

__global__ void k_dw_fwd(nn_geom g, const float *x, const float *w, float *y, size_t total)
{
    NN_FOR(i, total) y[i] = nn_k_dw_fwd(&g, x, w, i);
}

__global__ void k_dw_dx(nn_geom g, const float *w, const float *dy, float *dx, size_t total)
{
    NN_FOR(i, total) dx[i] = nn_k_dw_dx(&g, w, dy, i);
}

/* ---- chunked sums: rows of m terms, each cut into P chunks of about NN_PART_CHUNK, one block each ----------
 * Batch norm and the depthwise weight gradient sum long rows (a channel's n h w values): one block
 * a row left most of a GPU idle (64 blocks for 64 channels) and took 70% of a dscnn step. P is
 * fixed by the shape, and the partials are added in a fixed order (each thread a strided set, then
 * block_sum's tree): the sums are reproducible. */

/* Chunks a row for `rows` rows of m terms, with `extra` doubles of g_cu.part kept after the
 * partials; 0 when not one chunk a row fits. */
static unsigned cu_parts(size_t rows, size_t m, size_t extra)
{
    if (!rows || rows + extra > NN_PARTS) return 0;
    size_t p = (m + NN_PART_CHUNK - 1) / NN_PART_CHUNK, cap = (NN_PARTS - extra) / rows;
    if (p > cap) p = cap;
    if (p > 65535) p = 65535;               /* gridDim.y */
    return (unsigned)(p ? p : 1);
}

/* The terms [lo, hi) of m that block y of P sums. */
static __device__ __forceinline__ void chunk_of(size_t m, unsigned P, size_t *lo, size_t *hi)
{
    size_t len = (m + P - 1) / P;
    *lo = (size_t)blockIdx.y * len;
    if (*lo > m) *lo = m;
    *hi = m - *lo > len ? *lo + len : m;
}

/* Row blockIdx.x's P partials summed in a fixed order: into out[row], or added to add[row]. */
__global__ void k_part_sum(const double *part, unsigned P, double *out, float *add)
{
    size_t row = blockIdx.x;
    double s = 0;
    for (unsigned p = threadIdx.x; p < P; p += blockDim.x) s += part[row * P + p];
    s = block_sum(s);
    if (threadIdx.x == 0) {
        if (out) out[row] = s;
        if (add) add[row] += (float)s;
    }
}

/* Block (row, p) sums row (channel, tap)'s terms over chunk p of the channel's n h_out w_out
 * outputs into part[row][p]; with one chunk a row it adds the sum to dw[row] at once. */
__global__ void k_dw_dw_part(nn_geom g, unsigned P, const float *x, const float *dy, double *part, float *dw)
{
    int taps = g.kh * g.kw, row = (int)blockIdx.x, c = row / taps, tap = row % taps;
    size_t lo, hi;
    chunk_of((size_t)g.n * g.h_out * g.w_out, P, &lo, &hi);
    double s = 0;
    for (size_t e = lo + threadIdx.x; e < hi; e += blockDim.x) s += nn_k_dw_dw_term(&g, x, dy, c, tap / g.kw, tap % g.kw, e);
    s = block_sum(s);
    if (threadIdx.x == 0) {
        if (P == 1) dw[row] += (float)s;
        else part[(size_t)row * P + blockIdx.y] = s;
    }
}

static void t_dwconv_fwd(const nn_geom *g, const float *x, const float *w, float *y, float *work)
{
    (void)work;
    size_t total = (size_t)g->c_in * g->n * g->h_out * g->w_out;
    LAUNCH(k_dw_fwd, total, *g, x, w, y, total);
}

static void t_dwconv_bwd(const nn_geom *g, const float *x, const float *w, const float *dy, float *dx, float *dw,
                         float *work)
{
    (void)work;
    size_t rows = (size_t)g->c_in * g->kh * g->kw;
    if (rows) {
        unsigned P = cu_parts(rows, (size_t)g->n * g->h_out * g->w_out, 0);
        if (!P) P = 1;                      /* more rows than g_cu.part holds: one block a row */
        k_dw_dw_part<<<dim3((unsigned)rows, P), NN_THREADS, 0, g_cu.stream>>>(*g, P, x, dy, g_cu.part, dw);
        KERNEL_CHECK("k_dw_dw_part");
        if (P > 1) {
            k_part_sum<<<(unsigned)rows, NN_THREADS, 0, g_cu.stream>>>(g_cu.part, P, NULL, dw);
            KERNEL_CHECK("k_part_sum");
        }
    }
    size_t total = (size_t)g->c_in * g->n * g->h_in * g->w_in;
    if (dx) LAUNCH(k_dw_dx, total, *g, w, dy, dx, total);
}

/* ---- batch norm: each channel's m values cut into chunks, one block each -------------------------------- */

/* Training, stage 1: block (ch, p) sums d and d^2, d = x - x[ch][0] (the shift keeps the sum of
 * squares accurate), over chunk p of the channel, in float per thread as the CPU's lanes:
 * part[2 ch][p] and part[2 ch + 1][p]. */
__global__ void k_bn_stats(size_t m, unsigned P, const float *x, double *part)
{
    size_t ch = blockIdx.x, lo, hi;
    const float *xc = x + ch * m;
    chunk_of(m, P, &lo, &hi);
    float shift = xc[0], a = 0.0f, b = 0.0f;
    for (size_t i = lo + threadIdx.x; i < hi; i += blockDim.x) {
        float d = xc[i] - shift;
        a += d;
        b += d * d;
    }
    double s1 = block_sum(a), s2 = block_sum(b);
    if (threadIdx.x == 0) {
        part[2 * ch * P + blockIdx.y] = s1;
        part[(2 * ch + 1) * P + blockIdx.y] = s2;
    }
}

/* Stage 2, one block per channel: its mean and 1/std into save (training: from the chunks'
 * sums, and the running statistics updated; else the running statistics'). */
__global__ void k_bn_finish(int channels, size_t m, unsigned P, const float *x, const double *part, float *run_mean,
                            float *run_var, float momentum, float eps, int train, float *save)
{
    int ch = blockIdx.x;
    float mean, invstd;
    if (train) {
        double s1 = 0, s2 = 0, mu, var, unbiased;
        for (unsigned p = threadIdx.x; p < P; p += blockDim.x) {
            s1 += part[2 * (size_t)ch * P + p];
            s2 += part[(2 * (size_t)ch + 1) * P + p];
        }
        s1 = block_sum(s1);
        s2 = block_sum(s2);
        nn_k_bn_moments(s1, s2, m, x[(size_t)ch * m], &mu, &var, &unbiased);
        mean = (float)mu;
        invstd = (float)(1.0 / sqrt(var + eps));
        if (threadIdx.x == 0) {
            run_mean[ch] = (1.0f - momentum) * run_mean[ch] + momentum * (float)mu;
            run_var[ch] = (1.0f - momentum) * run_var[ch] + momentum * (float)unbiased;
        }
    } else {
        mean = run_mean[ch];
        invstd = (float)(1.0 / sqrt((double)run_var[ch] + eps));
    }
    if (threadIdx.x == 0) {
        save[ch] = mean;
        save[channels + ch] = invstd;
    }
}

/* Stage 3: y = gamma (x - mean) / std + beta (ReLU'd), blocks (ch, *) over the channel. */
__global__ void k_bn_apply(int channels, size_t m, const float *x, const float *gamma, const float *beta,
                           const float *save, float *y, int relu)
{
    size_t ch = blockIdx.x;
    float mean = save[ch], k = gamma[ch] * save[channels + ch], bb = beta[ch];
    for (size_t i = (size_t)blockIdx.y * blockDim.x + threadIdx.x; i < m; i += (size_t)gridDim.y * blockDim.x)
        y[ch * m + i] = nn_k_bn_affine(x[ch * m + i], mean, k, bb, relu);
}

/* Backward, stage 1: block (ch, p) masks dy by the ReLU in place and sums dy and dy (x - mean)
 * over chunk p: part[2 ch][p], part[2 ch + 1][p]. */
__global__ void k_bn_bwd_sums(size_t m, unsigned P, const float *x, const float *save, const float *y, float *dy,
                              double *part, int relu)
{
    size_t ch = blockIdx.x, off = ch * m, lo, hi;
    float mean = save[ch], a = 0.0f, b = 0.0f;
    chunk_of(m, P, &lo, &hi);
    for (size_t i = lo + threadIdx.x; i < hi; i += blockDim.x) {
        float d = relu ? nn_relu_grad(y[off + i], dy[off + i]) : dy[off + i];
        if (relu) dy[off + i] = d;
        a += d;
        b += d * (x[off + i] - mean);
    }
    double sdy = block_sum(a), sdyx = block_sum(b);
    if (threadIdx.x == 0) {
        part[2 * ch * P + blockIdx.y] = sdy;
        part[(2 * ch + 1) * P + blockIdx.y] = sdyx;
    }
}

/* Stage 3 (after k_part_sum put the channel's two sums in sums[2 ch], sums[2 ch + 1]): block
 * (ch, 0) adds dgamma and dbeta; blocks (ch, *) write dx. */
__global__ void k_bn_dx(int channels, size_t m, const float *x, const float *gamma, const float *save, int train,
                        const double *sums, const float *dy, float *dx, float *dgamma, float *dbeta)
{
    size_t ch = blockIdx.x, off = ch * m;
    float mean = save[ch], invstd = save[channels + ch];
    double sdy = sums[2 * ch], sdyx = sums[2 * ch + 1];
    if (blockIdx.y == 0 && threadIdx.x == 0) {
        dgamma[ch] += (float)(sdyx * invstd);
        dbeta[ch] += (float)sdy;
    }
    if (!dx) return;
    float k = gamma[ch] * invstd;
    float am = train ? (float)(sdy / (double)m) : 0.0f, q = train ? (float)(sdyx * invstd * invstd / (double)m) : 0.0f;
    for (size_t i = (size_t)blockIdx.y * blockDim.x + threadIdx.x; i < m; i += (size_t)gridDim.y * blockDim.x)
        dx[off + i] = k * (dy[off + i] - am - (x[off + i] - mean) * q);
}

/* Blocks a channel's elementwise pass takes: one value a thread, at most 1024 blocks. */
static unsigned cu_spread(size_t m)
{
    size_t b = (m + NN_THREADS - 1) / NN_THREADS;
    return (unsigned)(b < 1024 ? (b ? b : 1) : 1024);
}

/* Chunks of the channels' sums; 0 (recorded as a failure) past what g_cu.part holds. */
static unsigned bn_parts(int c, size_t m, size_t extra)
{
    unsigned P = cu_parts(2 * (size_t)c, m, extra);
    if (!P) cu_fail(__FILE__, __LINE__, "batch norm", "more channels than its partial sums hold (32768 at most)", false);
    return P;
}

static void t_bn_apply(int c, size_t m, const float *x, const float *gamma, const float *beta, const float *save,
                       float *y, int relu)
{
    if (c < 1 || !m) return;
    k_bn_apply<<<dim3((unsigned)c, cu_spread(m)), NN_THREADS, 0, g_cu.stream>>>(c, m, x, gamma, beta, save, y, relu);
    KERNEL_CHECK("k_bn_apply");
}

static void t_bn_fwd(int c, size_t m, const float *x, const float *gamma, const float *beta, float *run_mean,
                     float *run_var, float momentum, float eps, int train, float *save, float *y, int relu)
{
    if (c < 1 || !m) return;
    unsigned P = bn_parts(c, m, 0);
    if (!P) return;
    if (train) {
        k_bn_stats<<<dim3((unsigned)c, P), NN_THREADS, 0, g_cu.stream>>>(m, P, x, g_cu.part);
        KERNEL_CHECK("k_bn_stats");
    }
    k_bn_finish<<<(unsigned)c, NN_THREADS, 0, g_cu.stream>>>(c, m, P, x, g_cu.part, run_mean, run_var, momentum, eps,
                                                             train, save);
    KERNEL_CHECK("k_bn_finish");
    t_bn_apply(c, m, x, gamma, beta, save, y, relu);
}

static void t_bn_bwd(int c, size_t m, const float *x, const float *gamma, const float *beta, const float *save, int train,
                     const float *y, float *dy, float *dx, float *dgamma, float *dbeta, int relu)
{
    (void)beta;   /* the mask read from y (the CPU backend makes it again from x) */
    if (c < 1 || !m) return;
    unsigned P = bn_parts(c, m, 2 * (size_t)c);
    if (!P) return;
    double *sums = g_cu.part + 2 * (size_t)c * P;
    k_bn_bwd_sums<<<dim3((unsigned)c, P), NN_THREADS, 0, g_cu.stream>>>(m, P, x, save, y, dy, g_cu.part, relu);
    KERNEL_CHECK("k_bn_bwd_sums");
    k_part_sum<<<2 * (unsigned)c, NN_THREADS, 0, g_cu.stream>>>(g_cu.part, P, sums, NULL);
    KERNEL_CHECK("k_part_sum");
    k_bn_dx<<<dim3((unsigned)c, dx ? cu_spread(m) : 1), NN_THREADS, 0, g_cu.stream>>>(c, m, x, gamma, save, train, sums,
                                                                                       dy, dx, dgamma, dbeta);
    KERNEL_CHECK("k_bn_dx");
}

/* ---- pooling, global pooling, flatten ---------------------------------------------------------------- */

__global__ void k_pool_fwd(nn_pool_kind kind, nn_geom g, const float *x, float *y, size_t total)
{
    NN_FOR(i, total) y[i] = nn_k_pool_fwd(kind, &g, x, i);
}

__global__ void k_pool_bwd(nn_pool_kind kind, nn_geom g, const float *x, const float *dy, float *dx, size_t total)
{
    NN_FOR(i, total) dx[i] = nn_k_pool_bwd(kind, &g, x, dy, i);
}

static void t_pool_fwd(nn_pool_kind kind, const nn_geom *g, const float *x, float *y)
{
    size_t total = (size_t)g->c_in * g->n * g->h_out * g->w_out;
    LAUNCH(k_pool_fwd, total, kind, *g, x, y, total);
}

static void t_pool_bwd(nn_pool_kind kind, const nn_geom *g, const float *x, const float *y, const float *dy, float *dx)
{
    (void)y;
    size_t total = (size_t)g->c_in * g->n * g->h_in * g->w_in;
    LAUNCH(k_pool_bwd, total, kind, *g, x, dy, dx, total);
}

/* y[b][c] = mean of plane x[c][b]: one thread per (b, c), in plane order. */
__global__ void k_gap_fwd(int c, int n, int hw, const float *x, float *y)
{
    NN_FOR(i, (size_t)c * n) {
        size_t b = i / (size_t)c, ch = i % (size_t)c;
        const float *p = x + (ch * (size_t)n + b) * (size_t)hw;
        double s = 0;
        for (int k = 0; k < hw; k++) s += p[k];
        y[i] = (float)(s / (double)hw);
    }
}

__global__ void k_gap_bwd(int c, int n, int hw, const float *dy, float *dx, size_t total)
{
    NN_FOR(i, total) {
        size_t cb = i / (size_t)hw, ch = cb / (size_t)n, b = cb % (size_t)n;
        dx[i] = dy[b * (size_t)c + ch] / (float)hw;
    }
}

__global__ void k_flatten_fwd(int c, int n, int hw, const float *x, float *y, size_t total)
{
    NN_FOR(i, total) y[i] = x[nn_k_flat_src(c, n, hw, i)];
}

__global__ void k_flatten_bwd(int c, int n, int hw, const float *dy, float *dx, size_t total)
{
    NN_FOR(i, total) dx[nn_k_flat_src(c, n, hw, i)] = dy[i];
}

static void t_gap_fwd(int c, int n, int hw, const float *x, float *y) { LAUNCH(k_gap_fwd, (size_t)c * n, c, n, hw, x, y); }

static void t_gap_bwd(int c, int n, int hw, const float *dy, float *dx)
{
    size_t total = (size_t)c * n * hw;
    LAUNCH(k_gap_bwd, total, c, n, hw, dy, dx, total);
}

static void t_flatten_fwd(int c, int n, int hw, const float *x, float *y)
{
    size_t total = (size_t)c * n * hw;
    LAUNCH(k_flatten_fwd, total, c, n, hw, x, y, total);
}

static void t_flatten_bwd(int c, int n, int hw, const float *dy, float *dx)
{
    size_t total = (size_t)c * n * hw;
    LAUNCH(k_flatten_bwd, total, c, n, hw, dy, dx, total);
}

/* ---- loss, metrics ---------------------------------------------------------------------------------- */

/* One block for the whole batch (KWS batches are small): the weight sum first, then each
 * sample's loss and dlogits row; *loss = the weighted mean (not written when loss is NULL). */
__global__ void k_xent(int n, int k, const float *z, const int32_t *y, const float *cw, float smoothing, float gamma,
                       float scale, float *dz, double *loss)
{
    double ws = 0;
    for (int i = threadIdx.x; i < n; i += blockDim.x) ws += cw ? cw[y[i]] : 1.0;
    double wsum = block_sum(ws);
    if (wsum == 0) wsum = 1;   /* every label's weight zero: torch's NaN avoided; only the
                                * smoothing term (and its gradient) is left */
    double t = 0;
    for (int i = threadIdx.x; i < n; i += blockDim.x)
        t += nn_xent_sample(k, z + (size_t)i * k, y[i], cw, smoothing, gamma, scale, wsum, dz + (size_t)i * k);
    t = block_sum(t);
    if (threadIdx.x == 0 && loss) *loss = t / wsum;
}

static void cu_xent(int n, int k, const float *logits, const int32_t *labels, const float *class_w, float smoothing,
                    float gamma, float scale, float *dlogits, double *loss)
{
    if (n < 1) return;
    k_xent<<<1, NN_THREADS, 0, g_cu.stream>>>(n, k, logits, labels, class_w, smoothing, gamma, scale, dlogits, loss);
    KERNEL_CHECK("k_xent");
}

__global__ void k_confusion(int n, int k, const float *z, const int32_t *y, int32_t *counts)
{
    NN_FOR(i, (size_t)n) {
        atomicAdd(&counts[(size_t)y[i] * k + nn_k_argmax(z + i * (size_t)k, k)], 1);
        if (!nn_k_row_finite(z + i * (size_t)k, k)) atomicAdd(&counts[(size_t)k * k], 1);
    }
}

static void cu_confusion(int n, int k, const float *logits, const int32_t *labels, int32_t *counts)
{
    LAUNCH(k_confusion, (size_t)n, n, k, logits, labels, counts);
}

/* ---- norms, clipping, the optimizer ------------------------------------------------------------------- */

/* Stage 1 of sum x^2: NN_RED_BLOCKS blocks, float partials per thread, part[block]. */
__global__ void k_sumsq_part(const float *x, size_t n, double *part)
{
    float s = 0.0f;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) s += x[i] * x[i];
    double t = block_sum(s);
    if (threadIdx.x == 0) part[blockIdx.x] = t;
}

/* Stage 2: out[0] = the sum; with max_norm > 0 also *coef = the clipping factor. */
__global__ void k_sum_final(const double *part, int parts, double *out, double max_norm, float *coef)
{
    double s = 0;
    for (int i = threadIdx.x; i < parts; i += blockDim.x) s += part[i];
    s = block_sum(s);
    if (threadIdx.x == 0) {
        out[0] = s;
        if (coef) *coef = nn_k_clip_coef(sqrt(s), max_norm);
    }
}

static void sumsq_dev(size_t n, const float *x, double max_norm, float *coef)
{
    k_sumsq_part<<<NN_RED_BLOCKS, NN_THREADS, 0, g_cu.stream>>>(x, n, g_cu.red);
    KERNEL_CHECK("k_sumsq_part");
    k_sum_final<<<1, NN_THREADS, 0, g_cu.stream>>>(g_cu.red, NN_RED_BLOCKS, g_cu.red + NN_RED_BLOCKS, max_norm, coef);
    KERNEL_CHECK("k_sum_final");
}

static void cu_clip_grads(size_t n, float *grads, double max_norm)
{
    sumsq_dev(n, grads, max_norm, g_cu.coef);
    LAUNCH(k_scale_by, n, grads, n, g_cu.coef);   /* a factor of 1 leaves every value as it was */
}

/* The fused optimizer step: one kernel over every parameter. */
__global__ void k_update(nn_update_args a, size_t n, float *p, const float *g, float *s1, float *s2)
{
    NN_FOR(i, n) nn_k_update(&a, p + i, g[i], s1 + i, s2 + i);
}

static void t_update(const nn_update_args *a, size_t n, float *p, const float *g, float *s1, float *s2)
{
    LAUNCH(k_update, n, *a, n, p, g, s1, s2);
}

/* NN_STEP_END */

/* ---- the table's entries that wait for the device (tests, set-up; never in a step) ----------- */

/* The layer table's form: labels and class weights in host memory, the loss returned (tests
 * and nn_accumulate on a device model; train-trial's steps use cu_xent). */
static double t_xent(int n, int k, const float *logits, const int *labels, const float *class_w, float smoothing,
                     float gamma, float scale, float *dlogits)
{
    size_t need = (size_t)(n > k ? n : k);
    if (need > g_cu.xent_cap) {
        cu_free(g_cu.xent_labels);
        cu_free(g_cu.xent_w);
        g_cu.xent_labels = (int32_t *)cu_alloc(need * sizeof(int32_t));
        g_cu.xent_w = (float *)cu_alloc(need * sizeof(float));
        g_cu.xent_cap = g_cu.xent_labels && g_cu.xent_w ? need : 0;
        if (!g_cu.xent_cap) { cu_fail(__FILE__, __LINE__, "t_xent", "out of memory for labels", true); return NAN; }
    }
    cu_h2d(g_cu.xent_labels, labels, (size_t)n * sizeof(int32_t));
    if (class_w) cu_h2d(g_cu.xent_w, class_w, (size_t)k * sizeof(float));
    cu_xent(n, k, logits, g_cu.xent_labels, class_w ? g_cu.xent_w : NULL, smoothing, gamma, scale, dlogits, g_cu.red);
    double l = NAN;
    cu_d2h(&l, g_cu.red, sizeof l);
    return l;
}

static double t_sumsq(size_t n, const float *x)
{
    double s = NAN;
    sumsq_dev(n, x, 0.0f, NULL);
    cu_d2h(&s, g_cu.red + NN_RED_BLOCKS, sizeof s);
    return s;
}

static void *t_alloc(size_t bytes) { return cu_alloc(bytes); }

static const nn_backend cuda_backend = {
    "cuda",
    t_alloc, t_release, t_upload, t_download, t_fill, t_copy, t_set_threads, t_shares,
    t_linear_fwd, t_linear_bwd,
    t_conv_work, t_conv_fwd, t_conv_bwd,
    t_dwconv_work, t_dwconv_fwd, t_dwconv_bwd,
    t_bn_fwd, t_bn_bwd, t_bn_apply,
    t_relu_fwd, t_relu_bwd, t_dropout_fwd, t_dropout_bwd,
    t_pool_fwd, t_pool_bwd,
    t_gap_fwd, t_gap_bwd, t_flatten_fwd, t_flatten_bwd,
    t_xent, t_sumsq, t_scale, t_update,
};

/* ---- opening the device ----------------------------------------------------------------------------- */

__global__ void k_hello(double *x) { if (threadIdx.x == 0) x[0] = 1.0; }

/* What a failure while opening the device means (api.h's NN_CUDA_INIT_*), by its code;
 * `otherwise` for codes that name neither memory, a busy device nor a missing one. */
static int init_kind(cudaError_t rc, int otherwise)
{
    switch (rc) {
    case cudaErrorMemoryAllocation: return NN_CUDA_INIT_NO_MEMORY;
    case cudaErrorDevicesUnavailable: return NN_CUDA_INIT_UNAVAILABLE;   /* exclusive mode, taken */
    case cudaErrorNoDevice:
    case cudaErrorInvalidDevice:
    case cudaErrorInsufficientDriver:
    case cudaErrorStubLibrary:
    case cudaErrorSystemDriverMismatch:
    case cudaErrorCompatNotSupportedOnDevice:
    case cudaErrorNoKernelImageForDevice:
    case cudaErrorUnsupportedPtxVersion:
    case cudaErrorInvalidPtx: return NN_CUDA_INIT_NO_DEVICE;
    default: return otherwise;
    }
}

static int blas_init_kind(cublasStatus_t bs)
{
    return bs == CUBLAS_STATUS_ALLOC_FAILED ? NN_CUDA_INIT_NO_MEMORY : NN_CUDA_INIT_UNAVAILABLE;
}

static bool g_device_set;   /* cudaSetDevice succeeded: the primary context may exist */

/* Releases what a failed cu_init made, so that a process going on without the device (--device
 * auto falls back to the CPU) holds none of a full or busy GPU's memory: the primary context
 * that cudaSetDevice and the first calls create lives until exit otherwise (some hundred MiB). */
static void init_undo(void)
{
    cu_free(g_cu.blas_ws);
    cu_free(g_cu.red);
    cu_free(g_cu.part);
    cu_free(g_cu.coef);
    g_cu.blas_ws = NULL;
    g_cu.red = NULL;
    g_cu.part = NULL;
    g_cu.coef = NULL;
    if (g_cu.blas) (void)cublasDestroy(g_cu.blas);
    if (g_cu.stream) (void)cudaStreamDestroy(g_cu.stream);
    g_cu.blas = NULL;
    g_cu.stream = NULL;
    memset(&g_cu.n, 0, sizeof g_cu.n);
    if (g_device_set) (void)cudaDeviceReset();
    g_device_set = false;
    cu_clear_error();
}

/* why gets the message, then what init made is released; the kind is returned. */
#define WHY(kind, ...) (snprintf(why, why_len, __VA_ARGS__), init_undo(), (kind))

static int cu_init(char *name, size_t name_len, char *why, size_t why_len)
{
    int count = 0;
    cudaError_t rc = cudaGetDeviceCount(&count);
    if (rc != cudaSuccess) {
        (void)cudaGetLastError();
        return WHY(init_kind(rc, NN_CUDA_INIT_NO_DEVICE), "cudaGetDeviceCount: %s (%s)%s", cudaGetErrorString(rc),
                   cudaGetErrorName(rc),
                   rc == cudaErrorInsufficientDriver ? ": no NVIDIA driver, or one older than this CUDA runtime"
                   : rc == cudaErrorNoDevice         ? ": the driver sees no GPU"
                   : rc == cudaErrorStubLibrary      ? ": libcuda.so.1 is the toolkit's stub, not a driver"
                                                     : "");
    }
    if (count < 1) return WHY(NN_CUDA_INIT_NO_DEVICE, "the CUDA runtime sees no device");
    /* From here on there is a device: running out of memory or finding it busy is the trial's
     * failure (NO_MEMORY, UNAVAILABLE), not the machine's lack of a GPU. */
    cudaDeviceProp p;
    g_device_set = true;   /* even a failed cudaSetDevice may have begun a context */
    if ((rc = cudaSetDevice(0)) != cudaSuccess || (rc = cudaGetDeviceProperties(&p, 0)) != cudaSuccess
        || (rc = cudaStreamCreateWithFlags(&g_cu.stream, cudaStreamNonBlocking)) != cudaSuccess)
        return WHY(init_kind(rc, NN_CUDA_INIT_UNAVAILABLE), "opening device 0: %s (%s)", cudaGetErrorString(rc),
                   cudaGetErrorName(rc));
    snprintf(name, name_len, "%s (sm_%d%d, %.0f GiB)", p.name, p.major, p.minor, (double)p.totalGlobalMem / (1 << 30));
    cublasStatus_t bs = cublasCreate(&g_cu.blas);
    if (bs != CUBLAS_STATUS_SUCCESS) {
        g_cu.blas = NULL;
        return WHY(blas_init_kind(bs), "cublasCreate: %s", cublasGetStatusString(bs));
    }
    size_t ws = (size_t)32 << 20;           /* NVIDIA's recommendation for Hopper; plenty before */
    g_cu.blas_ws = cu_alloc(ws);
    g_cu.red = (double *)cu_alloc((NN_RED_BLOCKS + 2) * sizeof(double));
    g_cu.part = (double *)cu_alloc(NN_PARTS * sizeof(double));
    g_cu.coef = (float *)cu_alloc(sizeof(float));
    if (!g_cu.blas_ws || !g_cu.red || !g_cu.part || !g_cu.coef) {
        if (cu_fault_recorded()) return WHY(NN_CUDA_INIT_UNAVAILABLE, "%s", g_cu.err);
        return WHY(NN_CUDA_INIT_NO_MEMORY, "out of device memory at start: the cuBLAS workspace needs %zu MiB, %zu MiB free",
                   ws >> 20, cu_free_bytes() >> 20);
    }
    if ((bs = cublasSetStream(g_cu.blas, g_cu.stream)) != CUBLAS_STATUS_SUCCESS
        || (bs = cublasSetWorkspace(g_cu.blas, g_cu.blas_ws, ws)) != CUBLAS_STATUS_SUCCESS
        || (bs = cublasSetMathMode(g_cu.blas, CUBLAS_DEFAULT_MATH)) != CUBLAS_STATUS_SUCCESS)
        return WHY(blas_init_kind(bs), "setting up cuBLAS: %s", cublasGetStatusString(bs));
    g_cu.compute = CUBLAS_COMPUTE_32F_FAST_TF32;
    /* a test launch: a GPU the fatbinary has no code for fails here, not in the first step */
    k_hello<<<1, 32, 0, g_cu.stream>>>(g_cu.red);
    if ((rc = cudaGetLastError()) != cudaSuccess || (rc = cudaStreamSynchronize(g_cu.stream)) != cudaSuccess) {
        char arch[96] = "";
        if (init_kind(rc, 0) == NN_CUDA_INIT_NO_DEVICE)
            snprintf(arch, sizeof arch, ": this build has no code for sm_%d%d (see CUDA_ARCHS in lib/nn/cuda.mk)", p.major,
                     p.minor);
        return WHY(init_kind(rc, NN_CUDA_INIT_UNAVAILABLE), "a test launch: %s (%s)%s", cudaGetErrorString(rc),
                   cudaGetErrorName(rc), arch);
    }
    g_cu.ready = 1;
    return 0;
}

static void cu_set_precision(int precision)
{
    g_cu.compute = precision == NN_PRECISION_FP32   ? CUBLAS_COMPUTE_32F
                   : precision == NN_PRECISION_BF16 ? CUBLAS_COMPUTE_32F_FAST_16BF
                                                    : CUBLAS_COMPUTE_32F_FAST_TF32;
}

static void cu_set_memory_limit(size_t bytes) { g_cu.limit = bytes; }

static int cu_mem_info(size_t *free_bytes, size_t *total_bytes)
{
    if (!CUDA_CHECK(cudaMemGetInfo(free_bytes, total_bytes))) return -1;
    if (g_cu.limit) {
        size_t left = g_cu.limit > g_cu.in_use ? g_cu.limit - g_cu.in_use : 0;
        if (left < *free_bytes) *free_bytes = left;
        if (g_cu.limit < *total_bytes) *total_bytes = g_cu.limit;
    }
    return 0;
}

static void cu_counters(nn_device_counters *c) { *c = g_cu.n; }
static const nn_backend *cu_backend(void) { return &cuda_backend; }

static const nn_cuda_api api = {
    NN_CUDA_ABI,
    cu_init, cu_set_precision, cu_set_memory_limit, cu_mem_info, cu_error, cu_error_oom, cu_clear_error, cu_counters,
    cu_sync,
    cu_backend,
    cu_data_create, cu_data_reserve, cu_data_free, cu_plan_buffer, cu_plan_upload, cu_train_batch, cu_val_batch,
    cu_xent, cu_clip_grads, cu_confusion,
};

extern "C" __attribute__((visibility("default"))) const nn_cuda_api *nn_cuda_api_get(void) { return &api; }
