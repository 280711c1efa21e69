/* test_nn_grad.c — every layer's backward pass against central finite differences. The loss is
 * accumulated in double from the float forward pass: sum_i r_i y_i for a single layer (r fixed
 * and random, so backward gets dy = r), or the classification loss for whole models. Each
 * derivative is (L(v + h) - L(v - h)) / (v+h - v-h) with the actual float perturbation; an
 * element whose estimates at h and h/2 disagree sits on a kink (ReLU, max pool) and is skipped,
 * at most 10% of them. The error is ||analytic - numeric|| / ||numeric|| over inputs and
 * parameters (whole models: parameters, whose gradients pass through every layer's input
 * gradient; their BN shifts keep ReLU inputs away from the kink). Layers run on 1 and 3
 * threads; a self-test shows the check fails on a slightly wrong gradient. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/rng.h"
#include "harness.h"
#include "nn/model.h"

#define GC_TOL 1e-3
#define GC_H 1e-2
#define GC_MAX 160      /* elements checked per tensor (spread evenly) */

typedef struct {
    nn_model *m;
    float *x;           /* input, perturbed in place */
    int n, train;
    const float *r;     /* single layer: loss = sum r_i y_i */
    size_t ny;
    const int *labels;  /* whole model: classification loss */
    const nn_loss_config *lc;
    double h;           /* finite-difference step */
} gc_ctx;

static double worst_err;

static double eval(gc_ctx *c)
{
    const float *y;
    c->m->n_forward = 0;   /* the same dropout masks at every evaluation */
    if (nn_forward(c->m, c->x, c->n, c->train, &y, NULL)) return NAN;
    if (c->labels) return nn_loss(y, c->labels, c->n, c->m->n_classes, c->lc, NULL, NULL);
    double s = 0;
    for (size_t i = 0; i < c->ny; i++) s += (double)c->r[i] * y[i];
    return s;
}

/* Gradients into m->grads and (keep_dx) the input gradient. */
static int analytic(gc_ctx *c)
{
    ws_err e = {0};
    nn_zero_grad(c->m);
    if (c->labels) {
        const float *y;
        float d[64];
        c->m->n_forward = 0;
        if (nn_forward(c->m, c->x, c->n, c->train, &y, &e)) return -1;
        if (isnan(nn_loss(y, c->labels, c->n, c->m->n_classes, c->lc, d, &e))) return -1;
        return nn_backward(c->m, c->x, d, &e);
    }
    if (isnan(eval(c))) return -1;
    return nn_backward(c->m, c->x, c->r, &e);
}

static double central(gc_ctx *c, float *v, double h)
{
    float orig = *v, up = (float)(orig + h), down = (float)(orig - h);
    *v = up;
    double lu = eval(c);
    *v = down;
    double ld = eval(c);
    *v = orig;
    return (lu - ld) / ((double)up - (double)down);
}

typedef struct { double err; int used, skipped; } gc_result;

static gc_result fd_check(gc_ctx *c, float *v, const float *an, size_t n)
{
    gc_result r = {0, 0, 0};
    double num = 0, den = 0, rms = 0;
    for (size_t i = 0; i < n; i++) rms += (double)an[i] * an[i];
    rms = sqrt(rms / (n ? n : 1));
    size_t count = n < GC_MAX ? n : GC_MAX;
    for (size_t k = 0; k < count; k++) {
        size_t i = k * n / count;
        double f1 = central(c, v + i, c->h), f2 = central(c, v + i, c->h / 2);
        if (fabs(f1 - f2) > 1e-2 * fmax(fabs(f1), fabs(f2)) + 1e-3 * rms + 1e-9) { r.skipped++; continue; }
        r.used++;
        num += (an[i] - f2) * (an[i] - f2);
        den += f2 * f2;
    }
    r.err = den > 0 ? sqrt(num / den) : sqrt(num);
    return r;
}

static void fill_uniform(ws_rng *g, float *v, size_t n, float lo, float hi)
{
    for (size_t i = 0; i < n; i++) v[i] = lo + (hi - lo) * (float)ws_rng_uniform(g);
}

enum { X_UNIFORM, X_AWAY_FROM_ZERO };

/* Input and parameter gradients of a network against finite differences. */
static void check_net(const char *name, nn_net *net, int n, int train, int xkind, const int *labels,
                      const nn_loss_config *lc)
{
    ws_err e = {0};
    int k = labels ? 3 : 1;
    nn_model *m = nn_model_from_net(net, NULL, k, 42, &e);
    CHECK(m != NULL, "%s: %s", name, e.msg);
    if (!m) return;
    m->keep_dx = 1;
    CHECK(nn_model_reserve(m, n, &e) == 0, "%s: %s", name, e.msg);
    ws_rng g;
    ws_rng_seed(&g, 7);
    size_t nx = (size_t)n * m->in_c * m->in_h * m->in_w, ny = (size_t)n * nn_model_out_size(m);
    float *x = malloc(nx * sizeof *x), *r = malloc(ny * sizeof *r);
    float *gp = malloc((m->n_params + 1) * sizeof *gp), *gx = malloc(nx * sizeof *gx);
    fill_uniform(&g, x, nx, -1, 1);
    if (xkind == X_AWAY_FROM_ZERO)
        for (size_t i = 0; i < nx; i++) x[i] = (x[i] < 0 ? -0.1f : 0.1f) + 0.9f * x[i];
    fill_uniform(&g, r, ny, -1, 1);
    /* BN: gamma and beta away from 1 and 0, running stats away from 0 and 1 */
    for (int i = 0; i < m->n_layers; i++) {
        const nn_layer *l = &m->layers[i];
        if (l->kind != NN_L_BN) continue;
        if (labels) {
            /* whole models: BN output mostly positive, so the ReLUs after it have few inputs
             * near their kink (BN centres them at 0, where a finite difference breaks) */
            fill_uniform(&g, m->params + l->w_off, (size_t)l->c, 0.3f, 0.7f);
            fill_uniform(&g, m->params + l->b_off, (size_t)l->c, 1.5f, 2.5f);
        } else {
            fill_uniform(&g, m->params + l->w_off, (size_t)l->c, 0.5f, 1.5f);
            fill_uniform(&g, m->params + l->b_off, (size_t)l->c, -0.5f, 0.5f);
        }
        fill_uniform(&g, m->params + m->n_params + l->mean_off, (size_t)l->c, -0.3f, 0.3f);
        fill_uniform(&g, m->params + m->n_params + l->var_off, (size_t)l->c, 0.5f, 2.0f);
    }
    gc_ctx c = {m, x, n, train, r, ny, labels, lc, GC_H};
    CHECK(analytic(&c) == 0, "%s: backward failed", name);
    nn_model_get_grads(m, gp);
    memcpy(gx, nn_model_input_grad(m), nx * sizeof *gx);
    /* Whole models: parameters only. Their gradients reach the first layer through every later
     * layer's input gradient, and a model never needs the gradient of its input (with batch
     * norm after the first conv it is small enough to drown in float32 rounding). */
    gc_result rx = labels ? (gc_result){0, 1, 0} : fd_check(&c, x, gx, nx);
    gc_result rp = m->n_params ? fd_check(&c, m->params, gp, m->n_params) : (gc_result){0, 0, 0};
    fprintf(stderr, "%-22s input %.2e (%d, %d kinks)  params %.2e (%d, %d kinks)\n", name, rx.err, rx.used,
            rx.skipped, rp.err, rp.used, rp.skipped);
    if (rx.err > worst_err) worst_err = rx.err;
    if (rp.err > worst_err) worst_err = rp.err;
    CHECK(rx.err <= GC_TOL, "%s: input gradient relative error %.3g", name, rx.err);
    CHECK(rp.err <= GC_TOL, "%s: parameter gradient relative error %.3g", name, rp.err);
    CHECK(rx.skipped * 10 <= rx.used + rx.skipped && rp.skipped * 10 <= rp.used + rp.skipped,
          "%s: too many elements on kinks (%d, %d)", name, rx.skipped, rp.skipped);
    CHECK(rx.used > 0, "%s: nothing checked", name);
    free(x); free(r); free(gp); free(gx);
    nn_model_free(m);
}

static ws_err e_;
#define NET(c, h, w) nn_net net; nn_net_begin(&net, c, h, w, &e_)

static void test_grad_linear(void)
{
    NET(7, 1, 1);
    nn_net_flatten(&net);
    nn_net_linear(&net, "fc", 5, 1, 0);
    check_net("linear", &net, 3, 1, X_UNIFORM, NULL, NULL);
}

static void test_grad_conv(void)
{
    NET(2, 7, 6);
    nn_net_conv(&net, "conv", 3, 3, 2, 2, 1, 1, 1, 1, 0);
    check_net("conv 3x2 s2x1 p1x1", &net, 3, 1, X_UNIFORM, NULL, NULL);
}

static void test_grad_conv_even(void)
{
    NET(3, 8, 9);
    nn_net_conv(&net, "conv", 2, 2, 4, 1, 2, 1, 2, 0, 0);
    check_net("conv 2x4 s1x2 p1x2", &net, 2, 1, X_UNIFORM, NULL, NULL);
}

/* Stride 1, "same" padding, a kernel wider than the input: im2col's block path with column
 * offsets beyond the row width. */
static void test_grad_conv_wide(void)
{
    NET(2, 5, 3);
    nn_net_conv(&net, "conv", 2, 5, 7, 1, 1, 2, 3, 1, 0);
    check_net("conv 5x7 p2x3 on 5x3", &net, 3, 1, X_UNIFORM, NULL, NULL);
}

static void test_grad_conv_pointwise(void)
{
    NET(4, 5, 3);
    nn_net_conv(&net, "pw", 3, 1, 1, 1, 1, 0, 0, 1, 0);
    check_net("conv 1x1", &net, 3, 1, X_UNIFORM, NULL, NULL);
}

/* A pointwise convolution over one channel: its input gradient is a GEMM of one row (w^T dy)
 * whose weights are both a column and a row of stride 1. */
static void test_grad_conv_pointwise_one_channel(void)
{
    NET(1, 5, 3);
    nn_net_conv(&net, "pw", 3, 1, 1, 1, 1, 0, 0, 1, 0);
    check_net("conv 1x1 from 1 channel", &net, 3, 1, X_UNIFORM, NULL, NULL);
}

static void test_grad_conv_chunked(void)
{
    nn_cpu_set_cols_budget(50);   /* one sample per im2col chunk */
    NET(2, 6, 5);
    nn_net_conv(&net, "conv", 3, 3, 3, 1, 1, 1, 1, 1, 0);
    check_net("conv chunked", &net, 3, 1, X_UNIFORM, NULL, NULL);
    nn_cpu_set_cols_budget(0);
}

/* Threads: per-thread im2col chunks with partial weight gradients, channels of depthwise. */
static void test_grad_threads3(void)
{
    nn_set_threads(3, 0);
    nn_cpu_set_cols_budget(50);
    NET(2, 6, 5);
    nn_net_conv(&net, "conv", 3, 3, 3, 1, 1, 1, 1, 1, 0);
    check_net("conv chunked 3 threads", &net, 4, 1, X_UNIFORM, NULL, NULL);
    nn_cpu_set_cols_budget(0);
    nn_net net2;
    nn_net_begin(&net2, 4, 6, 5, &e_);
    nn_net_dwconv(&net2, "dw", 3, 3, 1, 1, 1, 1);
    check_net("depthwise 3 threads", &net2, 2, 1, X_UNIFORM, NULL, NULL);
    nn_set_threads(1, 0);
}

static void test_grad_dwconv(void)
{
    NET(3, 6, 5);
    nn_net_dwconv(&net, "dw", 3, 3, 1, 1, 1, 1);
    check_net("depthwise 3x3", &net, 3, 1, X_UNIFORM, NULL, NULL);
}

static void test_grad_dwconv_strided(void)
{
    NET(2, 7, 8);
    nn_net_dwconv(&net, "dw", 2, 3, 2, 2, 0, 1);
    check_net("depthwise 2x3 s2x2", &net, 3, 1, X_UNIFORM, NULL, NULL);
}

static void test_grad_bn_train(void)
{
    NET(3, 4, 3);
    nn_net_bn(&net, "bn", 0);
    check_net("batchnorm train", &net, 3, 1, X_UNIFORM, NULL, NULL);
}

static void test_grad_bn_eval(void)
{
    NET(3, 4, 3);
    nn_net_bn(&net, "bn", 0);
    check_net("batchnorm eval", &net, 3, 0, X_UNIFORM, NULL, NULL);
}

static void test_grad_relu(void)
{
    NET(2, 3, 4);
    nn_net_relu(&net);
    check_net("relu", &net, 3, 1, X_AWAY_FROM_ZERO, NULL, NULL);
}

static void test_grad_dropout(void)
{
    NET(2, 4, 3);
    nn_net_dropout(&net, 0.3f);
    check_net("dropout", &net, 3, 1, X_UNIFORM, NULL, NULL);
}

static void test_grad_maxpool(void)
{
    NET(2, 5, 4);
    nn_net_pool(&net, NN_POOL_MAX, 2, 2);
    check_net("maxpool 2x2", &net, 3, 1, X_UNIFORM, NULL, NULL);
}

static void test_grad_avgpool(void)
{
    NET(2, 6, 7);
    nn_net_pool(&net, NN_POOL_AVG, 2, 3);
    check_net("avgpool 2x3", &net, 3, 1, X_UNIFORM, NULL, NULL);
}

static void test_grad_gap(void)
{
    NET(3, 4, 5);
    nn_net_gap(&net);
    check_net("global avgpool", &net, 3, 1, X_UNIFORM, NULL, NULL);
}

static void test_grad_flatten(void)
{
    NET(3, 2, 4);
    nn_net_flatten(&net);
    check_net("flatten", &net, 3, 1, X_UNIFORM, NULL, NULL);
}

/* The models' fused ReLU equals the layer followed by a separate ReLU, forward and backward. */
static int fused_equal(nn_net *a, nn_net *b, int n)
{
    ws_err e = {0};
    nn_model *ma = nn_model_from_net(a, NULL, 1, 5, &e), *mb = nn_model_from_net(b, NULL, 1, 5, &e);
    if (!ma || !mb) { nn_model_free(ma); nn_model_free(mb); return 0; }
    ma->keep_dx = mb->keep_dx = 1;
    nn_model_reserve(ma, n, &e);
    nn_model_reserve(mb, n, &e);
    ws_rng g;
    ws_rng_seed(&g, 3);
    size_t nx = (size_t)n * ma->in_c * ma->in_h * ma->in_w, ny = (size_t)n * nn_model_out_size(ma);
    float *x = malloc(nx * sizeof *x), *r = malloc(ny * sizeof *r);
    fill_uniform(&g, x, nx, -1, 1);
    fill_uniform(&g, r, ny, -1, 1);
    const float *ya, *yb;
    int ok = ny == (size_t)n * nn_model_out_size(mb) && ma->n_params == mb->n_params;
    if (ok) {
        nn_zero_grad(ma); nn_zero_grad(mb);
        nn_forward(ma, x, n, 1, &ya, &e);
        nn_forward(mb, x, n, 1, &yb, &e);
        ok = memcmp(ya, yb, ny * sizeof *ya) == 0;
        nn_backward(ma, x, r, &e);
        nn_backward(mb, x, r, &e);
        ok = ok && memcmp(ma->grads, mb->grads, ma->n_params * sizeof(float)) == 0
             && memcmp(ma->dx, mb->dx, nx * sizeof(float)) == 0;
        /* and the ReLU did something */
        int zeros = 0;
        for (size_t i = 0; i < ny; i++) zeros += ya[i] == 0.0f;
        ok = ok && zeros > 0 && zeros < (int)ny;
    }
    free(x); free(r);
    nn_model_free(ma); nn_model_free(mb);
    return ok;
}

static void test_fused_relu(void)
{
    nn_net a, b;
    nn_net_begin(&a, 2, 5, 4, &e_); nn_net_conv(&a, "c", 3, 3, 3, 1, 1, 1, 1, 1, 1);
    nn_net_begin(&b, 2, 5, 4, &e_); nn_net_conv(&b, "c", 3, 3, 3, 1, 1, 1, 1, 1, 0); nn_net_relu(&b);
    CHECK(fused_equal(&a, &b, 3), "conv with fused ReLU differs from conv + ReLU");
    nn_net_begin(&a, 6, 1, 1, &e_); nn_net_flatten(&a); nn_net_linear(&a, "l", 5, 1, 1);
    nn_net_begin(&b, 6, 1, 1, &e_); nn_net_flatten(&b); nn_net_linear(&b, "l", 5, 1, 0); nn_net_relu(&b);
    CHECK(fused_equal(&a, &b, 3), "linear with fused ReLU differs from linear + ReLU");
    nn_net_begin(&a, 3, 4, 3, &e_); nn_net_bn(&a, "bn", 1);
    nn_net_begin(&b, 3, 4, 3, &e_); nn_net_bn(&b, "bn", 0); nn_net_relu(&b);
    CHECK(fused_equal(&a, &b, 3), "batch norm with fused ReLU differs from batch norm + ReLU");
    /* Batch norm outputs are not kept but made again in backward (model.c, mark_recomputed).
     * In a, bn1's output is in their shared place when bn0's backward needs bn0's own output for
     * its fused ReLU, and no layer between reads bn0's output as its input; b's bn0 has no ReLU
     * to mask. */
    nn_net_begin(&a, 2, 5, 4, &e_); nn_net_conv(&a, "c0", 3, 3, 3, 1, 1, 1, 1, 1, 0); nn_net_bn(&a, "bn0", 1);
    nn_net_relu(&a); nn_net_conv(&a, "c1", 3, 1, 1, 1, 1, 0, 0, 0, 0); nn_net_bn(&a, "bn1", 1); nn_net_relu(&a);
    nn_net_begin(&b, 2, 5, 4, &e_); nn_net_conv(&b, "c0", 3, 3, 3, 1, 1, 1, 1, 1, 0); nn_net_bn(&b, "bn0", 0);
    nn_net_relu(&b); nn_net_relu(&b); nn_net_conv(&b, "c1", 3, 1, 1, 1, 1, 0, 0, 0, 0); nn_net_bn(&b, "bn1", 1);
    nn_net_relu(&b);
    CHECK(fused_equal(&a, &b, 3), "recomputed batch norm with fused ReLU differs from batch norm + ReLU");
}

/* Outputs made again in the backward pass (model.c, mark_recomputed) in layouts a dscnn does
 * not have: a depthwise convolution as the first layer; two depthwise ones in a row (the first
 * kept, as no batch norm reads it); a first convolution whose batch norm is followed by another
 * (kept), then a depthwise one over a batch norm's output. Each ends as a whole model does
 * (global pooling, a linear layer, the loss), so the batch norms' ReLUs see few inputs near
 * their kink (check_net). Which outputs are made again is asserted first ("2": the
 * convolutions' place, "1": the batch norms', "0": kept), so the finite differences check what
 * they say they check. */
static void build_redone(nn_net *net, int which)
{
    nn_net_begin(net, 2, 6, 5, &e_);
    if (which == 0) {
        nn_net_dwconv(net, "dw", 3, 3, 1, 1, 1, 1); nn_net_bn(net, "bn0", 1);
        nn_net_conv(net, "pw", 3, 1, 1, 1, 1, 0, 0, 0, 0); nn_net_bn(net, "bn1", 0);
    } else if (which == 1) {
        nn_net_conv(net, "c0", 3, 3, 3, 1, 1, 1, 1, 0, 0); nn_net_bn(net, "bn0", 1);
        nn_net_dwconv(net, "dw0", 3, 3, 1, 1, 1, 1); nn_net_dwconv(net, "dw1", 3, 3, 1, 1, 1, 1);
        nn_net_bn(net, "bn1", 1); nn_net_conv(net, "pw", 3, 1, 1, 1, 1, 0, 0, 0, 0); nn_net_bn(net, "bn2", 0);
    } else {
        nn_net_conv(net, "c0", 3, 3, 3, 1, 1, 1, 1, 0, 0); nn_net_bn(net, "bn0", 0); nn_net_bn(net, "bn1", 1);
        nn_net_dwconv(net, "dw", 3, 3, 1, 1, 1, 1); nn_net_bn(net, "bn2", 0);
    }
    nn_net_gap(net);
    nn_net_linear(net, "out", 3, 1, 0);
}

static void test_grad_redone_outputs(void)
{
    static const char *want[3] = {"210100", "210210100", "2012100"};
    static const int labels[3] = {2, 0, 1};
    static const char *names[3] = {"redone: dw first", "redone: dw, dw", "redone: bn, bn, dw"};
    for (int k = 0; k < 3; k++) {
        nn_net net;
        build_redone(&net, k);
        ws_err e = {0};
        nn_model *m = nn_model_from_net(&net, NULL, 3, 42, &e);
        char got[16] = "";
        for (int i = 0; m && i < m->n_layers && i < 15; i++) got[i] = (char)('0' + m->layers[i].recomputed);
        CHECK(m && strcmp(got, want[k]) == 0, "%s: outputs made again %s, want %s (%s)", names[k], got, want[k], e.msg);
        nn_model_free(m);
        build_redone(&net, k);
        check_net(names[k], &net, 3, 1, X_UNIFORM, labels, NULL);
    }
}

/* The first convolution's im2col columns in the batch norms' place (model.c, work_place; one
 * sample a chunk, so that they fit there: asserted). Made again inside bn0's backward, the
 * columns overwrite bn0's output, which the place held since the forward pass (bn1, the last
 * layer, is kept: nothing else was written there), and which bn0's fused ReLU then needs again.
 * The depthwise kernel spans its input, so the last batch norm gives the 3 logits. */
static void build_columns_in_bn_place(nn_net *net)
{
    nn_net_begin(net, 1, 8, 8, &e_);
    nn_net_conv(net, "c0", 3, 1, 2, 1, 2, 0, 0, 1, 0); nn_net_bn(net, "bn0", 1);
    nn_net_dwconv(net, "dw", 8, 4, 1, 1, 0, 0); nn_net_bn(net, "bn1", 0);
}

static void test_grad_redone_columns(void)
{
    static const int labels[3] = {2, 0, 1};
    nn_cpu_set_cols_budget(64);
    nn_net net;
    build_columns_in_bn_place(&net);
    ws_err e = {0};
    nn_model *m = nn_model_from_net(&net, NULL, 3, 42, &e);
    CHECK(m != NULL, "%s", e.msg);
    if (!m) return;
    m->keep_dx = 1;
    CHECK(nn_model_reserve(m, 3, &e) == 0, "%s", e.msg);
    CHECK(m->layers[0].recomputed == 1 + NN_REDO_CONV && m->layers[1].recomputed == 1 + NN_REDO_BN &&
          m->layers[2].recomputed == 1 + NN_REDO_CONV && m->layers[3].recomputed == 0 && m->layers[0].work_in == 2,
          "made again %d %d %d %d, the first convolution's workspace at %d (want 2 1 2 0 and the batch norms' "
          "place, 2)", m->layers[0].recomputed, m->layers[1].recomputed, m->layers[2].recomputed,
          m->layers[3].recomputed, m->layers[0].work_in);
    nn_model_free(m);
    build_columns_in_bn_place(&net);
    check_net("redone: columns in bn place", &net, 3, 1, X_UNIFORM, labels, NULL);
    nn_cpu_set_cols_budget(0);
}

/* Depthwise convolutions and batch norms in turn with nothing kept between them, as nn_net_*
 * builds them (no model of models.c does): each output of such a run is made again from the one
 * below it (redo, recursive), and each layer's backward finds the run's places holding outputs
 * higher up, so the whole run below it was made again: a step made k (k + 1) / 2 depthwise
 * passes for k pairs, where the forward pass makes k (k = 32 on 32x32 planes: 5.4x the step of
 * f2ce70f's parent). The depthwise passes of one step are counted through a copy of the CPU
 * table; the gradients are checked too. */
static int dw_passes;

static void counting_dwconv_fwd(const nn_geom *g, const float *x, const float *w, float *y, float *work)
{
    dw_passes++;
    nn_backend_cpu()->dwconv_fwd(g, x, w, y, work);
}

static void build_dw_bn_run(nn_net *net, int k)
{
    nn_net_begin(net, 2, 6, 5, &e_);
    nn_net_conv(net, "c0", 3, 3, 3, 1, 1, 1, 1, 1, 0);
    for (int i = 0; i < k; i++) { nn_net_dwconv(net, "dw", 3, 3, 1, 1, 1, 1); nn_net_bn(net, "bn", 0); }
    nn_net_gap(net);
    nn_net_linear(net, "out", 3, 1, 0);
}

static void test_grad_redone_run(void)
{
    enum { K = 8 };
    static const int labels[3] = {2, 0, 1};
    nn_backend counting = *nn_backend_cpu();
    counting.dwconv_fwd = counting_dwconv_fwd;
    nn_net net;
    build_dw_bn_run(&net, K);
    ws_err e = {0};
    nn_model *m = nn_model_from_net(&net, NULL, 3, 42, &e);
    CHECK(m != NULL, "%s", e.msg);
    if (!m) return;
    m->be = &counting;
    float x[3 * 2 * 6 * 5];
    ws_rng g;
    ws_rng_seed(&g, 3);
    fill_uniform(&g, x, sizeof x / sizeof *x, -1, 1);
    dw_passes = 0;
    CHECK(nn_accumulate(m, x, labels, 3, NULL, 1, NULL, &e) == 0, "%s", e.msg);
    CHECK(dw_passes <= 3 * K, "a step over %d depthwise convolutions made %d depthwise passes (at most %d: the "
          "forward's and two more each)", K, dw_passes, 3 * K);
    m->be = nn_backend_cpu();
    nn_model_free(m);
    build_dw_bn_run(&net, 4);   /* fewer: finite differences through 8 batch norms see curvature */
    check_net("redone: dw, bn run", &net, 3, 1, X_UNIFORM, labels, NULL);
}

/* In a dscnn each block's depthwise convolution and its batch norm are made again in the
 * backward pass over the batch norm below them (bn0, or the block before's pointwise one), all
 * three for the block's pointwise backward; the depthwise layer's own backward then needs the
 * batch norm below again, whose place the depthwise one's batch norm took meanwhile, and in the
 * first block the first convolution's too (the depthwise output took its place). The backward
 * pass makes those where higher blocks' pointwise outputs were (dead by then: model.c,
 * plan_bwd_places), once. Counted through a copy of the CPU table over a four-block net: the
 * first convolution 3 times a step before (the forward's and 2 in the backward), 2 now; batch
 * norms made again (bn_apply) 11 times a step before, 8 now (the third block's pointwise batch
 * norm, below the top block, has no dead output to go to); at 1 and 2 threads, 2 steps each. The gradients are
 * checked on 1, 2 and 3 blocks (1: nothing to keep them in; 3: one dead output serving two
 * blocks in turn). */
static int first_passes, bn_redone;

static void counting_conv_fwd(const nn_geom *g, const float *x, const float *w, const float *b, float *y, int relu,
                              float *work)
{
    if (g->kh * g->kw > 1) first_passes++;   /* the others are pointwise */
    nn_backend_cpu()->conv_fwd(g, x, w, b, y, relu, work);
}

static void counting_bn_apply(int c, size_t m, const float *x, const float *gamma, const float *beta, const float *save,
                              float *y, int relu)
{
    bn_redone++;
    nn_backend_cpu()->bn_apply(c, m, x, gamma, beta, save, y, relu);
}

static void build_dscnn_like(nn_net *net, int blocks)
{
    nn_net_begin(net, 1, 9, 6, &e_);
    nn_net_conv(net, "c0", 3, 3, 2, 2, 2, 1, 1, 0, 0);
    nn_net_bn(net, "bn0", 1);
    for (int i = 0; i < blocks; i++) {
        nn_net_dwconv(net, "dw", 3, 3, 1, 1, 1, 1); nn_net_bn(net, "dw_bn", 1);
        nn_net_conv(net, "pw", 3, 1, 1, 1, 1, 0, 0, 0, 0); nn_net_bn(net, "pw_bn", 1);
    }
    nn_net_gap(net);
    nn_net_linear(net, "out", 3, 1, 0);
}

static void test_grad_made_again_once(void)
{
    static const int labels[3] = {2, 0, 1};
    nn_backend counting = *nn_backend_cpu();
    counting.conv_fwd = counting_conv_fwd;
    counting.bn_apply = counting_bn_apply;
    for (int threads = 1; threads <= 2; threads++) {
        nn_set_threads(threads, 0);
        nn_net net;
        build_dscnn_like(&net, 4);
        ws_err e = {0};
        nn_model *m = nn_model_from_net(&net, NULL, 3, 42, &e);
        CHECK(m != NULL, "%s", e.msg);
        if (!m) break;
        m->be = &counting;
        float x[3 * 9 * 6];
        ws_rng g;
        ws_rng_seed(&g, 5);
        fill_uniform(&g, x, sizeof x / sizeof *x, -1, 1);
        for (int step = 0; step < 2; step++) {
            first_passes = bn_redone = 0;
            CHECK(nn_accumulate(m, x, labels, 3, NULL, 1, NULL, &e) == 0, "%s", e.msg);
            CHECK(first_passes == 2 && bn_redone == 8, "%d threads, step %d: the first convolution ran %d times (want 2: "
                  "the forward's and one in the backward), batch norms were made again %d times (want 8)", threads, step,
                  first_passes, bn_redone);
        }
        m->be = nn_backend_cpu();
        nn_model_free(m);
    }
    nn_set_threads(1, 0);
    for (int blocks = 1; blocks <= 3; blocks++) {
        static const char *names[3] = {"made again once, 1 block", "made again once, 2 blocks", "made again once, 3 blocks"};
        nn_net net;
        build_dscnn_like(&net, blocks);
        check_net(names[blocks - 1], &net, 3, 1, X_UNIFORM, labels, NULL);
    }
}

/* Whole networks with the classification loss (smoothing, class weights, focal) and dropout
 * (train mode): the chaining of layers, buffers and layouts. */
static void check_model(const char *name, const char *json, int train)
{
    ws_err e = {0};
    nn_hparams hp;
    nn_hparams_default(&hp);
    json_t *j = json_loads(json, 0, NULL);
    CHECK(j && nn_hparams_parse(&hp, j, "params", &e) == 0, "%s: %s", name, e.msg);
    json_decref(j);
    nn_net net;
    nn_model *m0 = nn_model_create(&hp.model, 3, 12, 8, 9, &e);
    CHECK(m0 != NULL, "%s: %s", name, e.msg);
    nn_model_free(m0);
    /* rebuild through the layer list so the check runs on the same layers with keep_dx */
    static const int labels[3] = {2, 0, 1};
    float w[3] = {1.5f, 0.5f, 1.0f};
    nn_loss_config lc = {0.1, 1.5, w, 3, 0};
    nn_net_begin(&net, 1, 12, 8, &e);
    if (hp.model.arch == NN_DNN) {
        nn_net_flatten(&net);
        for (int i = 0; i < hp.model.blocks; i++) {
            nn_net_linear(&net, "fc", hp.model.channels, 1, 1);
            nn_net_dropout(&net, (float)hp.model.dropout);
        }
    } else if (hp.model.arch == NN_CNN) {
        const nn_model_config *c = &hp.model;
        nn_net_conv(&net, "c0", c->channels, c->kernel[0], c->kernel[1], c->stride[0], c->stride[1], c->kernel[0] / 2, c->kernel[1] / 2, 1, 1);
        nn_net_conv(&net, "c1", c->channels, c->inner_kernel[0], c->inner_kernel[1], 1, 1, c->inner_kernel[0] / 2, c->inner_kernel[1] / 2, 1, 1);
        nn_net_pool(&net, NN_POOL_MAX, c->pool[0], c->pool[1]);
        nn_net_flatten(&net);
        nn_net_dropout(&net, (float)c->dropout);
        nn_net_linear(&net, "fc", c->hidden, 1, 1);
    } else {
        const nn_model_config *c = &hp.model;
        nn_net_conv(&net, "c0", c->channels, c->kernel[0], c->kernel[1], c->stride[0], c->stride[1], c->kernel[0] / 2, c->kernel[1] / 2, 0, 0);
        nn_net_bn(&net, "bn0", 1);
        for (int i = 0; i < c->blocks; i++) {
            nn_net_dwconv(&net, "dw", 3, 3, 1, 1, 1, 1);
            nn_net_bn(&net, "bn", 1);
            nn_net_conv(&net, "pw", c->channels, 1, 1, 1, 1, 0, 0, 0, 0);
            nn_net_bn(&net, "bn", 1);
        }
        nn_net_gap(&net);
        nn_net_dropout(&net, (float)c->dropout);
    }
    nn_net_linear(&net, "out", 3, 1, 0);
    check_net(name, &net, 3, train, X_UNIFORM, labels, &lc);
    nn_hparams_release(&hp);
}

static void test_grad_model_dnn(void)
{
    check_model("model dnn", "{\"model\":\"dnn\",\"channels\":6,\"blocks\":2,\"dropout\":0.25}", 1);
}

static void test_grad_model_cnn(void)
{
    check_model("model cnn", "{\"model\":\"cnn\",\"channels\":3,\"kernel\":[3,3],\"stride\":[2,1],"
                              "\"inner_kernel\":[3,2],\"pool\":[2,2],\"hidden\":5,\"dropout\":0.2}", 1);
}

static void test_grad_model_dscnn(void)
{
    check_model("model dscnn", "{\"model\":\"dscnn\",\"channels\":4,\"blocks\":2,\"kernel\":[3,3],"
                                "\"stride\":[2,2],\"dropout\":0.2}", 1);
}

/* The loss alone: d loss / d logits for every variant, against finite differences in double. */
static void test_grad_loss(void)
{
    static const int y[4] = {1, 0, 3, 3};
    float z[16], d[16];
    float w[4] = {0.3f, 1.0f, 2.0f, 0.7f};
    ws_rng g;
    ws_rng_seed(&g, 11);
    fill_uniform(&g, z, 16, -3, 3);
    z[8] = 12.0f;   /* a confident sample */
    double gammas[3] = {0, 0.5, 2};
    for (int gi = 0; gi < 3; gi++)
        for (int wi = 0; wi < 2; wi++) {
            nn_loss_config lc = {wi ? 0.15 : 0.0, gammas[gi], wi ? w : NULL, wi ? 4 : 0, 0};
            nn_loss(z, y, 4, 4, &lc, d, NULL);
            double num = 0, den = 0;
            for (int i = 0; i < 16; i++) {
                float o = z[i], up = o + 1e-3f, dn = o - 1e-3f;
                z[i] = up;
                double lu = nn_loss(z, y, 4, 4, &lc, NULL, NULL);
                z[i] = dn;
                double ld = nn_loss(z, y, 4, 4, &lc, NULL, NULL);
                z[i] = o;
                double fd = (lu - ld) / ((double)up - dn);
                num += (d[i] - fd) * (d[i] - fd);
                den += fd * fd;
            }
            double err = sqrt(num / den);
            if (err > worst_err) worst_err = err;
            CHECK(err <= GC_TOL, "loss gamma %g weights %d: gradient relative error %.3g", gammas[gi], wi, err);
        }
}

/* The check is real: a gradient that is slightly wrong fails it. */
static void test_grad_check_detects_errors(void)
{
    ws_err e = {0};
    NET(2, 5, 4);
    nn_net_conv(&net, "conv", 3, 3, 3, 1, 1, 1, 1, 1, 0);
    nn_model *m = nn_model_from_net(&net, NULL, 1, 1, &e);
    m->keep_dx = 1;
    nn_model_reserve(m, 2, &e);
    size_t nx = 2 * 40, ny = 2 * 60;
    float x[80], r[120], gp[256];
    ws_rng g;
    ws_rng_seed(&g, 1);
    fill_uniform(&g, x, nx, -1, 1);
    fill_uniform(&g, r, ny, -1, 1);
    gc_ctx c = {m, x, 2, 1, r, ny, NULL, NULL, GC_H};
    analytic(&c);
    nn_model_get_grads(m, gp);
    gc_result ok = fd_check(&c, m->params, gp, m->n_params);
    gp[m->n_params - 1] += 0.05f * fabsf(gp[m->n_params - 1]) + 0.05f;   /* one bias gradient off */
    gc_result bad1 = fd_check(&c, m->params, gp, m->n_params);
    nn_model_get_grads(m, gp);
    for (size_t i = 0; i < m->n_params; i++) gp[i] *= 1.01f;          /* all 1% too large */
    gc_result bad2 = fd_check(&c, m->params, gp, m->n_params);
    CHECK(ok.err <= GC_TOL, "correct gradient rejected: %.3g", ok.err);
    CHECK(bad1.err > GC_TOL, "one wrong element passed: %.3g", bad1.err);
    CHECK(bad2.err > GC_TOL, "a 1%% error passed: %.3g", bad2.err);
    nn_model_free(m);
}

int main(void)
{
    nn_set_threads(1, 0);
    RUN(test_grad_linear);
    RUN(test_grad_conv);
    RUN(test_grad_conv_even);
    RUN(test_grad_conv_wide);
    RUN(test_grad_conv_pointwise);
    RUN(test_grad_conv_pointwise_one_channel);
    RUN(test_grad_conv_chunked);
    RUN(test_grad_threads3);
    RUN(test_grad_dwconv);
    RUN(test_grad_dwconv_strided);
    RUN(test_grad_bn_train);
    RUN(test_grad_bn_eval);
    RUN(test_grad_relu);
    RUN(test_grad_dropout);
    RUN(test_grad_maxpool);
    RUN(test_grad_avgpool);
    RUN(test_grad_gap);
    RUN(test_grad_flatten);
    RUN(test_fused_relu);
    RUN(test_grad_redone_outputs);
    RUN(test_grad_redone_columns);
    RUN(test_grad_redone_run);
    RUN(test_grad_made_again_once);
    RUN(test_grad_loss);
    RUN(test_grad_model_dnn);
    RUN(test_grad_model_cnn);
    RUN(test_grad_model_dscnn);
    RUN(test_grad_check_detects_errors);
    fprintf(stderr, "worst gradient-check relative error: %.2e\n", worst_err);
    return test_summary();
}
