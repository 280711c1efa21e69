/* test_nn_cpu_kernels.c — the CPU backend's convolutions against a direct double-precision
 * reference, geometry by geometry: forward (bias, ReLU), input gradient, weight and bias
 * gradients (accumulated onto what was there). The geometries are picked to reach every path
 * of backend_cpu.c: the AVX-512 GEMM kernel (channel counts that are multiples of 8) and the
 * OpenBLAS one (others), the input gradient as a convolution of dy (stride 1, same width) and
 * through col2im (strided, even kernels), the transposed weight gradient, pointwise layers with
 * ragged column counts, small im2col chunks, 3 threads; 3x3 "same" convolutions both through
 * im2col and as Winograd's F(2x2, 3x3) (nn_cpu_set_winograd forces each; its transforms both
 * as the CPU runs them and as plain C, nn_cpu_set_winograd_plain); for depthwise
 * convolution the masked AVX-512 planes (3x3, 5x5) and the fallbacks (even kernels, no
 * padding, strided, planes too large for the mask table). On a CPU without AVX-512 the same cases check the other paths.
 * And batch norm's bn_apply, which the backward pass uses to make a BN output again, against
 * the output bn_fwd wrote: the same bits; and 2x2 max pooling against torch's first-maximum
 * rule, bit for bit. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/rng.h"
#include "harness.h"
#include "nn/backend.h"
#include "nn/nn.h"

#define TOL 2e-5   /* relative L2 error, float against double */

static int conv_cases_failed;   /* check_conv's cases over TOL, for the tests that count them */

static float *rnd(ws_rng *g, size_t n)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = (float)(2.0 * ws_rng_uniform(g) - 1.0);
    return v;
}

/* ||a - ref|| / ||ref||, a float, ref double. */
static double rel_err(const float *a, const double *ref, size_t n)
{
    double d = 0, r = 0;
    for (size_t i = 0; i < n; i++) {
        d += ((double)a[i] - ref[i]) * ((double)a[i] - ref[i]);
        r += ref[i] * ref[i];
    }
    return r > 0 ? sqrt(d / r) : sqrt(d);
}

static void out_size(nn_geom *g)
{
    g->h_out = (g->h_in + 2 * g->ph - g->kh) / g->sh + 1;
    g->w_out = (g->w_in + 2 * g->pw - g->kw) / g->sw + 1;
}

/* Input index of output (oh, ow) under tap (i, j), or -1 in the padding. */
static long tap_at(const nn_geom *g, int oh, int ow, int i, int j)
{
    int ih = oh * g->sh - g->ph + i, iw = ow * g->sw - g->pw + j;
    if (ih < 0 || ih >= g->h_in || iw < 0 || iw >= g->w_in) return -1;
    return (long)ih * g->w_in + iw;
}

/* One convolution (groups 1 or depthwise) on CNHW data, every output checked. */
static void check_conv(const char *name, nn_geom g, int depthwise, int relu, int bias, uint64_t seed)
{
    const nn_backend *be = nn_backend_cpu();
    ws_rng r;
    ws_rng_seed(&r, seed);
    if (depthwise) g.c_out = g.c_in;
    out_size(&g);
    size_t P = (size_t)g.h_out * g.w_out, plane = (size_t)g.h_in * g.w_in, T = (size_t)g.kh * g.kw;
    size_t nx = (size_t)g.c_in * g.n * plane, ny = (size_t)g.c_out * g.n * P;
    size_t nw = depthwise ? (size_t)g.c_in * T : (size_t)g.c_out * g.c_in * T;
    float *x = rnd(&r, nx), *w = rnd(&r, nw), *b = bias ? rnd(&r, (size_t)g.c_out) : NULL, *dy = rnd(&r, ny);
    float *dw0 = rnd(&r, nw), *db0 = rnd(&r, (size_t)g.c_out);
    float *y = calloc(ny, sizeof *y), *dx = calloc(nx, sizeof *dx);
    float *dw = malloc(nw * sizeof *dw), *db = malloc((size_t)g.c_out * sizeof *db);
    memcpy(dw, dw0, nw * sizeof *dw);
    memcpy(db, db0, (size_t)g.c_out * sizeof *db);
    size_t nwork = depthwise ? be->dwconv_work(&g) : be->conv_work(&g);
    /* exactly the floats conv_work asks for (the sanitizer build sees a read or write past
     * them), filled with NaN: a scratch float read before it is written shows in the results */
    float *work = malloc((nwork ? nwork : 1) * sizeof *work);
    for (size_t k = 0; k < nwork; k++) work[k] = NAN;
    double *yr = calloc(ny, sizeof *yr), *dxr = calloc(nx, sizeof *dxr), *dwr = calloc(nw, sizeof *dwr);
    double *dbr = calloc((size_t)g.c_out, sizeof *dbr);

    /* the reference: y, then (with dy masked by the backend's own y under ReLU) dx, dw, db */
    for (int o = 0; o < g.c_out; o++)
        for (int s = 0; s < g.n; s++)
            for (int oh = 0; oh < g.h_out; oh++)
                for (int ow = 0; ow < g.w_out; ow++) {
                    double v = b ? b[o] : 0.0;
                    for (int c = depthwise ? o : 0; c < (depthwise ? o + 1 : g.c_in); c++)
                        for (int i = 0; i < g.kh; i++)
                            for (int j = 0; j < g.kw; j++) {
                                long at = tap_at(&g, oh, ow, i, j);
                                size_t wi = depthwise ? (size_t)c * T + (size_t)i * g.kw + j
                                                      : (((size_t)o * g.c_in + c) * g.kh + i) * g.kw + j;
                                if (at >= 0) v += (double)w[wi] * x[((size_t)c * g.n + s) * plane + (size_t)at];
                            }
                    yr[((size_t)o * g.n + s) * P + (size_t)oh * g.w_out + ow] = relu && v < 0 ? 0.0 : v;
                }
    if (depthwise) be->dwconv_fwd(&g, x, w, y, work);
    else be->conv_fwd(&g, x, w, b, y, relu, work);
    double ey = rel_err(y, yr, ny);
    for (size_t k = 0; k < ny; k++)
        if (relu && !(y[k] > 0.0f)) dy[k] = 0.0f;   /* what conv_bwd's mask does */
    for (int o = 0; o < g.c_out; o++)
        for (int s = 0; s < g.n; s++)
            for (int oh = 0; oh < g.h_out; oh++)
                for (int ow = 0; ow < g.w_out; ow++) {
                    double d = dy[((size_t)o * g.n + s) * P + (size_t)oh * g.w_out + ow];
                    dbr[o] += d;
                    for (int c = depthwise ? o : 0; c < (depthwise ? o + 1 : g.c_in); c++)
                        for (int i = 0; i < g.kh; i++)
                            for (int j = 0; j < g.kw; j++) {
                                long at = tap_at(&g, oh, ow, i, j);
                                if (at < 0) continue;
                                size_t wi = depthwise ? (size_t)c * T + (size_t)i * g.kw + j
                                                      : (((size_t)o * g.c_in + c) * g.kh + i) * g.kw + j;
                                size_t xi = ((size_t)c * g.n + s) * plane + (size_t)at;
                                dwr[wi] += d * x[xi];
                                dxr[xi] += d * w[wi];
                            }
                }
    /* conv_bwd masks (overwrites) its dy: give it a copy */
    float *dy_in = malloc(ny * sizeof *dy_in);
    memcpy(dy_in, dy, ny * sizeof *dy);
    if (depthwise) be->dwconv_bwd(&g, x, w, dy_in, dx, dw, work);
    else be->conv_bwd(&g, x, w, y, dy_in, dx, dw, b ? db : NULL, relu, work);
    for (size_t k = 0; k < nw; k++) dw[k] -= dw0[k];
    for (int o = 0; o < g.c_out; o++) db[o] -= db0[o];
    double edx = rel_err(dx, dxr, nx), edw = rel_err(dw, dwr, nw), edb = b && !depthwise ? rel_err(db, dbr, (size_t)g.c_out) : 0;
    fprintf(stderr, "%-28s y %.1e  dx %.1e  dw %.1e  db %.1e\n", name, ey, edx, edw, edb);
    if (!(ey <= TOL && edx <= TOL && edw <= TOL && edb <= TOL)) conv_cases_failed++;
    CHECK(ey <= TOL, "%s: output, relative error %.3g", name, ey);
    CHECK(edx <= TOL, "%s: input gradient, relative error %.3g", name, edx);
    CHECK(edw <= TOL, "%s: weight gradient, relative error %.3g", name, edw);
    CHECK(edb <= TOL, "%s: bias gradient, relative error %.3g", name, edb);
    free(x); free(w); free(b); free(dy); free(dy_in); free(dw0); free(db0); free(y); free(dx); free(dw); free(db);
    free(work); free(yr); free(dxr); free(dwr); free(dbr);
}

static nn_geom geom(int n, int c_in, int c_out, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw)
{
    nn_geom g = {n, c_in, h, w, c_out, 0, 0, kh, kw, sh, sw, ph, pw};
    return g;
}

static void test_conv_paths(void)
{
    nn_cpu_set_winograd(-1, 0);   /* the 3x3 "same" cases through im2col; test_conv_winograd has the other */
    check_conv("3x3 same, 8->16", geom(3, 8, 16, 9, 7, 3, 3, 1, 1, 1, 1), 0, 1, 1, 1);
    check_conv("3x3 same, 8->16, no relu", geom(2, 8, 16, 9, 7, 3, 3, 1, 1, 1, 1), 0, 0, 1, 2);
    check_conv("5x5 same, 8->8", geom(4, 8, 8, 6, 5, 5, 5, 1, 1, 2, 2), 0, 1, 1, 3);
    check_conv("4x3 s2x2, 1->8", geom(2, 1, 8, 11, 9, 4, 3, 2, 2, 2, 1), 0, 1, 1, 4);
    check_conv("10x4 s2x2, 1->32", geom(2, 1, 32, 21, 12, 10, 4, 2, 2, 5, 2), 0, 1, 1, 5);
    check_conv("2x4 s1 (even), 8->8", geom(2, 8, 8, 7, 6, 2, 4, 1, 1, 1, 2), 0, 1, 1, 6);
    /* dy's transpose for the weight gradient: 16-row blocks, then 8 rows; 63 positions a sample */
    check_conv("3x3 same, 8->40", geom(3, 8, 40, 9, 7, 3, 3, 1, 1, 1, 1), 0, 1, 1, 15);
    check_conv("3x3 same, 5->6 (BLAS)", geom(2, 5, 6, 6, 5, 3, 3, 1, 1, 1, 1), 0, 1, 1, 7);
    check_conv("1x1, 16->8, 90 columns", geom(2, 16, 8, 5, 9, 1, 1, 1, 1, 0, 0), 0, 0, 0, 8);
    check_conv("1x1, 8->24 relu bias", geom(3, 8, 24, 7, 11, 1, 1, 1, 1, 0, 0), 0, 1, 1, 9);
    check_conv("1x1, 5->7", geom(2, 5, 7, 4, 6, 1, 1, 1, 1, 0, 0), 0, 1, 1, 10);
    nn_cpu_set_winograd(0, 0);
}

/* Pointwise weight gradients, dw = dy x^T summed over positions (pw_bwd_task): 4 x 4 register
 * tiles over K blocks of positions on AVX-512, the last tile of a ragged channel count
 * overlapping the one before; OpenBLAS under 4 channels. Channel counts 8, 16, 24, 64 and
 * ragged ones (5, 7, 9, 13), position counts no multiple of 16 nor of the K block (105, 90,
 * 2040 = 1024 + 1016), one position; 3 threads with shares of two blocks (4080 = 1344 + 1344
 * + 1392), a share of 2 positions (130 = 64 + 64 + 2) and one with none (128 = 0 + 64 + 64). */
static void test_conv_pointwise_dw(void)
{
    check_conv("1x1, 8->8, 105 positions", geom(3, 8, 8, 5, 7, 1, 1, 1, 1, 0, 0), 0, 0, 0, 70);
    check_conv("1x1, 16->24", geom(2, 16, 24, 5, 9, 1, 1, 1, 1, 0, 0), 0, 1, 1, 71);
    check_conv("1x1, 24->16", geom(2, 24, 16, 5, 9, 1, 1, 1, 1, 0, 0), 0, 1, 0, 72);
    check_conv("1x1, 64->64, 51x20 (dscnn)", geom(2, 64, 64, 51, 20, 1, 1, 1, 1, 0, 0), 0, 1, 1, 73);
    check_conv("1x1, 9->13", geom(2, 9, 13, 3, 7, 1, 1, 1, 1, 0, 0), 0, 1, 1, 74);
    check_conv("1x1, 13->4", geom(2, 13, 4, 3, 7, 1, 1, 1, 1, 0, 0), 0, 0, 1, 75);
    check_conv("1x1, 3->8 (BLAS)", geom(2, 3, 8, 3, 7, 1, 1, 1, 1, 0, 0), 0, 1, 1, 76);
    check_conv("1x1, 8->2 (BLAS)", geom(2, 8, 2, 3, 7, 1, 1, 1, 1, 0, 0), 0, 0, 1, 77);
    check_conv("1x1, 8->8, one position", geom(1, 8, 8, 1, 1, 1, 1, 1, 1, 0, 0), 0, 1, 1, 78);
    nn_set_threads(3, 0);
    check_conv("1x1, 64->64, 3 threads", geom(2, 64, 64, 5, 13, 1, 1, 1, 1, 0, 0), 0, 1, 1, 79);
    check_conv("1x1, 64->64, 3 thr, 128 pos", geom(2, 64, 64, 8, 8, 1, 1, 1, 1, 0, 0), 0, 1, 1, 80);
    check_conv("1x1, 24->40, 3 thr (dscnn)", geom(4, 24, 40, 51, 20, 1, 1, 1, 1, 0, 0), 0, 1, 1, 81);
    nn_set_threads(1, 0);
}

/* check_conv with the variant of the Winograd transforms ("" or "C ") before the name. */
static void wino_case(const char *variant, const char *name, nn_geom g, int relu, int bias, uint64_t seed)
{
    char full[64];
    snprintf(full, sizeof full, "%s%s", variant, name);
    check_conv(full, g, 0, relu, bias, seed);
}

/* 3x3 convolutions at stride 1, padding 1 as Winograd's F(2x2, 3x3) (forced on), their weight
 * gradient as shifted GEMMs straight from x (through im2col where c_in is no multiple of 8):
 * 2x2 output tiles, partial where a height or width
 * is odd, planes of one tile or less, one row or one column, channel counts that take
 * gemm_rows's own kernel (multiples of 8; 16 and more: the AVX-512 transpose of dy) and
 * OpenBLAS (others, in each direction: the input gradient swaps them), with and without bias
 * and ReLU, rows of more than 16 tiles; chunks of one tile row and chunks that cross samples;
 * 3 threads, one of them with no sample; the cnn's conv1. Once with the transforms the CPU
 * runs (AVX-512 where it has it), once with their plain C loops (nn_cpu_set_winograd_plain;
 * names "C wino ..."): on an AVX-512 CPU these never run otherwise. */
static void conv_winograd(int plain)
{
    const char *v = plain ? "C " : "";
    nn_cpu_set_winograd(1, 0);
    nn_cpu_set_winograd_plain(plain);
    wino_case(v, "wino 9x7 (odd), 8->16", geom(3, 8, 16, 9, 7, 3, 3, 1, 1, 1, 1), 1, 1, 50);
    wino_case(v, "wino 8x6 (even), 8->8", geom(2, 8, 8, 8, 6, 3, 3, 1, 1, 1, 1), 1, 1, 51);
    wino_case(v, "wino 8x7, 16->32 no relu", geom(2, 16, 32, 8, 7, 3, 3, 1, 1, 1, 1), 0, 1, 52);
    wino_case(v, "wino 7x8, 16->16 no bias", geom(2, 16, 16, 7, 8, 3, 3, 1, 1, 1, 1), 1, 0, 53);
    wino_case(v, "wino 1x1 plane, 8->8", geom(3, 8, 8, 1, 1, 3, 3, 1, 1, 1, 1), 1, 1, 54);
    wino_case(v, "wino 1x2 plane, 8->16", geom(2, 8, 16, 1, 2, 3, 3, 1, 1, 1, 1), 1, 1, 55);
    wino_case(v, "wino 2x1 plane, 16->8", geom(2, 16, 8, 2, 1, 3, 3, 1, 1, 1, 1), 0, 1, 56);
    wino_case(v, "wino 1x9 plane, 8->8", geom(2, 8, 8, 1, 9, 3, 3, 1, 1, 1, 1), 1, 1, 66);
    wino_case(v, "wino 9x1 plane, 8->8", geom(2, 8, 8, 9, 1, 3, 3, 1, 1, 1, 1), 1, 1, 67);
    wino_case(v, "wino 6x5, 5->6 (BLAS)", geom(2, 5, 6, 6, 5, 3, 3, 1, 1, 1, 1), 1, 1, 57);
    wino_case(v, "wino 5x6, 8->6 (BLAS out)", geom(2, 8, 6, 5, 6, 3, 3, 1, 1, 1, 1), 1, 1, 58);
    wino_case(v, "wino 5x6, 6->8 (BLAS in)", geom(2, 6, 8, 5, 6, 3, 3, 1, 1, 1, 1), 1, 1, 59);
    wino_case(v, "wino 4x40, 1->8", geom(2, 1, 8, 4, 40, 3, 3, 1, 1, 1, 1), 1, 1, 60);
    wino_case(v, "wino 51x20, 32->32 (cnn)", geom(2, 32, 32, 51, 20, 3, 3, 1, 1, 1, 1), 1, 1, 61);
    nn_cpu_set_winograd(1, 1);   /* one tile row a chunk */
    wino_case(v, "wino 9x7, one-row chunks", geom(3, 8, 16, 9, 7, 3, 3, 1, 1, 1, 1), 1, 1, 62);
    nn_cpu_set_winograd(1, 16 * 24 * 4 * 3);   /* 3 of a plane's 5 tile rows: chunks cross samples */
    wino_case(v, "wino 9x7, 3-row chunks", geom(3, 8, 16, 9, 7, 3, 3, 1, 1, 1, 1), 1, 1, 63);
    nn_cpu_set_winograd(1, 0);
    nn_set_threads(3, 0);
    wino_case(v, "wino 9x7, 3 threads", geom(7, 8, 16, 9, 7, 3, 3, 1, 1, 1, 1), 1, 1, 64);
    wino_case(v, "wino 9x7, 3 threads, 2 samples", geom(2, 8, 16, 9, 7, 3, 3, 1, 1, 1, 1), 1, 1, 68);
    wino_case(v, "wino 51x20 (cnn), 3 threads", geom(4, 32, 32, 51, 20, 3, 3, 1, 1, 1, 1), 1, 1, 65);
    nn_set_threads(1, 0);
    nn_cpu_set_winograd(0, 0);
    nn_cpu_set_winograd_plain(0);
}

static void test_conv_winograd(void) { conv_winograd(0); }
static void test_conv_winograd_plain(void) { conv_winograd(1); }

/* One forward and backward (ReLU, bias) of g through the backend: y, dx, dw, db into out,
 * concatenated, for comparing runs bit by bit. Work as check_conv's: exact, NaN-filled. */
static float *conv_run(nn_geom g, uint64_t seed, size_t *len)
{
    const nn_backend *be = nn_backend_cpu();
    ws_rng r;
    ws_rng_seed(&r, seed);
    out_size(&g);
    size_t nx = (size_t)g.c_in * g.n * g.h_in * g.w_in, ny = (size_t)g.c_out * g.n * g.h_out * g.w_out;
    size_t nw = (size_t)g.c_out * g.c_in * g.kh * g.kw, nb = (size_t)g.c_out, nwork = be->conv_work(&g);
    float *x = rnd(&r, nx), *w = rnd(&r, nw), *b = rnd(&r, nb), *dy = rnd(&r, ny);
    float *out = calloc(ny + nx + nw + nb, sizeof *out), *work = malloc((nwork ? nwork : 1) * sizeof *work);
    for (size_t k = 0; k < nwork; k++) work[k] = NAN;
    be->conv_fwd(&g, x, w, b, out, 1, work);
    be->conv_bwd(&g, x, w, out, dy, out + ny, out + ny + nx, out + ny + nx + nw, 1, work);
    *len = ny + nx + nw + nb;
    free(x); free(w); free(b); free(dy); free(work);
    return out;
}

/* The Winograd path's edges at 1, 2, 3 and 7 shares (nn_set_threads(1, shares): the work
 * conv_work sizes for them, shares with no sample): the shifted weight gradient's reads around
 * the plane (the batch's first and last sample, 1-row, 1-column, 2-row, 2-column planes), the
 * fused per-sample input gradient, the im2col weight gradient beside it (c_in 5); each against
 * the direct reference. Then the same shares on 1 thread and on 3 and 7: the same bits. Once
 * with the CPU's transforms, once with the plain C ones (as test_conv_winograd), which then
 * must give the bits of the CPU's. */
static void conv_winograd_shares(int plain)
{
    static const int shape[][5] = {   /* n, c_in, c_out, h, w */
        {1, 8, 8, 1, 1}, {1, 8, 16, 1, 2}, {2, 8, 8, 2, 1}, {2, 8, 8, 2, 2}, {3, 8, 16, 1, 5},
        {3, 16, 8, 5, 1}, {5, 8, 8, 2, 3}, {4, 8, 8, 3, 2}, {3, 8, 8, 2, 17}, {2, 8, 8, 17, 2},
        {3, 5, 8, 2, 2}, {2, 8, 5, 1, 3},
    };
    static const int shares[] = {1, 2, 3, 7};
    int cases = 0, differ = 0;
    conv_cases_failed = 0;
    nn_cpu_set_winograd(1, 0);
    nn_cpu_set_winograd_plain(plain);
    for (size_t s = 0; s < sizeof shares / sizeof *shares; s++) {
        nn_set_threads(1, shares[s]);
        for (size_t k = 0; k < sizeof shape / sizeof *shape; k++) {
            const int *q = shape[k];
            char name[64];
            snprintf(name, sizeof name, "%swino %dx%d n%d %d->%d, %d sh", plain ? "C " : "", q[3], q[4], q[0], q[1],
                     q[2], shares[s]);
            check_conv(name, geom(q[0], q[1], q[2], q[3], q[4], 3, 3, 1, 1, 1, 1), 0, 1, 1, 70 + k);
            cases++;
        }
    }
    for (int sh = 3; sh <= 7; sh += 4)
        for (size_t k = 0; k < sizeof shape / sizeof *shape; k++) {
            const int *q = shape[k];
            nn_geom g = geom(q[0], q[1], q[2], q[3], q[4], 3, 3, 1, 1, 1, 1);
            size_t n1, n2;
            nn_set_threads(1, sh);
            float *a = conv_run(g, 90 + k, &n1);
            nn_set_threads(sh, sh);
            float *b = conv_run(g, 90 + k, &n2);
            if (n1 != n2 || memcmp(a, b, n1 * sizeof *a)) {
                fprintf(stderr, "%swino %dx%d n%d: %d shares on 1 and on %d threads differ\n", plain ? "C " : "", q[3],
                        q[4], q[0], sh, sh);
                differ++;
            }
            free(a); free(b);
        }
    /* the plain C loops and the AVX-512 ones do the same arithmetic in the same order (winograd.c):
     * the same bits (on a CPU without AVX-512 both runs take the C loops); the shapes above and
     * rows of more than 16 tiles (two vectors a row) */
    static const int wide[][5] = {{2, 1, 8, 4, 40}, {2, 8, 8, 3, 33}, {2, 32, 32, 51, 20}};
    int variants = 0, nshape = (int)(sizeof shape / sizeof *shape), nwide = (int)(sizeof wide / sizeof *wide);
    nn_set_threads(1, 3);
    for (int k = 0; plain && k < nshape + nwide; k++) {
        const int *q = k < nshape ? shape[k] : wide[k - nshape];
        nn_geom g = geom(q[0], q[1], q[2], q[3], q[4], 3, 3, 1, 1, 1, 1);
        size_t n1, n2;
        nn_cpu_set_winograd_plain(0);
        float *a = conv_run(g, 110 + (uint64_t)k, &n1);
        nn_cpu_set_winograd_plain(1);
        float *b = conv_run(g, 110 + (uint64_t)k, &n2);
        if (n1 != n2 || memcmp(a, b, n1 * sizeof *a)) {
            fprintf(stderr, "wino %dx%d n%d: the C transforms and the CPU's differ\n", q[3], q[4], q[0]);
            variants++;
        }
        free(a); free(b);
    }
    nn_set_threads(1, 0);
    nn_cpu_set_winograd(0, 0);
    nn_cpu_set_winograd_plain(0);
    CHECK(conv_cases_failed == 0, "%d of %d cases over the tolerance", conv_cases_failed, cases);
    CHECK(differ == 0, "%d geometries depend on the thread count", differ);
    CHECK(variants == 0, "%d geometries differ between the C transforms and the AVX-512 ones", variants);
}

static void test_conv_winograd_shares(void) { conv_winograd_shares(0); }
static void test_conv_winograd_shares_plain(void) { conv_winograd_shares(1); }

/* gemm_nt's edges through the pointwise backward (pw_bwd_task) at 1, 2, 3 and 7 shares: channel
 * counts of exactly 4, 5..7, 9..15, both ragged, c_in ragged alone (c_out 8), c_out ragged alone
 * (c_in 8), 3 (OpenBLAS); positions (one share's K) of 1, 15, 16, 17, 1023, 1024, 1025, and
 * splits large enough to run in shares (c_out c_in nP / 16 >= PAR_MIN): 4097 positions (shares
 * with a 1-position or ragged last block), 33024 at 4 x 4, 384 at 35 -> 41 (6 blocks of 64 for
 * 7 shares: one share with none); each against the direct reference, work exact and NaN-filled.
 * Then the same shares on 1 thread and on 3: the same bits. */
static void test_conv_pointwise_edges(void)
{
    static const int shape[][5] = {   /* n, c_in, c_out, h, w */
        {1, 4, 4, 1, 1}, {1, 5, 7, 3, 5}, {1, 7, 5, 4, 4}, {1, 9, 15, 1, 17}, {3, 15, 9, 11, 31},
        {1, 5, 8, 32, 32}, {1, 8, 6, 1, 1025}, {1, 4, 13, 1, 1024}, {1, 13, 4, 1, 15}, {1, 9, 15, 17, 241},
        {1, 3, 9, 1, 1025}, {2, 4, 4, 128, 129}, {1, 35, 41, 16, 24}, {1, 12, 11, 1, 4097},
    };
    static const int shares[] = {1, 2, 3, 7};
    int cases = 0, differ = 0;
    conv_cases_failed = 0;
    for (size_t s = 0; s < sizeof shares / sizeof *shares; s++) {
        nn_set_threads(1, shares[s]);
        for (size_t k = 0; k < sizeof shape / sizeof *shape; k++) {
            const int *q = shape[k];
            char name[64];
            snprintf(name, sizeof name, "1x1 %d pos %d->%d, %d sh", q[0] * q[3] * q[4], q[1], q[2], shares[s]);
            check_conv(name, geom(q[0], q[1], q[2], q[3], q[4], 1, 1, 1, 1, 0, 0), 0, k % 2, 1, 110 + k);
            cases++;
        }
    }
    for (int sh = 3; sh <= 7; sh += 4)
        for (size_t k = 0; k < sizeof shape / sizeof *shape; k++) {
            const int *q = shape[k];
            nn_geom g = geom(q[0], q[1], q[2], q[3], q[4], 1, 1, 1, 1, 0, 0);
            size_t n1, n2;
            nn_set_threads(1, sh);
            float *a = conv_run(g, 130 + k, &n1);
            nn_set_threads(3, sh);
            float *b = conv_run(g, 130 + k, &n2);
            if (n1 != n2 || memcmp(a, b, n1 * sizeof *a)) {
                fprintf(stderr, "1x1 %d->%d: %d shares on 1 and on 3 threads differ\n", q[1], q[2], sh);
                differ++;
            }
            free(a); free(b);
        }
    nn_set_threads(1, 0);
    CHECK(conv_cases_failed == 0, "%d of %d cases over the tolerance", conv_cases_failed, cases);
    CHECK(differ == 0, "%d geometries depend on the thread count", differ);
}

/* Non-finite values in the pointwise weight gradient's operands reach only the entries a plain
 * sum puts them in: dy row o' and x row c' poisoned (Inf, NaN) at the first positions of the
 * batch, where a share's masked tail past the row's end would read them (rows nP apart), and in
 * a share's middle; every other dw[o][c] has the bits of the clean run, the poisoned ones are
 * non-finite. Ragged channels (the overlapping edge tile computes the poisoned row again), 1
 * and 3 shares (the last three split: c_out c_in nP / 16 >= PAR_MIN), positions no multiple of 16. */
static void test_conv_pointwise_nonfinite(void)
{
    static const int shape[][5] = {
        {1, 7, 9, 1, 1041}, {1, 13, 6, 1, 37}, {1, 9, 15, 17, 241}, {1, 7, 9, 1, 8323}, {1, 13, 6, 1, 6737},
    };
    static const int shares[] = {1, 3};
    const nn_backend *be = nn_backend_cpu();
    int bad = 0, cases = 0;
    for (size_t s = 0; s < sizeof shares / sizeof *shares; s++) {
        nn_set_threads(1, shares[s]);
        for (size_t k = 0; k < sizeof shape / sizeof *shape; k++) {
            const int *q = shape[k];
            nn_geom g = geom(q[0], q[1], q[2], q[3], q[4], 1, 1, 1, 1, 0, 0);
            out_size(&g);
            size_t nP = (size_t)g.n * g.h_out * g.w_out, nx = (size_t)g.c_in * nP, ny = (size_t)g.c_out * nP;
            size_t nw = (size_t)g.c_out * g.c_in, nwork = be->conv_work(&g);
            int op = g.c_out - 2, cp = g.c_in - 1;   /* in the overlapping last tiles */
            ws_rng r;
            ws_rng_seed(&r, 150 + k);
            float *x = rnd(&r, nx), *w = rnd(&r, nw), *dy = rnd(&r, ny), *dy2 = malloc(ny * sizeof *dy2);
            float *dx = malloc(nx * sizeof *dx), *dw[2], *work = malloc((nwork ? nwork : 1) * sizeof *work);
            for (int run = 0; run < 2; run++) {
                dw[run] = calloc(nw, sizeof *dw[run]);
                if (run) {
                    for (size_t p = 0; p < 3; p++) dy[(size_t)op * nP + p] = INFINITY, x[(size_t)cp * nP + p] = NAN;
                    dy[(size_t)op * nP + nP / 2] = -INFINITY;
                    x[(size_t)cp * nP + nP / 2] = INFINITY;
                }
                for (size_t i = 0; i < nwork; i++) work[i] = NAN;
                memcpy(dy2, dy, ny * sizeof *dy);
                be->conv_bwd(&g, x, w, NULL, dy2, dx, dw[run], NULL, 0, work);
            }
            for (int o = 0; o < g.c_out; o++)
                for (int c = 0; c < g.c_in; c++) {
                    float a = dw[0][(size_t)o * g.c_in + c], b = dw[1][(size_t)o * g.c_in + c];
                    int ok = o == op || c == cp ? !isfinite(b) : isfinite(a) && memcmp(&a, &b, sizeof a) == 0;
                    if (!ok) {
                        if (bad < 8) fprintf(stderr, "nonfinite %d->%d, %d sh: dw[%d][%d] %g, clean %g\n", g.c_in,
                                             g.c_out, shares[s], o, c, b, a);
                        bad++;
                    }
                }
            cases++;
            free(x); free(w); free(dy); free(dy2); free(dx); free(dw[0]); free(dw[1]); free(work);
        }
    }
    nn_set_threads(1, 0);
    CHECK(bad == 0, "%d dw entries of %d cases not as a plain sum's", bad, cases);
}

/* A kernel more than twice the input's height, "same" padding at stride 1 (a cache of one or two
 * frames, kernel [11, 1] or [5, 5]): its first and last tap rows read padding only. im2col's
 * row range for such a tap began past the output (row 5 of 1), and its zeroing took a negative
 * size: train-trial died of SIGSEGV. Taller and wider, strided, and 3 threads too. */
static void test_conv_kernel_past_input(void)
{
    check_conv("11x1 same on a 1x1 plane", geom(3, 1, 8, 1, 1, 11, 1, 1, 1, 5, 0), 0, 1, 1, 30);
    check_conv("5x5 same on a 1x40 plane", geom(2, 1, 8, 1, 40, 5, 5, 1, 1, 2, 2), 0, 1, 1, 31);
    check_conv("7x3 same on 2x5, 5->6", geom(2, 5, 6, 2, 5, 7, 3, 1, 1, 3, 1), 0, 1, 1, 32);
    check_conv("1x11 same on 3x1", geom(2, 3, 8, 3, 1, 1, 11, 1, 1, 0, 5), 0, 0, 1, 33);
    check_conv("11x11 s2 on a 1x1 plane", geom(2, 1, 8, 1, 1, 11, 11, 2, 2, 5, 5), 0, 1, 1, 34);
    check_conv("depthwise 9x9 same on 2x3", geom(2, 3, 0, 2, 3, 9, 9, 1, 1, 4, 4), 1, 0, 0, 35);
    nn_set_threads(3, 0);
    check_conv("11x1 same on 1x1, 3 threads", geom(5, 2, 8, 1, 1, 11, 1, 1, 1, 5, 0), 0, 1, 1, 36);
    nn_set_threads(1, 0);
}

static void test_conv_chunks_threads(void)
{
    nn_cpu_set_winograd(-1, 0);
    nn_cpu_set_cols_budget(50);   /* one sample per im2col chunk */
    check_conv("3x3 same, one-sample chunks", geom(5, 8, 16, 9, 7, 3, 3, 1, 1, 1, 1), 0, 1, 1, 11);
    nn_cpu_set_cols_budget(0);
    nn_set_threads(3, 0);
    check_conv("3x3 same, 3 threads", geom(7, 8, 16, 9, 7, 3, 3, 1, 1, 1, 1), 0, 1, 1, 12);
    check_conv("1x1, 3 threads", geom(5, 16, 8, 9, 7, 1, 1, 1, 1, 0, 0), 0, 1, 1, 13);
    check_conv("depthwise 3x3, 3 threads", geom(3, 7, 0, 9, 7, 3, 3, 1, 1, 1, 1), 1, 0, 0, 14);
    nn_set_threads(1, 0);
    nn_cpu_set_winograd(0, 0);
}

static void test_dwconv_paths(void)
{
    check_conv("depthwise 3x3 same", geom(3, 5, 0, 9, 7, 3, 3, 1, 1, 1, 1), 1, 0, 0, 20);
    check_conv("depthwise 3x3 same, 51x21", geom(2, 3, 0, 51, 21, 3, 3, 1, 1, 1, 1), 1, 0, 0, 21);
    check_conv("depthwise 5x5 same", geom(2, 3, 0, 8, 6, 5, 5, 1, 1, 2, 2), 1, 0, 0, 22);
    check_conv("depthwise 1x3 same", geom(2, 3, 0, 5, 17, 1, 3, 1, 1, 0, 1), 1, 0, 0, 23);
    check_conv("depthwise 2x2 p1 (wider)", geom(2, 3, 0, 8, 6, 2, 2, 1, 1, 1, 1), 1, 0, 0, 24);
    check_conv("depthwise 3x3 p0 (narrower)", geom(2, 3, 0, 8, 6, 3, 3, 1, 1, 0, 0), 1, 0, 0, 25);
    check_conv("depthwise 3x3 s2", geom(2, 3, 0, 9, 7, 3, 3, 2, 2, 1, 1), 1, 0, 0, 26);
    check_conv("depthwise 3x3, 200x200 plane", geom(1, 2, 0, 200, 200, 3, 3, 1, 1, 1, 1), 1, 0, 0, 27);
    /* On AVX-512 CPUs, same-width planes go through padded copies where both fit the stack
     * buffers (backend_cpu.c, dw_pad_plan: 6144 floats): heights that shrink and grow, and the
     * largest square plane that fits (76x76: 78 x 78 + 18 floats) next to the smallest that
     * does not (77x77, the flat path). */
    check_conv("depthwise 3x1 p0 (shorter)", geom(2, 3, 0, 9, 7, 3, 1, 1, 1, 0, 0), 1, 0, 0, 36);
    check_conv("depthwise 2x3 p1 (taller)", geom(2, 3, 0, 9, 7, 2, 3, 1, 1, 1, 1), 1, 0, 0, 37);
    check_conv("depthwise 5x3 p4 (taller)", geom(2, 2, 0, 6, 5, 5, 3, 1, 1, 4, 1), 1, 0, 0, 38);
    check_conv("depthwise 3x3 same, 76x76", geom(1, 2, 0, 76, 76, 3, 3, 1, 1, 1, 1), 1, 0, 0, 39);
    check_conv("depthwise 3x3 same, 77x77", geom(1, 2, 0, 77, 77, 3, 3, 1, 1, 1, 1), 1, 0, 0, 40);
}

/* bn_apply from bn_fwd's saved statistics gives bn_fwd's output bit for bit (the backward
 * pass masks the ReLU and takes weight gradients with it), training and eval, on 1 and 3
 * threads. */
static void test_bn_apply(void)
{
    const nn_backend *be = nn_backend_cpu();
    ws_rng r;
    ws_rng_seed(&r, 31);
    int c = 7;
    size_t m = 4 * 51 * 21 + 3;
    float *x = rnd(&r, (size_t)c * m), *gamma = rnd(&r, c), *beta = rnd(&r, c), *mean = rnd(&r, c);
    float *var = rnd(&r, c), save[14], *y = malloc((size_t)c * m * sizeof *y), *y2 = malloc((size_t)c * m * sizeof *y2);
    for (size_t i = 0; i < (size_t)c * m; i++) x[i] = 3.0f * x[i] + 0.5f;
    for (int i = 0; i < c; i++) var[i] = 1.5f + var[i];
    for (int threads = 1; threads <= 3; threads += 2)
        for (int train = 0; train < 2; train++)
            for (int relu = 0; relu < 2; relu++) {
                nn_set_threads(threads, 0);
                be->bn_fwd(c, m, x, gamma, beta, mean, var, 0.1f, 1e-5f, train, save, y, relu);
                memset(y2, 0xff, (size_t)c * m * sizeof *y2);
                be->bn_apply(c, m, x, gamma, beta, save, y2, relu);
                size_t zeros = 0;
                for (size_t i = 0; i < (size_t)c * m; i++) zeros += y[i] == 0.0f;
                CHECK(memcmp(y, y2, (size_t)c * m * sizeof *y) == 0, "bn_apply differs from bn_fwd's output "
                      "(threads %d, train %d, relu %d)", threads, train, relu);
                CHECK(!relu || (zeros > 0 && zeros < (size_t)c * m), "relu %d: %zu zeros", relu, zeros);
            }
    nn_set_threads(1, 0);
    free(x); free(gamma); free(beta); free(mean); free(var); free(y); free(y2);
}

/* bn_bwd's ReLU mask is the forward output's (y > 0), which the CPU backend makes again from x
 * and the saved statistics rather than reading y (one array less from memory): its results with
 * y replaced by garbage (NaN, negative and positive values) are those with bn_fwd's own y, bit
 * for bit, training and eval, on 1 and 3 threads. */
static void test_bn_bwd_mask(void)
{
    const nn_backend *be = nn_backend_cpu();
    ws_rng r;
    ws_rng_seed(&r, 37);
    int c = 5;
    size_t m = 3 * 51 * 21 + 7, n = (size_t)c * m;
    float *x = rnd(&r, n), *gamma = rnd(&r, c), *beta = rnd(&r, c), *mean = rnd(&r, c), *var = rnd(&r, c);
    float *dy = rnd(&r, n), save[10], *y = malloc(n * sizeof *y), *junk = malloc(n * sizeof *junk);
    float *d1 = malloc(n * sizeof *d1), *d2 = malloc(n * sizeof *d2), g1[5], b1[5], g2[5], b2[5];
    for (size_t i = 0; i < n; i++) {
        x[i] = 3.0f * x[i] + 0.5f;
        junk[i] = i % 3 == 0 ? NAN : i % 3 == 1 ? -1.0f : 2.0f;
    }
    for (int i = 0; i < c; i++) var[i] = 1.5f + var[i];
    for (int threads = 1; threads <= 3; threads += 2)
        for (int train = 0; train < 2; train++) {
            nn_set_threads(threads, 0);
            be->bn_fwd(c, m, x, gamma, beta, mean, var, 0.1f, 1e-5f, train, save, y, 1);
            memcpy(d1, dy, n * sizeof *d1);
            memcpy(d2, dy, n * sizeof *d2);
            memset(g1, 0, sizeof g1); memset(b1, 0, sizeof b1); memset(g2, 0, sizeof g2); memset(b2, 0, sizeof b2);
            be->bn_bwd(c, m, x, gamma, beta, save, train, y, d1, d1, g1, b1, 1);
            be->bn_bwd(c, m, x, gamma, beta, save, train, junk, d2, d2, g2, b2, 1);
            CHECK(memcmp(d1, d2, n * sizeof *d1) == 0 && memcmp(g1, g2, sizeof g1) == 0 && memcmp(b1, b2, sizeof b1) == 0,
                  "bn_bwd read y for its mask (threads %d, train %d)", threads, train);
        }
    nn_set_threads(1, 0);
    free(x); free(gamma); free(beta); free(mean); free(var); free(dy); free(y); free(junk); free(d1); free(d2);
}

/* 2x2 max pooling (stride 2) against torch's rule written out here: each window scanned in the
 * order (0,0), (0,1), (1,0), (1,1), an element taken where it is greater than the maximum so far
 * or NaN; the output that element, its gradient dy there and 0 at the window's other elements
 * and at the rows and columns no window covers. Values from a few (ties, -0 beside 0, NaN) so
 * that every rule is met, rows from 2 to 41 wide, odd and even heights, 1 and 3 threads;
 * compared bit for bit, dx first filled with garbage (max2x2_bwd writes every element). */
static void test_maxpool2x2(void)
{
    const nn_backend *be = nn_backend_cpu();
    static const float vals[] = {-1.0f, -0.0f, 0.0f, 0.5f, 1.0f, 2.0f, NAN};
    ws_rng r;
    ws_rng_seed(&r, 41);
    int planes = 6, bad = 0, cases = 0;
    for (int threads = 1; threads <= 3; threads += 2)
        for (int h = 2; h <= 7; h++)
            for (int w = 2; w <= 41; w++) {
                nn_geom g = {2, 3, h, w, 3, h / 2, w / 2, 2, 2, 2, 2, 0, 0};
                size_t pin = (size_t)h * w, pout = (size_t)(h / 2) * (w / 2);
                float *x = malloc(planes * pin * sizeof *x), *dy = rnd(&r, planes * pout);
                float *y = malloc(planes * pout * sizeof *y), *dx = malloc(planes * pin * sizeof *dx);
                float *ry = calloc(planes * pout, sizeof *ry), *rdx = calloc(planes * pin, sizeof *rdx);
                for (size_t i = 0; i < planes * pin; i++)
                    x[i] = ws_rng_uniform(&r) < 0.3 ? (float)ws_rng_uniform(&r) : vals[(int)(ws_rng_uniform(&r) * 7) % 7];
                for (int p = 0; p < planes; p++)
                    for (int oh = 0; oh < h / 2; oh++)
                        for (int ow = 0; ow < w / 2; ow++) {
                            const float *xp = x + p * pin;
                            size_t best = (size_t)2 * oh * w + 2 * ow;
                            for (int i = 0; i < 2; i++)
                                for (int j = 0; j < 2; j++) {
                                    size_t k = (size_t)(2 * oh + i) * w + 2 * ow + j;
                                    if (xp[k] > xp[best] || isnan(xp[k])) best = k;
                                }
                            ry[p * pout + (size_t)oh * (w / 2) + ow] = xp[best];
                            rdx[p * pin + best] = dy[p * pout + (size_t)oh * (w / 2) + ow];
                        }
                nn_set_threads(threads, 0);
                memset(dx, 0x7f, planes * pin * sizeof *dx);
                be->pool_fwd(NN_POOL_MAX, &g, x, y);
                be->pool_bwd(NN_POOL_MAX, &g, x, y, dy, dx);
                cases++;
                if (memcmp(y, ry, planes * pout * sizeof *y) || memcmp(dx, rdx, planes * pin * sizeof *dx)) {
                    if (!bad) fprintf(stderr, "maxpool 2x2 %dx%d, %d threads: differs from the rule\n", h, w, threads);
                    bad++;
                }
                free(x); free(dy); free(y); free(dx); free(ry); free(rdx);
            }
    nn_set_threads(1, 0);
    CHECK(bad == 0, "%d of %d geometries differ from torch's rule", bad, cases);
}

int main(void)
{
    RUN(test_conv_paths);
    RUN(test_conv_pointwise_dw);
    RUN(test_conv_winograd);
    RUN(test_conv_winograd_plain);
    RUN(test_conv_winograd_shares);
    RUN(test_conv_winograd_shares_plain);
    RUN(test_conv_pointwise_edges);
    RUN(test_conv_pointwise_nonfinite);
    RUN(test_conv_kernel_past_input);
    RUN(test_conv_chunks_threads);
    RUN(test_dwconv_paths);
    RUN(test_bn_apply);
    RUN(test_bn_bwd_mask);
    RUN(test_maxpool2x2);
    return test_summary();
}
