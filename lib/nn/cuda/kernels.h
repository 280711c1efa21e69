/* kernels.h — the body of every CUDA kernel of the backend, as functions of one element (or one
 * sample, one reduction term) that compile for host and device (WS_HD). A kernel in
 * backend.cu / data.cu is a grid-stride loop (or a block reduction) around one of these, so
 * tests/gpu/test_cuda_host.c runs the same bodies on the host, here, without a GPU, and checks
 * them against the CPU backend and the CPU data path. What only a GPU can check is the loop
 * around them: launch geometry, block reductions, cuBLAS calls (tests/gpu/test_cuda_gpu.c).
 *
 * Layouts are nn/backend.h's: convolutional activations CNHW x[c][n][h][w], flat ones [n][f].
 * Sums over one element's inputs run in the CPU backend's order, so most results match it
 * exactly up to fused multiply-adds. Plain C: included by gcc (tests) and nvcc. */
#ifndef WS_NN_CUDA_KERNELS_H
#define WS_NN_CUDA_KERNELS_H
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "audio/transform_math.h"
#include "nn/backend.h"
#include "nn/cuda/api.h"
#include "nn/elementwise.h"

/* ---- convolution ------------------------------------------------------------------------------ */

/* Element idx of the im2col matrix cols [c_in kh kw][nb P] (P = h_out w_out) of samples
 * [b0, b0 + nb): row (c, i, j), column (b, oh, ow) holds x[c][b0 + b][oh sh - ph + i][ow sw - pw + j]
 * or 0 in the padding. */
static inline WS_HD float nn_k_im2col(const nn_geom *g, const float *x, int b0, int nb, size_t idx)
{
    size_t P = (size_t)g->h_out * g->w_out, ncol = (size_t)nb * P;
    size_t row = idx / ncol, col = idx % ncol;
    int j = (int)(row % (size_t)g->kw), i = (int)(row / (size_t)g->kw % (size_t)g->kh);
    int c = (int)(row / ((size_t)g->kw * g->kh)), b = (int)(col / P);
    int oh = (int)(col % P / (size_t)g->w_out), ow = (int)(col % P % (size_t)g->w_out);
    int ih = oh * g->sh - g->ph + i, iw = ow * g->sw - g->pw + j;
    if (ih < 0 || ih >= g->h_in || iw < 0 || iw >= g->w_in) return 0.0f;
    return x[(((size_t)c * g->n + b0 + b) * g->h_in + ih) * g->w_in + iw];
}

/* Output position o along one axis that tap t reads input position in from, or -1:
 * o s - p + t = in. */
static inline WS_HD int nn_k_tap_out(int in, int t, int s, int p, int n_out)
{
    int a = in + p - t;
    if (a < 0 || a % s) return -1;
    return a / s < n_out ? a / s : -1;
}

/* The adjoint of im2col, gathered: element idx of dx for samples [b0, b0 + nb), indexed
 * [c][b][ih][iw] within the chunk, is the sum of the column entries read from it, taps in
 * (i, j) order. *at receives its offset in the whole CNHW dx. */
static inline WS_HD float nn_k_col2im(const nn_geom *g, const float *dcols, int b0, int nb, size_t idx, size_t *at)
{
    size_t P = (size_t)g->h_out * g->w_out, ncol = (size_t)nb * P, plane = (size_t)g->h_in * g->w_in;
    int iw = (int)(idx % (size_t)g->w_in), ih = (int)(idx / (size_t)g->w_in % (size_t)g->h_in);
    int b = (int)(idx / plane % (size_t)nb), c = (int)(idx / plane / (size_t)nb);
    *at = ((size_t)c * g->n + b0 + b) * plane + (size_t)ih * g->w_in + iw;
    float s = 0.0f;
    for (int i = 0; i < g->kh; i++) {
        int oh = nn_k_tap_out(ih, i, g->sh, g->ph, g->h_out);
        if (oh < 0) continue;
        for (int j = 0; j < g->kw; j++) {
            int ow = nn_k_tap_out(iw, j, g->sw, g->pw, g->w_out);
            if (ow < 0) continue;
            size_t row = ((size_t)c * g->kh + i) * g->kw + j;
            s += dcols[row * ncol + (size_t)b * P + (size_t)oh * g->w_out + ow];
        }
    }
    return s;
}

/* Depthwise convolution, element idx of y [c][n][h_out][w_out]; w [c][kh][kw]. */
static inline WS_HD float nn_k_dw_fwd(const nn_geom *g, const float *x, const float *w, size_t idx)
{
    size_t P = (size_t)g->h_out * g->w_out;
    int ow = (int)(idx % (size_t)g->w_out), oh = (int)(idx / (size_t)g->w_out % (size_t)g->h_out);
    size_t cb = idx / P;                        /* c n + b */
    int c = (int)(cb / (size_t)g->n);
    const float *xp = x + cb * g->h_in * g->w_in, *wc = w + (size_t)c * g->kh * g->kw;
    float s = 0.0f;
    for (int i = 0; i < g->kh; i++) {
        int ih = oh * g->sh - g->ph + i;
        if (ih < 0 || ih >= g->h_in) continue;
        for (int j = 0; j < g->kw; j++) {
            int iw = ow * g->sw - g->pw + j;
            if (iw >= 0 && iw < g->w_in) s += wc[i * g->kw + j] * xp[(size_t)ih * g->w_in + iw];
        }
    }
    return s;
}

/* Depthwise input gradient, element idx of dx [c][n][h_in][w_in]. */
static inline WS_HD float nn_k_dw_dx(const nn_geom *g, const float *w, const float *dy, size_t idx)
{
    size_t plane = (size_t)g->h_in * g->w_in;
    int iw = (int)(idx % (size_t)g->w_in), ih = (int)(idx / (size_t)g->w_in % (size_t)g->h_in);
    size_t cb = idx / plane;
    int c = (int)(cb / (size_t)g->n);
    const float *dyp = dy + cb * g->h_out * g->w_out, *wc = w + (size_t)c * g->kh * g->kw;
    float s = 0.0f;
    for (int i = 0; i < g->kh; i++) {
        int oh = nn_k_tap_out(ih, i, g->sh, g->ph, g->h_out);
        if (oh < 0) continue;
        for (int j = 0; j < g->kw; j++) {
            int ow = nn_k_tap_out(iw, j, g->sw, g->pw, g->w_out);
            if (ow >= 0) s += wc[i * g->kw + j] * dyp[(size_t)oh * g->w_out + ow];
        }
    }
    return s;
}

/* Term e (over the n h_out w_out outputs of channel c) of the weight gradient of tap (i, j):
 * dy[c][b][oh][ow] x[c][b][oh sh - ph + i][ow sw - pw + j], 0 in the padding. */
static inline WS_HD float nn_k_dw_dw_term(const nn_geom *g, const float *x, const float *dy, int c, int i, int j, size_t e)
{
    size_t P = (size_t)g->h_out * g->w_out;
    int b = (int)(e / P), oh = (int)(e % P / (size_t)g->w_out), ow = (int)(e % P % (size_t)g->w_out);
    int ih = oh * g->sh - g->ph + i, iw = ow * g->sw - g->pw + j;
    if (ih < 0 || ih >= g->h_in || iw < 0 || iw >= g->w_in) return 0.0f;
    size_t cb = (size_t)c * g->n + b;
    return dy[cb * P + e % P] * x[(cb * g->h_in + ih) * g->w_in + iw];
}

/* ---- pooling (kernel = stride), global pooling, flatten ----------------------------------------- */

/* Element idx of y [c][n][h_out][w_out]. */
static inline WS_HD float nn_k_pool_fwd(nn_pool_kind kind, const nn_geom *g, const float *x, size_t idx)
{
    size_t P = (size_t)g->h_out * g->w_out;
    int ow = (int)(idx % (size_t)g->w_out), oh = (int)(idx / (size_t)g->w_out % (size_t)g->h_out);
    const float *xp = x + idx / P * g->h_in * g->w_in;
    if (kind == NN_POOL_MAX) return xp[nn_window_argmax(g, xp, oh, ow)];
    float s = 0.0f, inv = 1.0f / (float)(g->kh * g->kw);
    for (int i = 0; i < g->kh; i++)
        for (int j = 0; j < g->kw; j++) s += xp[(size_t)(oh * g->sh + i) * g->w_in + (size_t)(ow * g->sw + j)];
    return s * inv;
}

/* Element idx of dx [c][n][h_in][w_in]: windows do not overlap, so each input has at most one. */
static inline WS_HD float nn_k_pool_bwd(nn_pool_kind kind, const nn_geom *g, const float *x, const float *dy, size_t idx)
{
    size_t plane = (size_t)g->h_in * g->w_in;
    int iw = (int)(idx % (size_t)g->w_in), ih = (int)(idx / (size_t)g->w_in % (size_t)g->h_in);
    int oh = ih / g->sh, ow = iw / g->sw;
    if (oh >= g->h_out || ow >= g->w_out || ih - oh * g->sh >= g->kh || iw - ow * g->sw >= g->kw) return 0.0f;
    size_t p = idx / plane;
    float d = dy[p * g->h_out * g->w_out + (size_t)oh * g->w_out + ow];
    if (kind == NN_POOL_AVG) return d * (1.0f / (float)(g->kh * g->kw));
    return nn_window_argmax(g, x + p * plane, oh, ow) == idx % plane ? d : 0.0f;
}

/* CNHW offset of element idx of the flat [n][c hw] layout. */
static inline WS_HD size_t nn_k_flat_src(int c, int n, int hw, size_t idx)
{
    size_t per = (size_t)c * hw, b = idx / per, ch = idx % per / (size_t)hw, i = idx % (size_t)hw;
    return (ch * (size_t)n + b) * (size_t)hw + i;
}

/* ---- batch norm ---------------------------------------------------------------------------------- */

/* Batch statistics of a channel of m values from s1 = sum (x - shift), s2 = sum (x - shift)^2,
 * as the CPU computes them: biased variance for normalising, unbiased for the running stats. */
static inline WS_HD void nn_k_bn_moments(double s1, double s2, size_t m, float shift, double *mean, double *var,
                                         double *unbiased)
{
    double d = s1 / (double)m, ss = s2 - (double)m * d * d;
    if (ss < 0) ss = 0;
    *mean = shift + d;
    *var = ss / (double)m;
    *unbiased = m > 1 ? ss / (double)(m - 1) : *var;
}

static inline WS_HD float nn_k_bn_affine(float x, float mean, float k, float b, int relu)
{
    float y = (x - mean) * k + b;
    return relu ? nn_relu(y) : y;
}

/* ---- loss, metrics, optimizer -------------------------------------------------------------------- */

/* The predicted class: the first maximum, as nn_metrics_add. */
static inline WS_HD int nn_k_argmax(const float *z, int k)
{
    int best = 0;
    for (int c = 1; c < k; c++) if (z[c] > z[best]) best = c;
    return best;
}

/* 1 when every logit of a row is a number (no NaN, no infinity): a row that is not has no
 * prediction (its argmax is the first class whatever it holds), and its trial has diverged. */
static inline WS_HD int nn_k_row_finite(const float *z, int k)
{
    for (int c = 0; c < k; c++) if (!isfinite(z[c])) return 0;
    return 1;
}

/* torch.nn.utils.clip_grad_norm_'s factor for a gradient of norm `norm`: 1 when it is short
 * enough. */
static inline WS_HD float nn_k_clip_coef(double norm, double max_norm)
{
    double coef = max_norm / (norm + 1e-6);
    return coef < 1 ? (float)coef : 1.0f;
}

/* One parameter of the fused optimizer step (nn_update_args as the CPU backend reads them). */
static inline WS_HD void nn_k_update(const nn_update_args *a, float *p, float g, float *s1, float *s2)
{
    if (a->kind == NN_OPT_SGD)
        nn_sgd_update(p, g, s1, a->lr, a->momentum, a->dampening, a->weight_decay, a->nesterov, a->first);
    else
        nn_adam_update(p, g, s1, s2, a->lr, a->beta1, a->beta2, a->omb1, a->omb2, a->eps, a->weight_decay,
                       a->kind == NN_OPT_ADAMW, a->bc1, a->bc2_sqrt);
}

/* ---- the data path --------------------------------------------------------------------------------- */

/* Frame t, band f of clip `clip` shifted by `shift` frames (zero filled), from the cache's
 * features [clips][frames][mels]. */
static inline WS_HD float nn_k_gather(const float *features, int frames, int mels, int32_t clip, int shift, int t, int f)
{
    int src = t - shift;
    if (src < 0 || src >= frames) return 0.0f;
    return features[((size_t)clip * frames + (size_t)src) * mels + (size_t)f];
}

/* Noise power of frame t, band f of a segment starting at `start` of a stream [frames][mels]. */
static inline WS_HD float nn_k_noise_at(const float *stream, uint64_t frames, int mels, uint64_t start, int t, int f)
{
    return stream[((start + (uint64_t)t) % frames) * (uint64_t)mels + (uint64_t)f];
}

/* Whether feature (t, f) falls in one of the clip's SpecAugment masks: masks holds tm
 * (start, width) pairs over frames, then fm over features. */
static inline WS_HD int nn_k_masked(const int32_t *masks, int tm, int fm, int t, int f)
{
    for (int k = 0; k < tm; k++)
        if (t >= masks[2 * k] && t < masks[2 * k] + masks[2 * k + 1]) return 1;
    for (int k = tm; k < tm + fm; k++)
        if (f >= masks[2 * k] && f < masks[2 * k] + masks[2 * k + 1]) return 1;
    return 0;
}

/* Log-mel of one power value, with the noise mixed in when gain is not 0. */
static inline WS_HD float nn_k_log_power(float p, float noise, float gain, int has_noise)
{
    return audio_log_power(has_noise ? nn_noise_mix(p, noise, gain) : p, AUDIO_LOG_EPS);
}

static inline WS_HD float nn_k_standardize(float v, float mean, float inv_std) { return (v - mean) * inv_std; }

#endif
