/* backend.h — the table of operations a compute backend provides (after ggml's
 * ggml-backend-impl.h): memory, the layer kernels forward and backward, the loss, and the fused
 * optimizer update. The model code (model.c) only calls through this table, so a backend that
 * keeps its tensors elsewhere (the CUDA backend, in its own files) drops in. The CPU backend
 * (backend_cpu.c, OpenBLAS for GEMMs) always exists and is the reference the others are tested
 * against. Per-element math shared by all backends lives in nn/elementwise.h.
 *
 * Layouts. Convolutional activations are channel-major, CNHW: x[c][n][h][w] (torch's NCHW with
 * the first two axes swapped). A 1x1 convolution is then one GEMM over the whole batch, im2col
 * gives one GEMM per chunk of samples, and batch norm reads each channel contiguously. Flat
 * activations (after flatten or global pooling) are [n][features], torch's order. The network
 * input [n][1][h][w] is both. Weights are in torch's layouts ([out][in], [out][in][kh][kw]).
 *
 * Gradients with respect to parameters are accumulated (+=) so micro-batches can add up; input
 * gradients are overwritten. A NULL dx means "not needed" (layers with nothing trainable below).
 * dx may alias (model.c reuses buffers so; every backend must allow it): dy itself for batch
 * norm, ReLU and dropout (elementwise), and the layer's own output y for linear, convolution
 * and depthwise convolution (y is read only by the fused ReLU's mask, before dx is written).
 * Scratch space comes from the model's activation arena: conv_work and dwconv_work say how much
 * (for the shares in effect; the model re-sizes when shares() changes). */
#ifndef WS_NN_BACKEND_H
#define WS_NN_BACKEND_H
#include <stddef.h>
#include <stdint.h>

/* Geometry of a convolution or pooling over a batch. Output sizes follow torch:
 * h_out = (h_in + 2 ph - kh) / sh + 1. */
typedef struct nn_geom {
    int n;                      /* batch size */
    int c_in, h_in, w_in;       /* input planes */
    int c_out, h_out, w_out;    /* output planes (c_out = c_in for depthwise and pooling) */
    int kh, kw, sh, sw, ph, pw; /* kernel, stride, zero padding (frames, mels) */
} nn_geom;

typedef enum { NN_POOL_MAX, NN_POOL_AVG } nn_pool_kind;

/* Arguments of one fused optimizer step over all parameters. */
typedef struct nn_update_args {
    int kind;                   /* nn_optim_kind (nn.h) */
    float lr, momentum, dampening, weight_decay, beta1, beta2, eps;
    int nesterov, first;        /* first: this is step 1 (SGD's buffer initialisation) */
    float bc1, bc2_sqrt;        /* Adam's bias corrections for this step */
    float omb1, omb2;           /* 1 - beta1, 1 - beta2 taken in double, as torch's Python floats:
                                 * a beta within 2^-25 of 1 is 1 in float, and 1 - that is 0 */
} nn_update_args;

typedef struct nn_backend {
    const char *name;

    /* Memory in the backend's space; alloc returns zeroed memory or NULL. */
    void *(*alloc)(size_t bytes);
    void (*release)(void *p);
    void (*upload)(void *dst, const void *src_host, size_t bytes);
    void (*download)(void *dst_host, const void *src, size_t bytes);
    void (*fill)(float *x, size_t n, float v);
    void (*copy)(float *dst, const float *src, size_t n);
    /* Threads the backend's operations use, and the shares each operation is cut into (CPU:
     * the pool, cpu_pool.h; OpenBLAS stays on one thread inside each share). Results depend on
     * the shares only, so threads may change between steps; workspace sizes (conv_work,
     * dwconv_work) depend on the shares. */
    void (*set_threads)(int threads, int shares);
    int (*shares)(void);

    /* Linear: y[n][out] = x[n][in] w[out][in]^T + b[out]; relu fused when set. */
    void (*linear_fwd)(int n, int in, int out, const float *x, const float *w, const float *b,
                       float *y, int relu);
    /* dy is modified in place when relu is set (masked by y > 0). */
    void (*linear_bwd)(int n, int in, int out, const float *x, const float *w, const float *y,
                       float *dy, float *dx, float *dw, float *db, int relu);

    /* Convolution (groups = 1), CPU: im2col and GEMM. work: conv_work(g) floats. b may be NULL.
     * conv_bwd may overwrite work and the part of dy it masks. */
    size_t (*conv_work)(const nn_geom *g);
    void (*conv_fwd)(const nn_geom *g, const float *x, const float *w, const float *b, float *y,
                     int relu, float *work);
    void (*conv_bwd)(const nn_geom *g, const float *x, const float *w, const float *y, float *dy,
                     float *dx, float *dw, float *db, int relu, float *work);

    /* Depthwise convolution (groups = channels, multiplier 1), w[c][kh][kw], no bias.
     * work: dwconv_work(g) floats. */
    size_t (*dwconv_work)(const nn_geom *g);
    void (*dwconv_fwd)(const nn_geom *g, const float *x, const float *w, float *y, float *work);
    void (*dwconv_bwd)(const nn_geom *g, const float *x, const float *w, const float *dy,
                       float *dx, float *dw, float *work);

    /* Batch norm over CNHW x[c][m] (m = n h w). train: batch statistics (biased variance),
     * running stats updated with momentum and the unbiased variance, save[0][c] = mean,
     * save[1][c] = 1/sqrt(var + eps); eval: running stats (save filled the same way). */
    void (*bn_fwd)(int c, size_t m, const float *x, const float *gamma, const float *beta,
                   float *run_mean, float *run_var, float momentum, float eps, int train,
                   float *save, float *y, int relu);
    /* y: the forward's output, whose ReLU mask (y > 0) dy takes when relu is set; a backend may
     * make it again from x, save, gamma and beta instead (the CPU's does: the arithmetic of
     * bn_apply, the same mask bit for bit, and one array fewer to read). */
    void (*bn_bwd)(int c, size_t m, const float *x, const float *gamma, const float *beta,
                   const float *save, int train, const float *y, float *dy, float *dx, float *dgamma,
                   float *dbeta, int relu);
    /* The forward's output again from its input and save (the backward pass recomputes the
     * batch norm outputs it does not keep): the same values bn_fwd wrote, bit for bit. */
    void (*bn_apply)(int c, size_t m, const float *x, const float *gamma, const float *beta,
                     const float *save, float *y, int relu);

    void (*relu_fwd)(size_t n, const float *x, float *y);
    void (*relu_bwd)(size_t n, const float *y, const float *dy, float *dx);
    void (*dropout_fwd)(size_t n, float p, uint64_t seed, const float *x, float *y);
    void (*dropout_bwd)(size_t n, float p, uint64_t seed, const float *dy, float *dx);

    /* Pooling with kernel = stride, no padding (g->kh == g->sh ...); max routes the gradient to
     * the first maximum of each window, as torch does. */
    void (*pool_fwd)(nn_pool_kind kind, const nn_geom *g, const float *x, float *y);
    void (*pool_bwd)(nn_pool_kind kind, const nn_geom *g, const float *x, const float *y,
                     const float *dy, float *dx);
    /* Global average pool: CNHW x[c][n][hw] -> flat y[n][c]. */
    void (*gap_fwd)(int c, int n, int hw, const float *x, float *y);
    void (*gap_bwd)(int c, int n, int hw, const float *dy, float *dx);
    /* Flatten: CNHW x[c][n][hw] -> flat y[n][c hw] (torch's flatten order). */
    void (*flatten_fwd)(int c, int n, int hw, const float *x, float *y);
    void (*flatten_bwd)(int c, int n, int hw, const float *dy, float *dx);

    /* Classification loss over logits[n][k] (see nn_loss_config in nn.h): returns the batch loss
     * (torch's reduction='mean', weighted mean with class weights) and writes
     * dlogits = scale * dloss/dlogits. class_w may be NULL. labels live in host memory. */
    double (*xent)(int n, int k, const float *logits, const int *labels, const float *class_w,
                   float smoothing, float gamma, float scale, float *dlogits);

    double (*sumsq)(size_t n, const float *x);
    void (*scale)(size_t n, float s, float *x);
    /* One step of the optimizer over n parameters: p, g, and the state s1 (momentum buffer or
     * Adam's m) and s2 (Adam's v; unused by SGD). */
    void (*update)(const nn_update_args *a, size_t n, float *p, const float *g, float *s1, float *s2);
} nn_backend;

/* The CPU backend (OpenBLAS). Never NULL. */
const nn_backend *nn_backend_cpu(void);
/* Tests: the size (floats) of the CPU backend's im2col chunks; 0 restores the default (1 MiB).
 * Takes effect for models reserved afterwards. */
void nn_cpu_set_cols_budget(size_t floats);
/* Tests: where the CPU backend's 3x3, stride 1, padding 1 convolutions run as Winograd's
 * F(2x2, 3x3) (backend_cpu.c): mode -1 never (im2col), 1 always, 0 where it was measured faster
 * (the default); floats: the per-share chunk of its transformed planes, 0 the default. Takes
 * effect for models reserved afterwards. */
void nn_cpu_set_winograd(int mode, size_t floats);
/* Tests: plain 1 runs the Winograd transforms (winograd.c) as its plain C loops even on an
 * AVX-512 CPU, where they would otherwise never run; 0 (the default) as the CPU allows. So the
 * tests check both variants on any machine. Takes effect at the next convolution. */
void nn_cpu_set_winograd_plain(int plain);

#endif
