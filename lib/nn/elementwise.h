/* elementwise.h — the per-element math of training, written once for every backend: activations,
 * the dropout mask, the optimizer update rules (torch.optim's formulas, step for step), the terms
 * of the classification loss, the pooling window's maximum and the noise mix of augmentation.
 * Everything is a static inline function marked WS_HD, which is nothing in C and
 * `__host__ __device__` under nvcc, so the CPU backend's loops and the CUDA backend's kernels
 * call the same code and the CPU tests cover it.
 * No state, no allocation, no libc beyond <math.h> (and <float.h>'s limits). */
#ifndef WS_NN_ELEMENTWISE_H
#define WS_NN_ELEMENTWISE_H
#include <float.h>
#include <math.h>
#include <stdint.h>
#include "nn/backend.h"

#ifdef __CUDACC__
#define WS_HD __host__ __device__
#else
#define WS_HD
#endif

/* ---- activations ---------------------------------------------------------------------------- */

/* torch's: NaN and -0 come through (a NaN reaches the loss, which fails the trial, rather than
 * training on as zeros); max(0, x) in SIMD, whose second operand wins on NaN and on zeros. */
static inline WS_HD float nn_relu(float x) { return x < 0.0f ? 0.0f : x; }
/* Gradient through ReLU from its output y, masked where y <= 0 (torch's threshold_backward, so
 * a NaN output passes its gradient). */
static inline WS_HD float nn_relu_grad(float y, float dy) { return y <= 0.0f ? 0.0f : dy; }

/* ---- counter-based random numbers ------------------------------------------------------------ */

/* splitmix64's finalizer: a bijective mix of 64 bits. */
static inline WS_HD uint64_t nn_hash64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* A uniform float in [0, 1) that depends only on (seed, i): element i of a dropout mask can be
 * drawn by any thread of any backend in any order and the mask is the same. 24 bits. */
static inline WS_HD float nn_uniform_at(uint64_t seed, uint64_t i)
{
    return (float)(nn_hash64(seed ^ nn_hash64(i)) >> 40) * 0x1.0p-24f;
}

/* Inverted dropout: element i is kept with probability 1 - p and then scaled by 1 / (1 - p),
 * so the expectation is unchanged and evaluation needs no rescaling. p = 1 zeroes every
 * element, as torch's F.dropout: the uniform draw is below 1, so 1 / 0 is never taken. */
static inline WS_HD float nn_dropout_factor(uint64_t seed, uint64_t i, float p)
{
    return nn_uniform_at(seed, i) < p ? 0.0f : 1.0f / (1.0f - p);
}

/* ---- optimizer updates (torch.optim semantics) ---------------------------------------------- */

/* torch.optim.SGD, one element. buf is the momentum buffer; `first` is true on the first step,
 * where torch initialises the buffer with the gradient itself (not with dampening). */
static inline WS_HD void nn_sgd_update(float *p, float g, float *buf, float lr, float momentum,
                                       float dampening, float weight_decay, int nesterov, int first)
{
    float d = g;
    if (weight_decay != 0.0f) d += weight_decay * *p;
    if (momentum != 0.0f) {
        float b = first ? d : momentum * *buf + (1.0f - dampening) * d;
        *buf = b;
        d = nesterov ? d + momentum * b : b;
    }
    *p -= lr * d;
}

/* torch.optim.Adam (decoupled = 0: weight decay as L2 added to the gradient) and torch.optim.AdamW
 * (decoupled = 1: the parameter shrinks by lr * weight_decay before the step). bc1 = 1 - beta1^t,
 * bc2_sqrt = sqrt(1 - beta2^t) for the step number t counted from 1, as torch computes them;
 * omb1 = 1 - beta1 and omb2 = 1 - beta2 are the caller's, taken in double as torch takes them
 * (1.0f - beta2 is 0 for a beta2 of 0.99999999, and v then stayed 0). */
static inline WS_HD void nn_adam_update(float *p, float g, float *m, float *v, float lr, float beta1,
                                        float beta2, float omb1, float omb2, float eps, float weight_decay,
                                        int decoupled, float bc1, float bc2_sqrt)
{
    if (decoupled) *p *= 1.0f - lr * weight_decay;
    else if (weight_decay != 0.0f) g += weight_decay * *p;
    float mm = beta1 * *m + omb1 * g;
    float vv = beta2 * *v + omb2 * g * g;
    *m = mm;
    *v = vv;
    float denom = sqrtf(vv) / bc2_sqrt + eps;
    *p -= (lr / bc1) * (mm / denom);
}

/* ---- classification loss terms ---------------------------------------------------------------- */

/* The focal term of one class with log-probability logp: loss = -(1 - p)^gamma log p, and
 * p * dloss/dp (what the softmax chain rule needs: dloss/dz_j = h_j - p_j sum_c h_c with
 * h_c = a_c p_c g'(p_c)). gamma = 0 gives cross-entropy: loss = -log p, p g'(p) = -1.
 * 1 - p is taken as -expm1(logp), accurate when p is close to 1. */
static inline WS_HD void nn_focal_term(double logp, double gamma, double *loss, double *p_dloss_dp)
{
    if (gamma == 0.0) {
        *loss = -logp;
        *p_dloss_dp = -1.0;
        return;
    }
    double p = exp(logp), q = -expm1(logp);
    double qg = pow(q, gamma);
    *loss = -qg * logp;
    *p_dloss_dp = (q > 0.0 ? gamma * pow(q, gamma - 1.0) * p * logp : 0.0) - qg;
}

/* One sample's part of the batch's cross-entropy (before dividing by wsum, the sum of the batch's
 * label weights) and its row of dlogits, times scale: coefficients a_c = (1 - s) w_y [c = y] +
 * (s / k) w_c (torch's label smoothing with class weights), loss = sum_c a_c f(p_c) with f the
 * focal term. z and dz point at the sample's row of k logits. */
static inline WS_HD double nn_xent_sample(int k, const float *z, int y, const float *class_w, float smoothing,
                                          float gamma, float scale, double wsum, float *dz)
{
    double mx = z[0], se = 0, total = 0, hsum = 0;
    for (int c = 1; c < k; c++) if (z[c] > mx) mx = z[c];
    for (int c = 0; c < k; c++) se += exp(z[c] - mx);
    double lse = mx + log(se), wy = class_w ? class_w[y] : 1.0;
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
    return total;
}

/* ---- augmentation ------------------------------------------------------------------------------ */

/* Mixing in the linear power domain: powers of uncorrelated signals add. gain = 10^(-snr/10) *
 * P_clean / P_noise makes the noise's mean power snr dB below the clean clip's. */
static inline WS_HD float nn_noise_mix(float clean, float noise, float gain) { return clean + noise * gain; }
/* That gain from the clip's and the noise segment's summed power (the lengths cancel in the
 * means); 0 for silent noise: nothing is mixed. At most a float's largest: near-silent noise (a
 * float file's, 1e-30 in power) at a low SNR asked for more, and the Inf made every value of
 * the clip Inf, where the mix itself fits (mixed at that gain, the noise is then quieter than asked). */
static inline WS_HD float nn_noise_gain(double clip_sum, double noise_sum, double snr_db)
{
    if (!(noise_sum > 0)) return 0.0f;
    double g = pow(10.0, -snr_db / 10.0) * clip_sum / noise_sum;
    return g < FLT_MAX ? (float)g : FLT_MAX;
}

/* Whether max pooling's scan takes v over the best so far: a larger value, or a NaN (torch's
 * rule: a window holding a NaN pools to NaN, its gradient going to the last NaN). */
static inline WS_HD int nn_pool_takes(float v, float best) { return v > best || v != v; }

/* Offset within the plane xp of the first maximum of pooling window (oh, ow) (the last NaN if
 * it holds one): both backends scan in this order, so ties pick the same element. */
static inline WS_HD size_t nn_window_argmax(const nn_geom *g, const float *xp, int oh, int ow)
{
    size_t best = (size_t)oh * g->sh * g->w_in + (size_t)ow * g->sw;
    float bv = xp[best];
    for (int i = 0; i < g->kh; i++)
        for (int j = 0; j < g->kw; j++) {
            size_t k = (size_t)(oh * g->sh + i) * g->w_in + (size_t)(ow * g->sw + j);
            if (nn_pool_takes(xp[k], bv)) { bv = xp[k]; best = k; }
        }
    return best;
}

#endif
