/* test_cuda_gpu.c — the CUDA backend against the CPU backend, on a GPU. Without one it prints
 * one line, "skip gpu: no CUDA device (why)", and exits 0.
 *   - every layer of the table, forward and backward, on the same inputs: relative error
 *     ||gpu - cpu|| / ||cpu|| <= 1e-3 in fp32 and tf32; bf16 (8-bit mantissas in the GEMMs):
 *     <= 2e-2 for the GEMM layers (linear, convolution);
 *     each layer's backward gets the same forward output on both backends (the ReLU masks);
 *   - whole models (dnn, cnn, dscnn): loss, gradients and weights after an Adam step (in tf32
 *     the gradients and weights to looser bounds, TOL_TF32_MODEL_*: the ReLU masks differ);
 *   - the largest error of each group is printed ("# ..."), on a GPU as on the emulation;
 *   - the device data path and training session (nn_dtrain) against train-trial's CPU loop with
 *     augmentation, noise, masks, class weights and clipping: features, losses and weights
 *     after 3 steps, validation counts;
 *   - no allocation, copy or synchronisation inside training steps (the backend's counters);
 *   - determinism: two sessions from the same seed give the same weights, bit for bit;
 *   - out of memory: reported as such, and the device stays usable; the probe's batch fits.
 * Run: make check-gpu (or tests/cli/t3901 in make check when a GPU is present). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audio/cache.h"
#include "core/rng.h"
#include "arrays.h"
#include "harness.h"
#include "nn/device.h"
#include "nn/model.h"
#include "trainer/data.h"

#define TOL 1e-3
#define TOL_BF16 2e-2
/* A whole model in tf32 against the CPU: its layers meet TOL on equal inputs (gemm_layers), but
 * through a model each forward rounds its pre-activations its own way, and where one lies within
 * tf32's rounding (2^-11) of zero the two fused ReLUs pass and block different units. Such a unit's
 * gradient row is whole on one side and zero on the other; AdamW's first step (about lr times the
 * sign of each gradient) then moves the row on one side only. On an H200 a dnn's gradients
 * differed by 3.3% and its weights after a step by 0.6% (fp32: 3e-7 and 2e-6). The loss is held to
 * TOL; gradients and weights to these bounds, which still catch a wrong layer or a lost update. */
#define TOL_TF32_MODEL_GRAD 0.1
#define TOL_TF32_MODEL_WEIGHTS 0.02

static const nn_device *dev;
static const nn_backend *cpu, *gpu;
static ws_rng rng;
static double gemm_tol = TOL;
static const char *prec_name = "fp32";

static float *randv(size_t n, float lo, float hi) { return randv_from(&rng, n, lo, hi); }

/* Device copies of host arrays, and back. */
static float *up(const float *h, size_t n)
{
    float *d = gpu->alloc((n ? n : 1) * sizeof *d);
    if (d && h) gpu->upload(d, h, n * sizeof *d);
    return d;
}

static float *down(const float *d, size_t n)
{
    float *h = malloc((n ? n : 1) * sizeof *h);
    gpu->download(h, d, n * sizeof *h);
    return h;
}

/* The largest error same() saw since worst_reset, and where: printed per group of checks, so a
 * run on a GPU shows how close each precision comes to its bound, not only whether it passed. */
static double worst_err;
static char worst_what[64];

static void worst_reset(void) { worst_err = 0; worst_what[0] = 0; }

static void worst_note(const char *group)
{
    printf("# %s (%s): largest relative error %.3g (%s)\n", group, prec_name, worst_err, worst_what);
}

/* Compares device array d with host array h; frees the download. */
static void same(const char *what, const float *d, const float *h, size_t n, double tol)
{
    float *g = down(d, n);
    double err = rel_err(g, h, n);
    CHECK(err <= tol, "%s (%s): relative error %.3g above %g", what, prec_name, err, tol);
    if (err >= worst_err) { worst_err = err; snprintf(worst_what, sizeof worst_what, "%s", what); }
    free(g);
}

static const nn_geom geoms[] = {
    /* n, c_in, h, w, c_out, h_out, w_out, kh, kw, sh, sw, ph, pw */
    {8, 1, 49, 40, 16, 25, 21, 10, 4, 2, 2, 5, 2},  /* dscnn's first conv on 49x40 */
    {6, 8, 12, 10, 12, 12, 10, 3, 3, 1, 1, 1, 1},
    {5, 6, 9, 7, 7, 4, 3, 3, 3, 2, 2, 0, 0},
    {7, 16, 13, 11, 24, 13, 11, 1, 1, 1, 1, 0, 0},  /* pointwise: one GEMM */
    {850, 1, 49, 40, 4, 25, 21, 10, 4, 2, 2, 5, 2}, /* im2col in two chunks (64 MiB of columns each) */
};

/* ---- layers --------------------------------------------------------------------------------- */

/* Each layer's backward is given the same forward output on both backends (the GPU's, copied
 * back): a fused ReLU masks dy by it, and where the two forwards round a pre-activation near zero
 * to opposite signs (tf32, bf16), masks that differ would move dx, dw and db by whole terms and
 * hide the backward's own error. */
static void gemm_layers(void)
{
    worst_reset();
    /* linear, with and without bias and ReLU */
    for (int variant = 0; variant < 2; variant++) {
        int n = 37, in = 150, out = 33, relu = variant;
        float *x = randv((size_t)n * in, -1, 1), *w = randv((size_t)out * in, -0.2f, 0.2f), *b = randv(out, -1, 1);
        float *y = zeros((size_t)n * out), *dy = randv((size_t)n * out, -1, 1), *dx = zeros((size_t)n * in);
        float *dw = randv((size_t)out * in, -1, 1), *db = randv(out, -1, 1);
        float *gx = up(x, (size_t)n * in), *gw = up(w, (size_t)out * in), *gb = variant ? up(b, out) : NULL;
        float *gy = up(NULL, (size_t)n * out), *gdy = up(dy, (size_t)n * out), *gdx = up(NULL, (size_t)n * in);
        float *gdw = up(dw, (size_t)out * in), *gdb = up(db, out);
        cpu->linear_fwd(n, in, out, x, w, variant ? b : NULL, y, relu);
        gpu->linear_fwd(n, in, out, gx, gw, gb, gy, relu);
        same("linear forward", gy, y, (size_t)n * out, gemm_tol);
        free(y);
        y = down(gy, (size_t)n * out);
        cpu->linear_bwd(n, in, out, x, w, y, dy, dx, dw, variant ? db : NULL, relu);
        gpu->linear_bwd(n, in, out, gx, gw, gy, gdy, gdx, gdw, variant ? gdb : NULL, relu);
        same("linear dx", gdx, dx, (size_t)n * in, gemm_tol);
        same("linear dw (accumulated)", gdw, dw, (size_t)out * in, gemm_tol);
        if (variant) same("linear db", gdb, db, out, TOL);
        free(x); free(w); free(b); free(y); free(dy); free(dx); free(dw); free(db);
        gpu->release(gx); gpu->release(gw); gpu->release(gb); gpu->release(gy); gpu->release(gdy);
        gpu->release(gdx); gpu->release(gdw); gpu->release(gdb);
    }
    /* convolutions: pointwise and im2col */
    for (size_t gi = 0; gi < sizeof geoms / sizeof *geoms; gi++) {
        const nn_geom *g = &geoms[gi];
        size_t K = (size_t)g->c_in * g->kh * g->kw, nx = (size_t)g->c_in * g->n * g->h_in * g->w_in;
        size_t ny = (size_t)g->c_out * g->n * g->h_out * g->w_out, nw = (size_t)g->c_out * K;
        float *x = randv(nx, -1, 1), *w = randv(nw, -0.3f, 0.3f), *b = randv(g->c_out, -1, 1), *y = zeros(ny);
        float *dy = randv(ny, -1, 1), *dx = zeros(nx), *dw = zeros(nw), *db = zeros(g->c_out);
        float *work = zeros(cpu->conv_work(g) + 16), *gwork = up(NULL, gpu->conv_work(g) + 16);
        float *gx = up(x, nx), *gw = up(w, nw), *gb = up(b, g->c_out), *gy = up(NULL, ny), *gdy = up(dy, ny);
        float *gdx = up(NULL, nx), *gdw = up(NULL, nw), *gdb = up(NULL, g->c_out);
        cpu->conv_fwd(g, x, w, b, y, 1, work);
        gpu->conv_fwd(g, gx, gw, gb, gy, 1, gwork);
        same("conv forward", gy, y, ny, gemm_tol);
        free(y);
        y = down(gy, ny);
        cpu->conv_bwd(g, x, w, y, dy, dx, dw, db, 1, work);
        gpu->conv_bwd(g, gx, gw, gy, gdy, gdx, gdw, gdb, 1, gwork);
        same("conv dx", gdx, dx, nx, gemm_tol);
        same("conv dw", gdw, dw, nw, gemm_tol);
        same("conv db", gdb, db, g->c_out, TOL);
        free(x); free(w); free(b); free(y); free(dy); free(dx); free(dw); free(db); free(work);
        gpu->release(gwork); gpu->release(gx); gpu->release(gw); gpu->release(gb); gpu->release(gy);
        gpu->release(gdy); gpu->release(gdx); gpu->release(gdw); gpu->release(gdb);
    }
    worst_note("linear and convolution layers");
}

static void test_layers_gemm_fp32(void) { nn_device_set_precision(dev, NN_PRECISION_FP32); gemm_tol = TOL; prec_name = "fp32"; gemm_layers(); }
static void test_layers_gemm_tf32(void) { nn_device_set_precision(dev, NN_PRECISION_TF32); gemm_tol = TOL; prec_name = "tf32"; gemm_layers(); }
static void test_layers_gemm_bf16(void)
{
    nn_device_set_precision(dev, NN_PRECISION_BF16);
    gemm_tol = TOL_BF16;
    prec_name = "bf16";
    gemm_layers();
    nn_device_set_precision(dev, NN_PRECISION_FP32);
    gemm_tol = TOL;
    prec_name = "fp32";
}

static void test_layers_other(void)
{
    for (size_t gi = 0; gi < sizeof geoms / sizeof *geoms; gi++) {     /* depthwise */
        nn_geom g = geoms[gi];
        g.c_out = g.c_in;
        size_t nx = (size_t)g.c_in * g.n * g.h_in * g.w_in, ny = (size_t)g.c_in * g.n * g.h_out * g.w_out;
        size_t nw = (size_t)g.c_in * g.kh * g.kw;
        float *x = randv(nx, -1, 1), *w = randv(nw, -1, 1), *dy = randv(ny, -1, 1), *y = zeros(ny), *dx = zeros(nx);
        float *dw = zeros(nw), *work = zeros(cpu->dwconv_work(&g) + 16), *gwork = up(NULL, gpu->dwconv_work(&g) + 16);
        float *gx = up(x, nx), *gw = up(w, nw), *gdy = up(dy, ny), *gy = up(NULL, ny), *gdx = up(NULL, nx), *gdw = up(NULL, nw);
        cpu->dwconv_fwd(&g, x, w, y, work);
        gpu->dwconv_fwd(&g, gx, gw, gy, gwork);
        same("depthwise forward", gy, y, ny, TOL);
        cpu->dwconv_bwd(&g, x, w, dy, dx, dw, work);
        gpu->dwconv_bwd(&g, gx, gw, gdy, gdx, gdw, gwork);
        same("depthwise dx", gdx, dx, nx, TOL);
        same("depthwise dw", gdw, dw, nw, TOL);
        free(x); free(w); free(dy); free(y); free(dx); free(dw); free(work);
        gpu->release(gwork); gpu->release(gx); gpu->release(gw); gpu->release(gdy); gpu->release(gy); gpu->release(gdx); gpu->release(gdw);
    }
    for (int train = 0; train < 2; train++)                             /* batch norm */
        for (int relu = 0; relu < 2; relu++) {
            int C = 12;
            size_t m = 3000, n = C * m;
            float *x = randv(n, 1, 3), *ga = randv(C, 0.5f, 1.5f), *be = randv(C, -1, 1), *rm = randv(C, -1, 1);
            float *rv = randv(C, 0.5f, 2), *save = zeros(2 * C), *y = zeros(n), *dy = randv(n, -1, 1), *dx = zeros(n);
            float *dg = zeros(C), *db = zeros(C);
            float *gx = up(x, n), *gga = up(ga, C), *gbe = up(be, C), *grm = up(rm, C), *grv = up(rv, C);
            float *gsave = up(NULL, 2 * C), *gy = up(NULL, n), *gdy = up(dy, n), *gdx = up(NULL, n), *gdg = up(NULL, C), *gdb = up(NULL, C);
            cpu->bn_fwd(C, m, x, ga, be, rm, rv, 0.1f, 1e-5f, train, save, y, relu);
            gpu->bn_fwd(C, m, gx, gga, gbe, grm, grv, 0.1f, 1e-5f, train, gsave, gy, relu);
            same("batch norm forward", gy, y, n, TOL);
            same("batch norm running mean", grm, rm, C, TOL);
            same("batch norm running var", grv, rv, C, TOL);
            same("batch norm saved stats", gsave, save, 2 * C, TOL);
            float *gy2 = up(NULL, n);                                 /* the backward's recomputation */
            gpu->bn_apply(C, m, gx, gga, gbe, gsave, gy2, relu);
            same("batch norm output made again (bn_apply)", gy2, y, n, TOL);
            float *h2 = down(gy2, n), *h1 = down(gy, n);
            CHECK(memcmp(h2, h1, n * sizeof *h1) == 0, "bn_apply differs from the device's forward output (train %d, relu %d)",
                  train, relu);
            free(h1); free(h2);
            gpu->release(gy2);
            cpu->bn_bwd(C, m, x, ga, be, save, train, y, dy, dx, dg, db, relu);
            gpu->bn_bwd(C, m, gx, gga, gbe, gsave, train, gy, gdy, gdx, gdg, gdb, relu);
            same("batch norm dx", gdx, dx, n, TOL);
            same("batch norm dgamma", gdg, dg, C, TOL);
            same("batch norm dbeta", gdb, db, C, TOL);
            free(x); free(ga); free(be); free(rm); free(rv); free(save); free(y); free(dy); free(dx); free(dg); free(db);
            gpu->release(gx); gpu->release(gga); gpu->release(gbe); gpu->release(grm); gpu->release(grv);
            gpu->release(gsave); gpu->release(gy); gpu->release(gdy); gpu->release(gdx); gpu->release(gdg); gpu->release(gdb);
        }
    nn_geom pg = {6, 8, 25, 20, 8, 12, 10, 2, 2, 2, 2, 0, 0};             /* pooling */
    for (int kind = 0; kind < 2; kind++) {
        size_t nx = (size_t)8 * 6 * 25 * 20, ny = (size_t)8 * 6 * 12 * 10;
        float *x = randv(nx, -1, 1), *dy = randv(ny, -1, 1), *y = zeros(ny), *dx = zeros(nx);
        float *gx = up(x, nx), *gdy = up(dy, ny), *gy = up(NULL, ny), *gdx = up(NULL, nx);
        cpu->pool_fwd((nn_pool_kind)kind, &pg, x, y);
        gpu->pool_fwd((nn_pool_kind)kind, &pg, gx, gy);
        same("pool forward", gy, y, ny, TOL);
        cpu->pool_bwd((nn_pool_kind)kind, &pg, x, y, dy, dx);
        gpu->pool_bwd((nn_pool_kind)kind, &pg, gx, gy, gdy, gdx);
        same("pool backward", gdx, dx, nx, TOL);
        free(x); free(dy); free(y); free(dx);
        gpu->release(gx); gpu->release(gdy); gpu->release(gy); gpu->release(gdx);
    }
    int c = 16, n = 9, hw = 77;                                         /* gap, flatten, relu, dropout */
    size_t nx = (size_t)c * n * hw;
    float *x = randv(nx, -1, 1), *y = zeros(nx), *dx = zeros(nx), *gx = up(x, nx), *gy = up(NULL, nx), *gdx = up(NULL, nx);
    cpu->gap_fwd(c, n, hw, x, y); gpu->gap_fwd(c, n, hw, gx, gy); same("global pool forward", gy, y, (size_t)c * n, TOL);
    cpu->gap_bwd(c, n, hw, x, dx); gpu->gap_bwd(c, n, hw, gx, gdx); same("global pool backward", gdx, dx, nx, TOL);
    cpu->flatten_fwd(c, n, hw, x, y); gpu->flatten_fwd(c, n, hw, gx, gy); same("flatten forward", gy, y, nx, 0);
    cpu->flatten_bwd(c, n, hw, x, dx); gpu->flatten_bwd(c, n, hw, gx, gdx); same("flatten backward", gdx, dx, nx, 0);
    cpu->relu_fwd(nx, x, y); gpu->relu_fwd(nx, gx, gy); same("relu forward", gy, y, nx, 0);
    cpu->relu_bwd(nx, x, x, dx); gpu->relu_bwd(nx, gx, gx, gdx); same("relu backward", gdx, dx, nx, 0);
    cpu->dropout_fwd(nx, 0.3f, 77, x, y); gpu->dropout_fwd(nx, 0.3f, 77, gx, gy); same("dropout forward", gy, y, nx, 1e-7);
    cpu->dropout_bwd(nx, 0.3f, 77, x, dx); gpu->dropout_bwd(nx, 0.3f, 77, gx, gdx); same("dropout backward", gdx, dx, nx, 1e-7);
    CHECK_REL(gpu->sumsq(nx, gx), cpu->sumsq(nx, x), 1e-6);
    cpu->scale(nx, 0.7f, x); gpu->scale(nx, 0.7f, gx); same("scale", gx, x, nx, 0);
    cpu->fill(x, nx, 0.25f); gpu->fill(gx, nx, 0.25f); same("fill", gx, x, nx, 0);
    free(x); free(y); free(dx);
    gpu->release(gx); gpu->release(gy); gpu->release(gdx);
}

static void test_loss_and_update(void)
{
    int n = 50, k = 5, labels[50];
    for (int i = 0; i < n; i++) labels[i] = i % k;
    float *z = randv((size_t)n * k, -4, 4), *d = zeros((size_t)n * k), *gz = up(z, (size_t)n * k), *gd = up(NULL, (size_t)n * k);
    float w[5] = {1, 2, 0.5f, 1, 3};
    for (int v = 0; v < 4; v++) {
        const float *cw = v & 1 ? w : NULL;
        float s = v >= 2 ? 0.1f : 0, gm = v == 3 ? 2 : 0;
        double lc = cpu->xent(n, k, z, labels, cw, s, gm, 0.5f, d), lg = gpu->xent(n, k, gz, labels, cw, s, gm, 0.5f, gd);
        CHECK_REL(lg, lc, 1e-6);
        same("loss gradient", gd, d, (size_t)n * k, 1e-5);
    }
    free(z); free(d); gpu->release(gz); gpu->release(gd);
    size_t np = 100003;
    for (int kind = 0; kind < 3; kind++) {
        nn_update_args a = {kind, 0.01f, 0.9f, 0, 0.01f, 0.9f, 0.999f, 1e-8f, 1, 0, 0.19f, 0.0447f, 0.1f, 0.001f};
        float *p = randv(np, -1, 1), *g = randv(np, -1, 1), *s1 = randv(np, -1, 1), *s2 = randv(np, 0, 1);
        float *gp = up(p, np), *gg = up(g, np), *gs1 = up(s1, np), *gs2 = up(s2, np);
        cpu->update(&a, np, p, g, s1, s2);
        gpu->update(&a, np, gp, gg, gs1, gs2);
        same("optimizer parameters", gp, p, np, 1e-6);
        same("optimizer state", gs1, s1, np, 1e-6);
        free(p); free(g); free(s1); free(s2);
        gpu->release(gp); gpu->release(gg); gpu->release(gs1); gpu->release(gs2);
    }
}

/* ---- whole models --------------------------------------------------------------------------- */

static void model_step(nn_arch arch)
{
    nn_model_config mc;
    nn_model_config_default(&mc, arch);
    mc.dropout = 0.2;
    int frames = 49, feats = 40, k = 6, n = 32, labels[32];
    ws_err e = {0};
    nn_model *m1 = nn_model_create(&mc, k, frames, feats, 7, &e), *m2 = nn_model_create(&mc, k, frames, feats, 7, &e);
    CHECK(m1 && m2 && !nn_model_to_device(m2, dev, &e), "%s", e.msg);
    if (test_why[0]) { nn_model_free(m1); nn_model_free(m2); return; }
    nn_optim_config oc;
    nn_hparams hp;
    nn_hparams_default(&hp);
    oc = hp.optim;
    nn_optim *o1 = nn_optim_create(m1, &oc, 10, 0, &e), *o2 = nn_optim_create(m2, &oc, 10, 0, &e);
    size_t nx = (size_t)n * frames * feats, np = nn_model_n_params(m1);
    float *x = randv(nx, -2, 2), *gx = up(x, nx);
    for (int i = 0; i < n; i++) labels[i] = (i * 5) % k;
    double l1, l2;
    nn_zero_grad(m1);
    nn_zero_grad(m2);
    CHECK(!nn_accumulate(m1, x, labels, n, NULL, 1, &l1, &e) && !nn_accumulate(m2, gx, labels, n, NULL, 1, &l2, &e), "%s", e.msg);
    CHECK_REL(l2, l1, TOL);
    float *g1 = zeros(np), *g2 = zeros(np), *p1 = zeros(np), *p2 = zeros(np);
    nn_model_get_grads(m1, g1);
    nn_model_get_grads(m2, g2);
    const char *name = mc.arch == NN_DNN ? "dnn" : mc.arch == NN_CNN ? "cnn" : "dscnn";
    int tf32 = !strcmp(prec_name, "tf32");
    double ge = rel_err(g2, g1, np), gtol = tf32 ? TOL_TF32_MODEL_GRAD : TOL;
    double wtol = tf32 ? TOL_TF32_MODEL_WEIGHTS : TOL;
    CHECK(ge <= gtol, "%s: gradients (%s) differ by %g, above %g", name, prec_name, ge, gtol);
    nn_optim_step(o1, NULL);
    nn_optim_step(o2, NULL);
    nn_model_get_weights(m1, p1, NULL);
    nn_model_get_weights(m2, p2, NULL);
    double we = rel_err(p2, p1, np);
    CHECK(we <= wtol, "%s: weights after a step (%s) differ by %g, above %g", name, prec_name, we, wtol);
    printf("# %s (%s): loss %.3g, gradients %.3g, weights after a step %.3g (relative errors)\n", name, prec_name,
           fabs(l2 - l1) / fmax(fabs(l1), 1e-30), ge, we);
    free(x); free(g1); free(g2); free(p1); free(p2);
    gpu->release(gx);
    nn_optim_free(o1); nn_optim_free(o2);
    nn_model_free(m1); nn_model_free(m2);
    nn_hparams_release(&hp);
}

static void test_models_fp32(void)
{
    nn_device_set_precision(dev, NN_PRECISION_FP32);
    prec_name = "fp32";
    model_step(NN_DNN); model_step(NN_CNN); model_step(NN_DSCNN);
}

static void test_models_tf32(void)
{
    nn_device_set_precision(dev, NN_PRECISION_TF32);
    prec_name = "tf32";
    model_step(NN_DNN); model_step(NN_CNN); model_step(NN_DSCNN);
    nn_device_set_precision(dev, NN_PRECISION_FP32);
    prec_name = "fp32";
}

/* ---- training sessions against train-trial's CPU loop ------------------------------------------ */

enum { CLIPS = 96, FRAMES = 49, MELS = 40, BATCH = 16, NOISE_FRAMES = 300, K = 4, STEPS = 3 };

typedef struct {
    audio_cache cache;
    float *feat, *noise_p;
    int32_t labels[CLIPS];
    int order[CLIPS], val[CLIPS];
    nn_noise noise, list;   /* list: what session() passes, cleared once the session is made */
    trainer_data data;
    nn_hparams hp;
} fixture;

static void fixture_init(fixture *f, trainer_transform tf)
{
    memset(f, 0, sizeof *f);
    ws_rng_seed(&rng, 777);         /* the same data every time (determinism compares two runs) */
    f->feat = randv((size_t)CLIPS * FRAMES * MELS, 0, 3);
    f->noise_p = randv((size_t)NOISE_FRAMES * MELS, 0, 1);
    for (int i = 0; i < CLIPS; i++) {
        f->labels[i] = i % K;
        f->order[i] = (i * 37) % CLIPS;
        f->val[i] = i;
        for (int j = 0; j < FRAMES * MELS; j += 7) f->feat[(size_t)i * FRAMES * MELS + j] *= 1 + (float)(i % K);
    }
    f->cache.n_clips = CLIPS; f->cache.n_frames = FRAMES; f->cache.n_mels = MELS; f->cache.n_classes = K;
    f->cache.features = f->feat; f->cache.labels = f->labels;
    f->noise = (nn_noise){f->noise_p, NOISE_FRAMES, MELS};
    ws_err e;
    trainer_data_init(&f->data, &f->cache, tf, 13, f->order, CLIPS, BATCH, &e);
    nn_hparams_default(&f->hp);
    f->hp.model.channels = 24;
    f->hp.model.blocks = 2;
    f->hp.model.dropout = 0.1;
    f->hp.optim.clip_norm = 0.5;
    f->hp.loss.label_smoothing = 0.05;
    f->hp.aug = (nn_augment_config){0.7, 0, 20, 3, 2, 6, 2, 5};
    long counts[K] = {30, 20, 26, 20};
    nn_loss_balance(&f->hp.loss, counts, K, &e);
}

static void fixture_release(fixture *f)
{
    trainer_data_release(&f->data);
    nn_hparams_release(&f->hp);
    free(f->feat);
    free(f->noise_p);
}

static nn_dtrain *session(fixture *f, nn_model **m, ws_err *e)
{
    nn_data_desc d = {f->feat, f->labels, CLIPS, FRAMES, MELS, K, &f->noise, 1, f->data.transform == TRAINER_MFCC,
                      f->data.n_feat, f->data.dct, f->data.mean, f->data.inv_std};
    *m = nn_model_create(&f->hp.model, K, FRAMES, f->data.n_feat, 11, e);
    if (!*m) return NULL;
    /* the noise list as train-trial passes it: a copy it frees once the session is made (the data
     * is uploaded on create). Cleared here rather than freed, so that a backend still reading it
     * reads 0 frames every time: the emulation did (SIGFPE in % frames, now and then in t3900) */
    f->list = f->noise;
    d.noise = &f->list;
    nn_dtrain *t = nn_dtrain_create(dev, *m, &f->hp, 100, 2, &d, BATCH, BATCH, CLIPS, f->val, CLIPS, e);
    memset(&f->list, 0, sizeof f->list);
    return t;
}

static void seeds(uint64_t *s, int *noise)
{
    for (int b = 0; b < CLIPS / BATCH; b++) { s[b] = ws_seed_mix(5, (uint64_t)b); noise[b] = b % 3 == 2 ? -1 : 0; }
}

static void dtrain_vs_cpu(trainer_transform tf)
{
    fixture f;
    fixture_init(&f, tf);
    ws_err e = {0};
    nn_model *mg = NULL, *mc = nn_model_create(&f.hp.model, K, FRAMES, f.data.n_feat, 11, &e);
    nn_dtrain *t = session(&f, &mg, &e);
    nn_optim *oc = mc ? nn_optim_create(mc, &f.hp.optim, 100, 2, &e) : NULL;
    CHECK(t && oc, "%s", e.msg);
    if (!t || !oc) goto out;
    uint64_t s[CLIPS / BATCH];
    int noise[CLIPS / BATCH], y[BATCH], yg[BATCH], ng;
    seeds(s, noise);
    size_t per = (size_t)FRAMES * f.data.n_feat, np = nn_model_n_params(mc);
    float *x = zeros(BATCH * per), *xg = zeros(BATCH * per);
    double losses[CLIPS / BATCH];
    CHECK(!nn_dtrain_epoch(t, f.order, CLIPS, s, noise, &e), "%s", e.msg);
    for (int b = 0; b < STEPS; b++) {
        double loss;
        trainer_data_batch(&f.data, f.order + b * BATCH, BATCH, &f.hp.aug, noise[b] >= 0 ? &f.noise : NULL, s[b], x, y, &e);
        nn_zero_grad(mc);
        nn_accumulate(mc, x, y, BATCH, &f.hp.loss, 1, &loss, &e);
        nn_optim_step(oc, NULL);
        CHECK(!nn_dtrain_batch(t, b, 1, 1, 1, &e), "%s", e.msg);
        CHECK(!nn_dtrain_last_batch(t, xg, yg, &ng, &e) && ng == BATCH, "%s", e.msg);
        CHECK(!memcmp(y, yg, sizeof y), "batch %d: labels", b);
        CHECK(rel_err(xg, x, BATCH * per) <= 1e-5, "batch %d: features differ by %g", b, rel_err(xg, x, BATCH * per));
        losses[b] = loss;
    }
    double lg[CLIPS / BATCH];       /* the epoch's slots; the first STEPS ran */
    CHECK(!nn_dtrain_losses(t, lg, &e), "%s", e.msg);
    for (int b = 0; b < STEPS; b++) CHECK_REL(lg[b], losses[b], TOL);
    float *pc = zeros(np), *pg = zeros(np);
    nn_model_get_weights(mc, pc, NULL);
    nn_model_get_weights(mg, pg, NULL);
    CHECK(rel_err(pg, pc, np) <= TOL, "weights after %d steps differ by %g", STEPS, rel_err(pg, pc, np));
    /* validation counts against nn_predict on the CPU model */
    nn_metrics mt;
    nn_metrics_init(&mt, K, &e);
    long conf[K * K] = {0};
    float *logits = zeros(BATCH * K), *lv = zeros(CLIPS * K);   /* lv: the logits it downloads, val order */
    CHECK(!nn_dtrain_confusion(t, conf, NULL, lv, &e), "%s", e.msg);
    for (int s0 = 0; s0 < CLIPS; s0 += BATCH) {
        trainer_data_batch(&f.data, f.val + s0, BATCH, NULL, NULL, 0, x, y, &e);
        nn_predict(mc, x, BATCH, logits, &e);
        nn_metrics_add(&mt, logits, y, BATCH);
        CHECK(rel_err(lv + (size_t)s0 * K, logits, BATCH * K) <= TOL, "validation logits of clips %d..%d differ by %g",
              s0, s0 + BATCH - 1, rel_err(lv + (size_t)s0 * K, logits, BATCH * K));
    }
    long diff = 0;
    for (int i = 0; i < K * K; i++) diff += labs(conf[i] - mt.confusion[i]);
    CHECK(diff <= 2, "validation counts differ in %ld places (near ties may flip one clip)", diff / 2);
    nn_metrics_release(&mt);
    free(x); free(xg); free(pc); free(pg); free(logits); free(lv);
out:
    nn_dtrain_free(t);
    nn_optim_free(oc);
    nn_model_free(mc);
    nn_model_free(mg);
    fixture_release(&f);
}

static void test_dtrain_logmel(void) { dtrain_vs_cpu(TRAINER_LOGMEL); }
static void test_dtrain_mfcc(void) { dtrain_vs_cpu(TRAINER_MFCC); }

/* Weights after one epoch of a session at the device's current precision. */
static float *epoch_weights(size_t *np, nn_device_counters *step_calls)
{
    fixture f;
    fixture_init(&f, TRAINER_LOGMEL);
    ws_err e = {0};
    nn_model *m = NULL;
    nn_dtrain *t = session(&f, &m, &e);
    float *w = NULL;
    CHECK(t, "%s", e.msg);
    if (t) {
        uint64_t s[CLIPS / BATCH];
        int noise[CLIPS / BATCH];
        double l[CLIPS / BATCH];
        seeds(s, noise);
        nn_dtrain_epoch(t, f.order, CLIPS, s, noise, &e);
        nn_device_counters a, b;
        nn_device_counters_get(dev, &a);
        for (long k = 0; k < CLIPS / BATCH; k++) CHECK(!nn_dtrain_batch(t, k, 0.5f, k % 2 == 0, k % 2 == 1, &e), "%s", e.msg);
        nn_device_counters_get(dev, &b);
        if (step_calls)
            *step_calls = (nn_device_counters){b.allocs - a.allocs, b.frees - a.frees, b.syncs - a.syncs, b.h2d - a.h2d, b.d2h - a.d2h};
        CHECK(!nn_dtrain_losses(t, l, &e), "%s", e.msg);
        *np = nn_model_n_params(m) + nn_model_n_buffers(m);
        w = zeros(*np);
        nn_model_get_weights(m, w, w + nn_model_n_params(m));
    }
    nn_dtrain_free(t);
    nn_model_free(m);
    fixture_release(&f);
    return w;
}

static void test_step_no_alloc_no_sync(void)
{
    size_t np;
    nn_device_counters c;
    free(epoch_weights(&np, &c));
    CHECK(c.allocs == 0 && c.frees == 0 && c.syncs == 0 && c.h2d == 0 && c.d2h == 0,
          "inside %d training steps: %ld allocations, %ld frees, %ld synchronisations, %ld uploads, %ld downloads",
          CLIPS / BATCH, c.allocs, c.frees, c.syncs, c.h2d, c.d2h);
}

static void test_determinism(void)
{
    nn_device_set_precision(dev, NN_PRECISION_TF32);
    size_t n1 = 0, n2 = 0;
    float *a = epoch_weights(&n1, NULL), *b = epoch_weights(&n2, NULL);
    CHECK(a && b && n1 == n2 && !memcmp(a, b, n1 * sizeof *a), "two sessions from the same seed differ (tf32)");
    free(a); free(b);
    nn_device_set_precision(dev, NN_PRECISION_FP32);
}

static void test_out_of_memory(void)
{
    nn_model_config mc;
    nn_model_config_default(&mc, NN_DSCNN);
    ws_err e = {0};
    nn_model *m = nn_model_create(&mc, 4, 98, 40, 3, &e);
    CHECK(m && !nn_model_to_device(m, dev, &e), "%s", e.msg);
    if (!m) return;
    CHECK(nn_model_reserve(m, 1 << 24, &e) && e.kind == WS_ENOMEM && strstr(e.msg, "out of memory"),
          "a batch of 16M clips did not fail as out of memory: %s", e.msg);
    float *x = up(NULL, (size_t)8 * 98 * 40);
    int labels[8] = {0};
    double loss;
    CHECK(!nn_accumulate(m, x, labels, 8, NULL, 1, &loss, &e) && isfinite(loss), "the device is unusable after an OOM: %s", e.msg);
    gpu->release(x);
    nn_model_free(m);
    /* a memory limit makes a session fail the same way (what WS_CUDA_MEM_MIB does) */
    fixture f;
    fixture_init(&f, TRAINER_LOGMEL);
    nn_device_set_memory_limit(dev, (size_t)1 << 20);
    nn_dtrain *t = session(&f, &m, &e);
    CHECK(!t && e.kind == WS_ENOMEM && strstr(e.msg, "out of memory"), "under a 1 MiB limit: %s", t ? "created" : e.msg);
    nn_dtrain_free(t);
    nn_model_free(m);
    nn_device_set_memory_limit(dev, 0);
    t = session(&f, &m, &e);
    CHECK(t, "after the limit is lifted: %s", e.msg);
    nn_dtrain_free(t);
    nn_model_free(m);
    /* the probe's batch fits */
    nn_data_desc d = {f.feat, f.labels, CLIPS, FRAMES, MELS, K, &f.noise, 1, 0, MELS, NULL, f.data.mean, f.data.inv_std};
    nn_probe p;
    /* 256 MiB on a GPU; 64 MiB on the host emulation, whose probe steps (batches up to twice
     * the answer) run on the CPU: a batch of ~170 there, not ~720 (most of t3900's time) */
    size_t probe_mib = strstr(nn_device_name(dev), "host emulation") ? 64 : 256;
    nn_device_set_memory_limit(dev, probe_mib << 20);
    CHECK(!nn_device_probe_batch(dev, &f.hp, K, FRAMES, MELS, &d, 65536, 1, &p, &e) && p.batch >= 1, "probe: %s", e.msg);
    nn_device_set_memory_limit(dev, 0);
    m = nn_model_create(&f.hp.model, K, FRAMES, MELS, 3, &e);
    CHECK(m && !nn_model_to_device(m, dev, &e) && !nn_model_reserve(m, p.batch, &e), "the probed batch %d: %s", p.batch, e.msg);
    nn_model_free(m);
    printf("# probe under a %zu MiB limit: batch %d (%zu bytes per sample)\n", probe_mib, p.batch, p.sample_bytes);
    fixture_release(&f);
}

/* Batches that do not fit under WS_CUDA_MEM_MIB's limit: out of memory by kind, and the message
 * gives the room left under the limit, not the GPU's free memory. */
static void test_oom_under_limit(void)
{
    fixture f;
    fixture_init(&f, TRAINER_LOGMEL);
    nn_data_desc d = {f.feat, f.labels, CLIPS, FRAMES, MELS, K, &f.noise, 1, 0, MELS, NULL, f.data.mean, f.data.inv_std};
    ws_err e = {0};
    nn_model *m = nn_model_create(&f.hp.model, K, FRAMES, MELS, 3, &e);
    nn_device_set_memory_limit(dev, (size_t)64 << 20);
    int big = 1 << 20;           /* 7.5 GiB of batch buffers */
    nn_dtrain *t = m ? nn_dtrain_create(dev, m, &f.hp, 100, 2, &d, big, big, CLIPS, f.val, CLIPS, &e) : NULL;
    nn_device_set_memory_limit(dev, 0);
    const char *at = strstr(e.msg, "MiB; ");
    long free_mib = at ? atol(at + 5) : -1;
    CHECK(!t && e.kind == WS_ENOMEM && strstr(e.msg, "out of memory for batches of 1048576") && free_mib >= 0
          && free_mib <= 64, "batches of 2^20 under a 64 MiB limit: %s", t ? "created" : e.msg);
    nn_dtrain_free(t);
    nn_model_free(m);
    fixture_release(&f);
}

int main(void)
{
    char note[700];
    ws_err e = {0};
    if (nn_device_select("auto", NN_PRECISION_FP32, &dev, note, sizeof note, &e) || !nn_device_is_cuda(dev)) {
        printf("skip gpu: %s\n", note[0] ? note : e.msg);
        return 0;
    }
    printf("# %s\n", nn_device_name(dev));
    ws_rng_seed(&rng, 4242);
    nn_set_threads(2, 0);
    cpu = nn_backend_cpu();
    gpu = nn_device_backend(dev);
    RUN(test_layers_gemm_fp32);
    RUN(test_layers_gemm_tf32);
    RUN(test_layers_gemm_bf16);
    RUN(test_layers_other);
    RUN(test_loss_and_update);
    RUN(test_models_fp32);
    RUN(test_models_tf32);
    RUN(test_dtrain_logmel);
    RUN(test_dtrain_mfcc);
    RUN(test_step_no_alloc_no_sync);
    RUN(test_determinism);
    RUN(test_out_of_memory);
    RUN(test_oom_under_limit);
    return test_summary();
}
