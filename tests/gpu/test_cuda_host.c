/* test_cuda_host.c — the CUDA backend's kernel bodies (lib/nn/cuda/kernels.h) run on the host,
 * here, without a GPU: each body is looped over every element as its kernel's grid would,
 * and the result is compared with the CPU backend on the same inputs (convolutions through
 * im2col and col2im with a plain matrix product where the GPU calls cuBLAS). The data path's
 * plan (nn_cuda_plan_draw) and bodies are compared with trainer_data_batch bit for bit: the
 * same random draws, the same clips, the same features. What this cannot cover (launch
 * geometry, block reductions, cuBLAS) is tests/gpu/test_cuda_gpu.c's. Run by t3900 in make
 * check. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audio/cache.h"
#include "core/rng.h"
#include "arrays.h"
#include "harness.h"
#include "nn/cuda/api.h"
#include "nn/cuda/kernels.h"
#include "nn/model.h"
#include "trainer/data.h"

#define TOL 2e-6                 /* relative, normwise: float sums in another order */

static ws_rng rng;

static float *randv(size_t n, float lo, float hi) { return randv_from(&rng, n, lo, hi); }

/* C[M][N] (+)= A[M][K] B[K][N], row-major, op by flags (the GEMMs the GPU gives cuBLAS). */
static void matmul(int ta, int tb, int M, int N, int K, const float *A, int lda, const float *B, int ldb, float beta,
                   float *C, int ldc)
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int k = 0; k < K; k++)
                s += (double)(ta ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k]) *
                     (tb ? B[(size_t)j * ldb + k] : B[(size_t)k * ldb + j]);
            C[(size_t)i * ldc + j] = (float)(beta * C[(size_t)i * ldc + j] + s);
        }
}

static const nn_geom geoms[] = {
    /* n, c_in, h, w, c_out, h_out, w_out, kh, kw, sh, sw, ph, pw */
    {3, 1, 21, 12, 4, 11, 7, 10, 4, 2, 2, 5, 2},   /* dscnn's first conv */
    {2, 3, 9, 8, 5, 9, 8, 3, 3, 1, 1, 1, 1},       /* "same" 3x3 */
    {2, 2, 9, 7, 3, 4, 3, 3, 3, 2, 2, 0, 0},       /* strided, no padding */
    {2, 2, 6, 5, 3, 6, 5, 1, 5, 1, 1, 0, 2},       /* 1x5 */
};

static void test_conv_im2col(void)
{
    const nn_backend *cpu = nn_backend_cpu();
    for (size_t gi = 0; gi < sizeof geoms / sizeof *geoms; gi++) {
        const nn_geom *g = &geoms[gi];
        size_t P = (size_t)g->h_out * g->w_out, nP = (size_t)g->n * P, K = (size_t)g->c_in * g->kh * g->kw;
        size_t nx = (size_t)g->c_in * g->n * g->h_in * g->w_in, ny = (size_t)g->c_out * nP;
        float *x = randv(nx, -1, 1), *w = randv((size_t)g->c_out * K, -1, 1), *b = randv((size_t)g->c_out, -1, 1);
        float *y_cpu = zeros(ny), *y_gpu = zeros(ny), *work = zeros(cpu->conv_work(g) + 16);
        cpu->conv_fwd(g, x, w, b, y_cpu, 1, work);
        /* the GPU: im2col over two chunks of samples, GEMM, bias and ReLU */
        int chunk = (g->n + 1) / 2;
        float *cols = zeros(K * chunk * P);
        for (int b0 = 0; b0 < g->n; b0 += chunk) {
            int nb = g->n - b0 < chunk ? g->n - b0 : chunk;
            for (size_t i = 0; i < K * nb * P; i++) cols[i] = nn_k_im2col(g, x, b0, nb, i);
            matmul(0, 0, g->c_out, (int)(nb * P), (int)K, w, (int)K, cols, (int)(nb * P), 0, y_gpu + (size_t)b0 * P, (int)nP);
        }
        for (size_t i = 0; i < ny; i++) y_gpu[i] = nn_relu(y_gpu[i] + b[i / nP]);
        CHECK(rel_err(y_gpu, y_cpu, ny) < TOL, "geometry %zu: forward differs by %g", gi, rel_err(y_gpu, y_cpu, ny));
        /* backward: dw = dy cols^T, dcols = w^T dy, col2im (gathered) */
        float *dy = randv(ny, -1, 1), *dy2 = malloc(ny * sizeof *dy2);
        for (size_t i = 0; i < ny; i++) dy2[i] = nn_relu_grad(y_cpu[i], dy[i]);
        float *dx_cpu = zeros(nx), *dw_cpu = zeros((size_t)g->c_out * K), *db_cpu = zeros((size_t)g->c_out);
        cpu->conv_bwd(g, x, w, y_cpu, dy, dx_cpu, dw_cpu, db_cpu, 1, work);
        float *dx_gpu = zeros(nx), *dw_gpu = zeros((size_t)g->c_out * K), *dcols = zeros(K * chunk * P);
        for (int b0 = 0; b0 < g->n; b0 += chunk) {
            int nb = g->n - b0 < chunk ? g->n - b0 : chunk;
            for (size_t i = 0; i < K * nb * P; i++) cols[i] = nn_k_im2col(g, x, b0, nb, i);
            matmul(0, 1, g->c_out, (int)K, (int)(nb * P), dy2 + (size_t)b0 * P, (int)nP, cols, (int)(nb * P), 1, dw_gpu, (int)K);
            matmul(1, 0, (int)K, (int)(nb * P), g->c_out, w, (int)K, dy2 + (size_t)b0 * P, (int)nP, 0, dcols, (int)(nb * P));
            for (size_t i = 0; i < (size_t)g->c_in * nb * g->h_in * g->w_in; i++) {
                size_t at;
                float v = nn_k_col2im(g, dcols, b0, nb, i, &at);
                dx_gpu[at] = v;
            }
        }
        CHECK(rel_err(dx_gpu, dx_cpu, nx) < TOL, "geometry %zu: dx differs by %g", gi, rel_err(dx_gpu, dx_cpu, nx));
        CHECK(rel_err(dw_gpu, dw_cpu, (size_t)g->c_out * K) < TOL, "geometry %zu: dw differs", gi);
        free(x); free(w); free(b); free(y_cpu); free(y_gpu); free(work); free(cols); free(dy); free(dy2);
        free(dx_cpu); free(dw_cpu); free(db_cpu); free(dx_gpu); free(dw_gpu); free(dcols);
    }
}

static void test_depthwise(void)
{
    const nn_backend *cpu = nn_backend_cpu();
    for (size_t gi = 0; gi < sizeof geoms / sizeof *geoms; gi++) {
        nn_geom g = geoms[gi];
        g.c_out = g.c_in;
        size_t nx = (size_t)g.c_in * g.n * g.h_in * g.w_in, ny = (size_t)g.c_in * g.n * g.h_out * g.w_out;
        size_t taps = (size_t)g.kh * g.kw, m = (size_t)g.n * g.h_out * g.w_out;
        float *x = randv(nx, -1, 1), *w = randv((size_t)g.c_in * taps, -1, 1), *dy = randv(ny, -1, 1);
        float *work = zeros(cpu->dwconv_work(&g) + 16), *y_cpu = zeros(ny), *y_gpu = zeros(ny);
        cpu->dwconv_fwd(&g, x, w, y_cpu, work);
        for (size_t i = 0; i < ny; i++) y_gpu[i] = nn_k_dw_fwd(&g, x, w, i);
        CHECK(rel_err(y_gpu, y_cpu, ny) < TOL, "geometry %zu: forward differs by %g", gi, rel_err(y_gpu, y_cpu, ny));
        float *dx_cpu = zeros(nx), *dw_cpu = zeros((size_t)g.c_in * taps), *dx_gpu = zeros(nx), *dw_gpu = zeros((size_t)g.c_in * taps);
        cpu->dwconv_bwd(&g, x, w, dy, dx_cpu, dw_cpu, work);
        for (size_t i = 0; i < nx; i++) dx_gpu[i] = nn_k_dw_dx(&g, w, dy, i);
        for (int c = 0; c < g.c_in; c++)
            for (size_t t = 0; t < taps; t++) {
                double s = 0;
                for (size_t e = 0; e < m; e++) s += nn_k_dw_dw_term(&g, x, dy, c, (int)(t / (size_t)g.kw), (int)(t % (size_t)g.kw), e);
                dw_gpu[(size_t)c * taps + t] += (float)s;
            }
        CHECK(rel_err(dx_gpu, dx_cpu, nx) < TOL, "geometry %zu: dx differs by %g", gi, rel_err(dx_gpu, dx_cpu, nx));
        CHECK(rel_err(dw_gpu, dw_cpu, (size_t)g.c_in * taps) < TOL, "geometry %zu: dw differs by %g", gi,
              rel_err(dw_gpu, dw_cpu, (size_t)g.c_in * taps));
        free(x); free(w); free(dy); free(work); free(y_cpu); free(y_gpu); free(dx_cpu); free(dw_cpu); free(dx_gpu); free(dw_gpu);
    }
}

static void test_pool_gap_flatten(void)
{
    const nn_backend *cpu = nn_backend_cpu();
    nn_geom gs[] = {{2, 3, 9, 8, 3, 4, 4, 2, 2, 2, 2, 0, 0}, {3, 2, 7, 6, 2, 2, 3, 3, 2, 3, 2, 0, 0}};
    for (int gi = 0; gi < 2; gi++)
        for (int kind = 0; kind < 2; kind++) {
            nn_geom *g = &gs[gi];
            size_t nx = (size_t)g->c_in * g->n * g->h_in * g->w_in, ny = (size_t)g->c_in * g->n * g->h_out * g->w_out;
            float *x = randv(nx, -1, 1), *dy = randv(ny, -1, 1), *y_cpu = zeros(ny), *y_gpu = zeros(ny);
            float *dx_cpu = zeros(nx), *dx_gpu = zeros(nx);
            if (kind == NN_POOL_MAX) x[3] = x[4] = x[g->w_in + 3];   /* ties: the first maximum wins */
            cpu->pool_fwd((nn_pool_kind)kind, g, x, y_cpu);
            cpu->pool_bwd((nn_pool_kind)kind, g, x, y_cpu, dy, dx_cpu);
            for (size_t i = 0; i < ny; i++) y_gpu[i] = nn_k_pool_fwd((nn_pool_kind)kind, g, x, i);
            for (size_t i = 0; i < nx; i++) dx_gpu[i] = nn_k_pool_bwd((nn_pool_kind)kind, g, x, dy, i);
            CHECK(rel_err(y_gpu, y_cpu, ny) < TOL, "pool %d/%d forward", gi, kind);
            CHECK(rel_err(dx_gpu, dx_cpu, nx) < TOL, "pool %d/%d backward differs by %g", gi, kind, rel_err(dx_gpu, dx_cpu, nx));
            free(x); free(dy); free(y_cpu); free(y_gpu); free(dx_cpu); free(dx_gpu);
        }
    int c = 5, n = 3, hw = 7;
    size_t nx = (size_t)c * n * hw;
    float *x = randv(nx, -1, 1), *y_cpu = zeros(nx), *y_gpu = zeros(nx), *back = zeros(nx);
    cpu->flatten_fwd(c, n, hw, x, y_cpu);
    for (size_t i = 0; i < nx; i++) y_gpu[i] = x[nn_k_flat_src(c, n, hw, i)];
    for (size_t i = 0; i < nx; i++) back[nn_k_flat_src(c, n, hw, i)] = y_gpu[i];
    CHECK(!memcmp(y_gpu, y_cpu, nx * sizeof *x), "flatten forward");
    CHECK(!memcmp(back, x, nx * sizeof *x), "flatten backward is not the inverse");
    cpu->gap_fwd(c, n, hw, x, y_cpu);
    for (int b = 0; b < n; b++)     /* k_gap_fwd's loop */
        for (int ch = 0; ch < c; ch++) {
            double s = 0;
            for (int k = 0; k < hw; k++) s += x[((size_t)ch * n + b) * hw + k];
            y_gpu[(size_t)b * c + ch] = (float)(s / hw);
        }
    CHECK(rel_err(y_gpu, y_cpu, (size_t)n * c) < TOL, "global average pool");
    free(x); free(y_cpu); free(y_gpu); free(back);
}

/* k_bn_fwd and k_bn_bwd: the moments and the per-element formulas of one block. */
static void test_batch_norm(void)
{
    const nn_backend *cpu = nn_backend_cpu();
    int C = 4;
    size_t m = 300;
    float *x = randv(C * m, 2, 5), *gamma = randv(C, 0.5f, 1.5f), *beta = randv(C, -1, 1), *dy = randv(C * m, -1, 1);
    for (int train = 0; train < 2; train++)
        for (int relu = 0; relu < 2; relu++) {
            float rm_c[4] = {0.1f, 0.2f, 0.3f, 0.4f}, rv_c[4] = {1, 2, 0.5f, 1}, rm_g[4], rv_g[4];
            memcpy(rm_g, rm_c, sizeof rm_c);
            memcpy(rv_g, rv_c, sizeof rv_c);
            float save_c[8], save_g[8], *y_c = zeros(C * m), *y_g = zeros(C * m);
            cpu->bn_fwd(C, m, x, gamma, beta, rm_c, rv_c, 0.1f, 1e-5f, train, save_c, y_c, relu);
            for (int ch = 0; ch < C; ch++) {
                const float *xc = x + ch * m;
                float mean, invstd;
                if (train) {
                    double s1 = 0, s2 = 0, mu, var, unb;
                    for (size_t i = 0; i < m; i++) { float d = xc[i] - xc[0]; s1 += d; s2 += d * d; }
                    nn_k_bn_moments(s1, s2, m, xc[0], &mu, &var, &unb);
                    mean = (float)mu;
                    invstd = (float)(1.0 / sqrt(var + 1e-5f));
                    rm_g[ch] = 0.9f * rm_g[ch] + 0.1f * (float)mu;
                    rv_g[ch] = 0.9f * rv_g[ch] + 0.1f * (float)unb;
                } else {
                    mean = rm_g[ch];
                    invstd = (float)(1.0 / sqrt((double)rv_g[ch] + 1e-5f));
                }
                save_g[ch] = mean;
                save_g[C + ch] = invstd;
                for (size_t i = 0; i < m; i++) y_g[ch * m + i] = nn_k_bn_affine(xc[i], mean, gamma[ch] * invstd, beta[ch], relu);
            }
            CHECK(rel_err(y_g, y_c, C * m) < TOL, "train %d relu %d: forward differs by %g", train, relu, rel_err(y_g, y_c, C * m));
            CHECK(rel_err(rm_g, rm_c, C) < TOL && rel_err(rv_g, rv_c, C) < TOL, "running stats");
            CHECK(rel_err(save_g, save_c, 2 * C) < TOL, "saved mean and 1/std");
            float *dy_c = malloc(C * m * sizeof *dy_c), *dy_g = malloc(C * m * sizeof *dy_g);
            memcpy(dy_c, dy, C * m * sizeof *dy);
            memcpy(dy_g, dy, C * m * sizeof *dy);
            float *dx_c = zeros(C * m), *dx_g = zeros(C * m), dg_c[4] = {0}, db_c[4] = {0}, dg_g[4] = {0}, db_g[4] = {0};
            cpu->bn_bwd(C, m, x, gamma, beta, save_c, train, y_c, dy_c, dx_c, dg_c, db_c, relu);
            for (int ch = 0; ch < C; ch++) {         /* k_bn_bwd's arithmetic */
                size_t off = ch * m;
                float mean = save_g[ch], invstd = save_g[C + ch];
                double a = 0, b = 0;
                for (size_t i = 0; i < m; i++) {
                    float d = relu ? nn_relu_grad(y_g[off + i], dy_g[off + i]) : dy_g[off + i];
                    dy_g[off + i] = d;
                    a += d;
                    b += d * (x[off + i] - mean);
                }
                dg_g[ch] += (float)(b * invstd);
                db_g[ch] += (float)a;
                float k = gamma[ch] * invstd, am = train ? (float)(a / m) : 0, q = train ? (float)(b * invstd * invstd / m) : 0;
                for (size_t i = 0; i < m; i++) dx_g[off + i] = k * (dy_g[off + i] - am - (x[off + i] - mean) * q);
            }
            CHECK(rel_err(dx_g, dx_c, C * m) < 1e-5, "train %d relu %d: dx differs by %g", train, relu, rel_err(dx_g, dx_c, C * m));
            CHECK(rel_err(dg_g, dg_c, C) < 1e-5 && rel_err(db_g, db_c, C) < 1e-5, "dgamma, dbeta");
            free(y_c); free(y_g); free(dy_c); free(dy_g); free(dx_c); free(dx_g);
        }
    free(x); free(gamma); free(beta); free(dy);
}

static void test_loss_metrics(void)
{
    const nn_backend *cpu = nn_backend_cpu();
    int n = 9, k = 4, labels[9] = {0, 1, 2, 3, 1, 1, 0, 3, 2};
    float *z = randv((size_t)n * k, -3, 3), w[4] = {0.5f, 2, 1, 1.5f};
    float *d_c = zeros((size_t)n * k), *d_g = zeros((size_t)n * k);
    for (int variant = 0; variant < 4; variant++) {
        const float *cw = variant & 1 ? w : NULL;
        float smoothing = variant >= 2 ? 0.1f : 0.0f, gamma = variant == 3 ? 2.0f : 0.0f;
        double l_c = cpu->xent(n, k, z, labels, cw, smoothing, gamma, 0.5f, d_c), wsum = 0, t = 0;
        for (int i = 0; i < n; i++) wsum += cw ? cw[labels[i]] : 1.0;
        for (int i = 0; i < n; i++) t += nn_xent_sample(k, z + i * k, labels[i], cw, smoothing, gamma, 0.5f, wsum, d_g + i * k);
        CHECK_REL(t / wsum, l_c, 1e-12);
        CHECK(rel_err(d_g, d_c, (size_t)n * k) < 1e-7, "variant %d: dlogits", variant);
    }
    nn_metrics mt;
    nn_metrics_init(&mt, k, NULL);
    z[1] = z[2] = z[0] + 1;     /* a tie: the first maximum */
    nn_metrics_add(&mt, z, labels, n);
    long counts[16] = {0};
    for (int i = 0; i < n; i++) counts[labels[i] * k + nn_k_argmax(z + i * k, k)]++;
    CHECK(!memcmp(counts, mt.confusion, sizeof counts), "confusion counts");
    nn_metrics_release(&mt);
    CHECK(nn_k_clip_coef(10.0, 1.0) < 0.1f && nn_k_clip_coef(0.5, 1.0) == 1.0f, "clip coefficient");
    free(z); free(d_c); free(d_g);
}

static void test_update(void)
{
    const nn_backend *cpu = nn_backend_cpu();
    size_t n = 1000;
    for (int kind = 0; kind < 3; kind++)
        for (int first = 0; first < 2; first++) {
            nn_update_args a = {kind, 0.01f, 0.9f, 0.0f, 0.01f, 0.9f, 0.999f, 1e-8f, kind == 0, first, 0.19f, 0.0447f, 0.1f, 0.001f};
            float *p = randv(n, -1, 1), *g = randv(n, -1, 1), *s1 = randv(n, -1, 1), *s2 = randv(n, 0, 1);
            float *p2 = malloc(n * 4), *s12 = malloc(n * 4), *s22 = malloc(n * 4);
            memcpy(p2, p, n * 4); memcpy(s12, s1, n * 4); memcpy(s22, s2, n * 4);
            cpu->update(&a, n, p, g, s1, s2);
            for (size_t i = 0; i < n; i++) nn_k_update(&a, p2 + i, g[i], s12 + i, s22 + i);
            CHECK(!memcmp(p, p2, n * 4) && !memcmp(s1, s12, n * 4), "optimizer %d first %d", kind, first);
            free(p); free(g); free(s1); free(s2); free(p2); free(s12); free(s22);
        }
}

/* ---- the data path --------------------------------------------------------------------------- */

enum { CLIPS = 24, FRAMES = 30, MELS = 16, BATCH = 5, NOISE_FRAMES = 47 };

/* k_gather, k_gain, k_log and k_mfcc of one batch, on the host. */
static void emulate_batch(const audio_cache *c, const nn_clip_plan *plan, const int32_t *masks, int tm, int fm,
                          const nn_noise *noise, const trainer_data *d, int n, float *x, int *labels)
{
    size_t clip_n = (size_t)FRAMES * MELS;
    float *power = zeros((size_t)n * clip_n), *gain = zeros((size_t)n);
    for (int b = 0; b < n; b++) {
        labels[b] = c->labels[plan[b].clip];
        for (size_t i = 0; i < clip_n; i++)
            power[b * clip_n + i] = nn_k_gather(c->features, FRAMES, MELS, plan[b].clip, plan[b].shift, (int)(i / MELS), (int)(i % MELS));
        if (plan[b].noise < 0) continue;
        double pc = 0, pn = 0;
        for (size_t i = 0; i < clip_n; i++) pc += power[b * clip_n + i];
        for (size_t i = 0; i < clip_n; i++)
            pn += nn_k_noise_at(noise->power, noise->frames, MELS, plan[b].noise_start, (int)(i / MELS), (int)(i % MELS));
        gain[b] = nn_noise_gain(pc, pn, plan[b].snr_db);
    }
    for (int b = 0; b < n; b++)
        for (size_t i = 0; i < clip_n; i++) {
            int t = (int)(i / MELS), f = (int)(i % MELS), s = plan[b].noise;
            float nz = s >= 0 ? nn_k_noise_at(noise->power, noise->frames, MELS, plan[b].noise_start, t, f) : 0.0f;
            float v = nn_k_log_power(power[b * clip_n + i], nz, s >= 0 ? gain[b] : 0.0f, s >= 0);
            if (d->transform == TRAINER_MFCC) { power[b * clip_n + i] = v; continue; }
            int masked = nn_k_masked(masks + (size_t)b * 2 * (tm + fm), tm, fm, t, f);
            x[b * clip_n + i] = masked ? 0.0f : nn_k_standardize(v, d->mean[f], d->inv_std[f]);
        }
    if (d->transform == TRAINER_MFCC)
        for (int b = 0; b < n; b++)
            for (int t = 0; t < FRAMES; t++)
                for (int k = 0; k < d->n_feat; k++) {
                    float v = audio_mfcc_coef(power + b * clip_n + (size_t)t * MELS, d->dct, k, MELS, d->n_feat);
                    int masked = nn_k_masked(masks + (size_t)b * 2 * (tm + fm), tm, fm, t, k);
                    x[((size_t)b * FRAMES + t) * d->n_feat + k] = masked ? 0.0f : nn_k_standardize(v, d->mean[k], d->inv_std[k]);
                }
    free(power);
    free(gain);
}

static void data_path(trainer_transform tf, const nn_augment_config *aug)
{
    audio_cache c;
    memset(&c, 0, sizeof c);
    float *feat = randv((size_t)CLIPS * FRAMES * MELS, 0, 2), *noise_p = randv((size_t)NOISE_FRAMES * MELS, 0, 0.5f);
    int32_t labels[CLIPS];
    int order[CLIPS];
    for (int i = 0; i < CLIPS; i++) { labels[i] = i % 3; order[i] = (i * 7) % CLIPS; }
    c.n_clips = CLIPS; c.n_frames = FRAMES; c.n_mels = MELS; c.n_classes = 3;
    c.features = feat; c.labels = labels;
    nn_noise noise = {noise_p, NOISE_FRAMES, MELS};
    size_t noise_frames = NOISE_FRAMES;
    trainer_data d;
    ws_err e = {0};
    CHECK(!trainer_data_init(&d, &c, tf, tf == TRAINER_MFCC ? 10 : 0, order, CLIPS, BATCH, &e), "%s", e.msg);
    if (test_why[0]) return;
    int nb = (CLIPS + BATCH - 1) / BATCH, tm, fm;
    uint64_t seeds[8];
    int streams[8];
    for (int b = 0; b < nb; b++) { seeds[b] = ws_seed_mix(99, (uint64_t)b); streams[b] = b == 2 ? -1 : 0; }
    nn_augment_mask_counts(aug, &tm, &fm);
    nn_clip_plan plan[CLIPS];
    int32_t *masks = calloc((size_t)CLIPS * 2 * (tm + fm) + 1, sizeof *masks);
    nn_cuda_plan_draw(aug, order, CLIPS, BATCH, seeds, streams, &noise_frames, FRAMES, d.n_feat, plan, masks);
    size_t per = (size_t)FRAMES * d.n_feat;
    float *x_c = zeros(BATCH * per), *x_g = zeros(BATCH * per);
    int y_c[BATCH], y_g[BATCH], mixed = 0, shifted = 0;
    for (int b = 0; b < nb; b++) {
        int start = b * BATCH, n = CLIPS - start < BATCH ? CLIPS - start : BATCH;
        CHECK(!trainer_data_batch(&d, order + start, n, aug, streams[b] >= 0 ? &noise : NULL, seeds[b], x_c, y_c, &e), "%s", e.msg);
        emulate_batch(&c, plan + start, masks + (size_t)start * 2 * (tm + fm), tm, fm, &noise, &d, n, x_g, y_g);
        for (int i = 0; i < n; i++) { mixed += plan[start + i].noise >= 0; shifted += plan[start + i].shift != 0; }
        CHECK(!memcmp(y_c, y_g, (size_t)n * sizeof *y_c), "batch %d: labels", b);
        CHECK(!memcmp(x_c, x_g, (size_t)n * per * sizeof *x_c), "batch %d: features differ (relative %g)", b,
              rel_err(x_g, x_c, (size_t)n * per));
    }
    if (aug->noise_prob > 0) CHECK(mixed > 0 && mixed < CLIPS, "noise mixed into %d of %d clips", mixed, CLIPS);
    if (aug->time_shift > 0) CHECK(shifted > 0, "no clip was shifted");
    trainer_data_release(&d);
    free(feat); free(noise_p); free(masks); free(x_c); free(x_g);
}

static void test_data_logmel_augmented(void)
{
    nn_augment_config a = {0.6, 0, 15, 4, 2, 5, 2, 3};
    data_path(TRAINER_LOGMEL, &a);
}

static void test_data_mfcc_augmented(void)
{
    nn_augment_config a = {0.5, -5, 10, 3, 1, 4, 1, 2};
    data_path(TRAINER_MFCC, &a);
}

static void test_data_plain(void)
{
    nn_augment_config a = {0};
    data_path(TRAINER_LOGMEL, &a);
}

int main(void)
{
    ws_rng_seed(&rng, 20240531);
    nn_set_threads(1, 0);
    RUN(test_conv_im2col);
    RUN(test_depthwise);
    RUN(test_pool_gap_flatten);
    RUN(test_batch_norm);
    RUN(test_loss_metrics);
    RUN(test_update);
    RUN(test_data_logmel_augmented);
    RUN(test_data_mfcc_augmented);
    RUN(test_data_plain);
    return test_summary();
}
