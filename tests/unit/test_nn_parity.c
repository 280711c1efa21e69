/* test_nn_parity.c — lib/nn against PyTorch: the golden files of tests/ref/make_nn_golden.py
 * (torch's initial weights, a batch, and torch's float64 results). For dnn, cnn and dscnn: the
 * same logits, loss, gradients and BN running stats after one forward, and the same weights
 * after 3 steps of SGD (momentum, nesterov, weight decay), Adam, AdamW and SGD with gradient
 * clipping, and Adam and AdamW at betas next to 1 (dnn_optim_edges); a short run of 12 steps as
 * train-trial's loop makes it: learning-rate schedules (warmup, cosine, constant), accumulation
 * and clipping, the learning rate of every step and the weights at the end (dscnn_schedule);
 * plus the loss variants (label smoothing, class weights, focal). Errors are
 * norm-relative, ||ours - torch|| / ||torch||; the largest are printed on stderr. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "harness.h"
#include "nn/model.h"
#include "nn/nn.h"

#define TOL 1e-4

typedef struct {
    json_t *h;
    float *data;
    size_t n;
} golden;

static int golden_load(const char *name, golden *g)
{
    char path[1024];
    const char *root = getenv("WS_ROOT");
    snprintf(path, sizeof path, "%s/tests/ref/nn/%s.bin", root ? root : ".", name);
    memset(g, 0, sizeof *g);
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) { fclose(f); free(buf); return -1; }
    fclose(f);
    char *nl = memchr(buf, '\n', (size_t)len);
    if (!nl) { free(buf); return -1; }
    g->h = json_loadb(buf, (size_t)(nl - buf), 0, NULL);
    size_t bytes = (size_t)len - (size_t)(nl + 1 - buf);
    g->n = bytes / 4;
    g->data = malloc(bytes + 4);
    if (g->data) memcpy(g->data, nl + 1, bytes);   /* little-endian hosts */
    free(buf);
    return g->h && g->data ? 0 : -1;
}

static void golden_free(golden *g)
{
    json_decref(g->h);
    free(g->data);
}

static const float *tensor(const golden *g, const char *name, size_t *count)
{
    json_t *t = json_object_get(json_object_get(g->h, "tensors"), name);
    if (!t) return NULL;
    size_t off = (size_t)json_integer_value(json_object_get(t, "offset"));
    *count = (size_t)json_integer_value(json_object_get(t, "count"));
    return off + *count <= g->n ? g->data + off : NULL;
}

/* ||a - b|| / ||b|| */
static double rel_err(const float *a, const float *b, size_t n)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)a[i] - b[i];
        num += d * d;
        den += (double)b[i] * b[i];
    }
    return den > 0 ? sqrt(num / den) : sqrt(num);
}

/* Largest errors over all cases, for the report. */
static double worst_logits, worst_loss, worst_grads, worst_params, worst_update, worst_buffers, worst_lossfn;

static void note(double *worst, double v) { if (v > *worst || isnan(v)) *worst = v; }

static int labels_of(const golden *g, int *y, int n)
{
    json_t *a = json_object_get(g->h, "labels");
    for (int i = 0; i < n; i++) y[i] = (int)json_integer_value(json_array_get(a, (size_t)i));
    return (int)json_array_size(a) == n ? 0 : -1;
}

/* m's weights and running stats after `steps` steps of `run` against torch's (RUN.params,
 * RUN.buffers), and the updates w - w0 (from p0), a much stricter measure. got: room for them. */
static void check_weights(const golden *g, const char *name, const char *run, nn_model *m, const float *p0,
                          float *got, int steps)
{
    size_t np = nn_model_n_params(m), nb = nn_model_n_buffers(m), cnt;
    char key[64];
    snprintf(key, sizeof key, "%s.params", run);
    const float *wp = tensor(g, key, &cnt);
    snprintf(key, sizeof key, "%s.buffers", run);
    const float *wb = tensor(g, key, &cnt);
    CHECK(wp && wb, "%s %s: golden weights missing", name, run);
    if (!wp || !wb) return;
    nn_model_get_weights(m, got, got + np);
    double r_p = rel_err(got, wp, np);
    double num = 0, den = 0;
    for (size_t i = 0; i < np; i++) {
        double du = ((double)got[i] - p0[i]) - ((double)wp[i] - p0[i]);
        num += du * du;
        den += ((double)wp[i] - p0[i]) * ((double)wp[i] - p0[i]);
    }
    double r_u = sqrt(num / den);
    double r_b = nb ? rel_err(got + np, wb, nb) : 0;
    note(&worst_params, r_p); note(&worst_update, r_u); note(&worst_buffers, r_b);
    CHECK(r_p <= TOL, "%s %s: weights after %d steps, relative error %.3g", name, run, steps, r_p);
    CHECK(r_u <= 1e-3, "%s %s: updates after %d steps, relative error %.3g", name, run, steps, r_u);
    CHECK(r_b <= TOL, "%s %s: running stats, relative error %.3g", name, run, r_b);
    fprintf(stderr, "%s %-8s: weights %.2e updates %.2e running-stats %.2e\n", name, run, r_p, r_u, r_b);
}

static void model_case(const char *name)
{
    golden g;
    ws_err e = {0};
    if (golden_load(name, &g)) { CHECK(0, "cannot read tests/ref/nn/%s.bin (set WS_ROOT)", name); return; }
    json_t *input = json_object_get(g.h, "input");
    int n = (int)json_integer_value(json_array_get(input, 0));
    int frames = (int)json_integer_value(json_array_get(input, 2)), feats = (int)json_integer_value(json_array_get(input, 3));
    int k = (int)json_integer_value(json_object_get(g.h, "n_classes"));
    int y[16];
    CHECK(n <= 16 && labels_of(&g, y, n) == 0, "%s: labels", name);

    nn_hparams hp;
    nn_hparams_default(&hp);
    CHECK(nn_hparams_parse(&hp, json_object_get(g.h, "config"), "config", &e) == 0, "%s: %s", name, e.msg);
    nn_model *m = nn_model_create(&hp.model, k, frames, feats, 1, &e);
    CHECK(m != NULL, "%s: %s", name, e.msg);
    if (!m) { golden_free(&g); return; }

    size_t nx, np, nb, cnt;
    const float *x = tensor(&g, "x", &nx), *p0 = tensor(&g, "params0", &np), *b0 = tensor(&g, "buffers0", &nb);
    CHECK(x && p0 && b0 && nx == (size_t)n * frames * feats, "%s: golden tensors missing", name);
    CHECK(np == nn_model_n_params(m) && nb == nn_model_n_buffers(m), "%s: %zu/%zu parameters/buffers, torch has %zu/%zu",
          name, nn_model_n_params(m), nn_model_n_buffers(m), np, nb);
    if (test_why[0]) { nn_model_free(m); golden_free(&g); return; }

    float *got = malloc((np + nb + (size_t)n * k + 1) * sizeof *got), *p_init = malloc((np + 1) * sizeof *p_init);
    nn_loss_config lc = {0};
    lc.label_smoothing = json_number_value(json_object_get(g.h, "label_smoothing"));

    /* One forward and backward at torch's initial weights. */
    nn_model_set_weights(m, p0, b0);
    nn_zero_grad(m);
    double loss;
    CHECK(nn_accumulate(m, x, y, n, &lc, 1.0f, &loss, &e) == 0, "%s: %s", name, e.msg);
    const float *logits;
    const float *want = tensor(&g, "logits", &cnt);
    nn_model_get_grads(m, got);
    double r_grad = rel_err(got, tensor(&g, "grads", &cnt), np);
    /* the logits of that pass: forward again from the same weights (train mode, same batch) */
    nn_model_set_weights(m, p0, b0);
    CHECK(nn_forward(m, x, n, 1, &logits, &e) == 0, "%s: %s", name, e.msg);
    double r_logits = rel_err(logits, want, (size_t)n * k);
    double want_loss = json_number_value(json_object_get(g.h, "loss"));
    double r_loss = fabs(loss - want_loss) / fabs(want_loss);
    nn_model_get_weights(m, NULL, got);
    double r_buf = nb ? rel_err(got, tensor(&g, "buffers1", &cnt), nb) : 0;
    note(&worst_logits, r_logits); note(&worst_loss, r_loss); note(&worst_grads, r_grad); note(&worst_buffers, r_buf);
    CHECK(r_logits <= TOL, "%s: logits relative error %.3g", name, r_logits);
    CHECK(r_loss <= TOL, "%s: loss %.9g, torch %.9g", name, loss, want_loss);
    CHECK(r_grad <= TOL, "%s: gradients relative error %.3g", name, r_grad);
    CHECK(r_buf <= TOL, "%s: running stats relative error %.3g", name, r_buf);
    fprintf(stderr, "%s: logits %.2e loss %.2e grads %.2e running-stats %.2e\n", name, r_logits, r_loss, r_grad, r_buf);

    /* Three optimizer steps per run, from the initial weights. */
    int steps = (int)json_integer_value(json_object_get(g.h, "steps"));
    const char *run;
    json_t *rj;
    memcpy(p_init, p0, np * sizeof *p_init);
    json_object_foreach(json_object_get(g.h, "runs"), run, rj) {
        nn_hparams ho;
        nn_hparams_default(&ho);
        CHECK(nn_hparams_parse(&ho, json_object_get(rj, "optim"), "optim", &e) == 0, "%s %s: %s", name, run, e.msg);
        nn_model_set_weights(m, p0, b0);
        nn_optim *o = nn_optim_create(m, &ho.optim, steps, 0, &e);
        CHECK(o != NULL, "%s %s: %s", name, run, e.msg);
        if (!o) break;
        json_t *losses = json_object_get(rj, "losses");
        for (int s = 0; s < steps; s++) {
            CHECK(nn_train_step(m, o, x, y, n, &lc, &loss, &e) == 0, "%s %s: %s", name, run, e.msg);
            double wl = json_number_value(json_array_get(losses, (size_t)s));
            note(&worst_loss, fabs(loss - wl) / fabs(wl));
            CHECK(fabs(loss - wl) <= TOL * fabs(wl), "%s %s step %d: loss %.9g, torch %.9g", name, run, s + 1, loss, wl);
        }
        nn_optim_free(o);
        check_weights(&g, name, run, m, p_init, got, steps);
        if (!strcmp(run, "sgd")) {
            CHECK(nn_predict(m, x, n, got, &e) == 0, "%s: %s", name, e.msg);
            double r_e = rel_err(got, tensor(&g, "sgd.eval_logits", &cnt), (size_t)n * k);
            note(&worst_logits, r_e);
            CHECK(r_e <= TOL, "%s: eval-mode logits after sgd, relative error %.3g", name, r_e);
        }
        nn_hparams_release(&ho);
    }
    free(got);
    free(p_init);
    nn_hparams_release(&hp);
    nn_model_free(m);
    golden_free(&g);
}

static void test_parity_dnn(void) { model_case("dnn"); }
static void test_parity_cnn(void) { model_case("cnn"); }
static void test_parity_dscnn(void) { model_case("dscnn"); }
/* Adam and AdamW at betas within 1e-8 of 1 (torch's range is [0, 1)): 1 - beta is 0 in float32 */
static void test_parity_optim_edges(void) { model_case("dnn_optim_edges"); }

/* One run of dscnn_schedule.bin: a short training run as train-trial's loop makes it
 * (lib/trainer/run.c train_part): per epoch the golden's order of the clips in batches, with the
 * step counts and accumulation rules run.c takes from nn (nn_epoch_steps, nn_warmup_steps,
 * nn_accumulate_starts/_scale/_ends), clipping and the schedule inside nn_optim_step. Against torch's
 * loop with its own schedulers (SequentialLR(LinearLR, CosineAnnealingLR), stepped after
 * optimizer.step()): the learning rate of every step, every batch's loss, which steps were
 * clipped, and the weights and running stats at the end. */
static void schedule_case(const char *run)
{
    const char *name = "dscnn_schedule";
    golden g;
    ws_err e = {0};
    if (golden_load(name, &g)) { CHECK(0, "cannot read tests/ref/nn/%s.bin (set WS_ROOT)", name); return; }
    json_t *input = json_object_get(g.h, "input"), *orders = json_object_get(g.h, "orders");
    json_t *rj = json_object_get(json_object_get(g.h, "runs"), run);
    int n_clips = (int)json_integer_value(json_array_get(input, 0)), frames = (int)json_integer_value(json_array_get(input, 2));
    int feats = (int)json_integer_value(json_array_get(input, 3)), k = (int)json_integer_value(json_object_get(g.h, "n_classes"));
    int B = (int)json_integer_value(json_object_get(g.h, "batch")), y_all[64];
    CHECK(rj && n_clips <= 64 && B >= 1 && labels_of(&g, y_all, n_clips) == 0, "%s %s: golden header", name, run);
    nn_hparams hp, ho;
    nn_hparams_default(&hp);
    nn_hparams_default(&ho);
    CHECK(nn_hparams_parse(&hp, json_object_get(g.h, "config"), "config", &e) == 0, "%s: %s", name, e.msg);
    CHECK(nn_hparams_parse(&ho, json_object_get(rj, "optim"), "optim", &e) == 0, "%s %s: %s", name, run, e.msg);
    hp.loss.label_smoothing = json_number_value(json_object_get(g.h, "label_smoothing"));
    nn_model *m = test_why[0] ? NULL : nn_model_create(&hp.model, k, frames, feats, 1, &e);
    size_t np = m ? nn_model_n_params(m) : 0, nb = m ? nn_model_n_buffers(m) : 0, cnt;
    const float *x_all = tensor(&g, "x", &cnt), *p0 = tensor(&g, "params0", &np), *b0 = tensor(&g, "buffers0", &nb);
    CHECK(m && x_all && p0 && b0 && np == nn_model_n_params(m) && nb == nn_model_n_buffers(m),
          "%s: model or golden tensors: %s", name, e.msg);
    float *x = malloc((size_t)B * frames * feats * sizeof *x), *got = malloc((np + nb + 1) * sizeof *got);
    nn_optim *o = NULL;
    if (test_why[0] || !x || !got) goto done;
    nn_model_set_weights(m, p0, b0);

    long batches = (n_clips + B - 1) / B, per_epoch = nn_epoch_steps(&ho.optim, batches);
    long epochs = (long)json_array_size(orders), total = per_epoch * epochs, warmup = nn_warmup_steps(&ho.optim, per_epoch);
    CHECK(total == json_integer_value(json_object_get(rj, "total_steps"))
          && warmup == json_integer_value(json_object_get(rj, "warmup_steps")),
          "%s %s: %ld steps, %ld of warmup; torch's loop took %lld, %lld", name, run, total, warmup,
          json_integer_value(json_object_get(rj, "total_steps")), json_integer_value(json_object_get(rj, "warmup_steps")));
    if (!(o = nn_optim_create(m, &ho.optim, total, warmup, &e))) { CHECK(0, "%s %s: %s", name, run, e.msg); goto done; }

    json_t *lrs = json_object_get(rj, "lrs"), *losses = json_object_get(rj, "losses");
    long step = 0, clipped = 0;
    size_t mb = 0;   /* micro-batches so far */
    for (long ep = 0; ep < epochs && !test_why[0]; ep++) {
        json_t *order = json_array_get(orders, (size_t)ep);
        for (long b = 0; b < batches && !test_why[0]; b++, mb++) {
            int n = (int)(n_clips - b * B < B ? n_clips - b * B : B), y[64];
            for (int i = 0; i < n; i++) {
                int c = (int)json_integer_value(json_array_get(order, (size_t)(b * B + i)));
                memcpy(x + (size_t)i * frames * feats, x_all + (size_t)c * frames * feats, (size_t)frames * feats * sizeof *x);
                y[i] = y_all[c];
            }
            double loss, wl = json_number_value(json_array_get(losses, mb));
            if (nn_accumulate_starts(&ho.optim, b)) nn_zero_grad(m);
            CHECK(nn_accumulate(m, x, y, n, &hp.loss, nn_accumulate_scale(&ho.optim), &loss, &e) == 0, "%s %s: %s", name,
                  run, e.msg);
            note(&worst_loss, fabs(loss - wl) / fabs(wl));
            CHECK(fabs(loss - wl) <= TOL * fabs(wl), "%s %s epoch %ld batch %ld: loss %.9g, torch %.9g", name, run,
                  ep + 1, b + 1, loss, wl);
            if (!nn_accumulate_ends(&ho.optim, b, batches)) continue;
            double lr = nn_optim_lr(o), want = json_number_value(json_array_get(lrs, (size_t)step)), norm;
            CHECK(fabs(lr - want) <= 1e-12 * ho.optim.lr, "%s %s step %ld: learning rate %.17g, torch %.17g", name,
                  run, step, lr, want);
            nn_optim_step(o, &norm);
            clipped += ho.optim.clip_norm > 0 && norm > ho.optim.clip_norm;
            step++;
        }
    }
    CHECK(step == total && nn_optim_steps(o) == total && mb == json_array_size(losses),
          "%s %s: %ld steps of %ld micro-batches; torch's loop: %ld of %zu", name, run, step, (long)mb, total,
          json_array_size(losses));
    CHECK(clipped == json_integer_value(json_object_get(rj, "clipped_steps")), "%s %s: %ld steps clipped, torch %lld",
          name, run, clipped, json_integer_value(json_object_get(rj, "clipped_steps")));
    if (!test_why[0]) check_weights(&g, name, run, m, p0, got, (int)total);
done:
    nn_optim_free(o);
    free(x);
    free(got);
    nn_model_free(m);
    nn_hparams_release(&ho);
    nn_hparams_release(&hp);
    golden_free(&g);
}

/* AdamW, linear warmup then cosine, accumulate 2 (an epoch's fifth batch steps alone), clip_norm */
static void test_parity_schedule_warmup_cosine(void) { schedule_case("adamw_warmup_cosine"); }
/* SGD with momentum, cosine from the first step, accumulate 2, clip_norm */
static void test_parity_schedule_cosine(void) { schedule_case("sgd_cosine"); }
/* Adam, 2 steps of warmup then constant, accumulate 3 (an epoch's last step takes 2 batches) */
static void test_parity_schedule_warmup_constant(void) { schedule_case("adam_warmup_constant"); }

/* The same on 3 threads: uneven shares of samples, channels, rows and ranges. */
static void test_parity_threads3(void)
{
    nn_set_threads(3, 0);
    model_case("dnn");
    model_case("cnn");
    model_case("dscnn");
    nn_set_threads(1, 0);
}

static void test_parity_losses(void)
{
    golden g;
    ws_err e = {0};
    if (golden_load("loss", &g)) { CHECK(0, "cannot read tests/ref/nn/loss.bin"); return; }
    int n = (int)json_integer_value(json_object_get(g.h, "n")), k = (int)json_integer_value(json_object_get(g.h, "k"));
    int y[16];
    float w[16], d[256];
    CHECK(n <= 16 && k <= 16 && labels_of(&g, y, n) == 0, "loss golden shape");
    for (int c = 0; c < k; c++) w[c] = (float)json_number_value(json_array_get(json_object_get(g.h, "weights"), (size_t)c));
    size_t cnt;
    const float *z = tensor(&g, "logits", &cnt);
    size_t i;
    json_t *cs;
    json_array_foreach(json_object_get(g.h, "cases"), i, cs) {
        const char *name = json_string_value(json_object_get(cs, "name"));
        nn_loss_config lc = {0};
        lc.label_smoothing = json_number_value(json_object_get(cs, "label_smoothing"));
        lc.focal_gamma = json_number_value(json_object_get(cs, "focal_gamma"));
        if (json_is_true(json_object_get(cs, "weighted"))) { lc.class_weights = w; lc.n_class_weights = k; }
        double l = nn_loss(z, y, n, k, &lc, d, &e), want = json_number_value(json_object_get(cs, "loss"));
        char key[64];
        snprintf(key, sizeof key, "%s.grad", name);
        double r_l = fabs(l - want) / fabs(want), r_g = rel_err(d, tensor(&g, key, &cnt), (size_t)n * k);
        note(&worst_lossfn, r_l);
        note(&worst_lossfn, r_g);
        CHECK(r_l <= 1e-5, "loss %s: %.9g, torch %.9g", name, l, want);
        CHECK(r_g <= 1e-5, "loss %s: gradient relative error %.3g", name, r_g);
        fprintf(stderr, "loss %-20s: value %.2e gradient %.2e\n", name, r_l, r_g);
    }
    golden_free(&g);
}

/* Bit for bit where torch has NaN, infinities or a signed zero (nan.bin): equal, or both NaN. */
static int same_or_nan(float a, float b) { return isnan(a) ? isnan(b) : !isnan(b) && a == b && signbit(a) == signbit(b); }

static void check_same(const char *what, const float *got, const float *want, size_t n)
{
    for (size_t i = 0; i < n; i++)
        CHECK(same_or_nan(got[i], want[i]), "%s[%zu]: %g, torch %g", what, i, got[i], want[i]);
}

/* NaN through ReLU and max pooling as torch has it (nan.bin): relu keeps NaN and passes its
 * gradient; a window with a NaN pools to NaN, its gradient to the last NaN. A NaN in a
 * network's input then reaches the loss, which train-trial fails on ("nan loss"), rather than
 * ReLU turning it into zeros that train on. */
static void test_parity_nan(void)
{
    golden g;
    if (golden_load("nan", &g)) { CHECK(0, "cannot read tests/ref/nn/nan.bin (set WS_ROOT)"); return; }
    const nn_backend *be = nn_backend_cpu();
    size_t n, k;
    const float *x = tensor(&g, "relu.x", &n), *dy = tensor(&g, "relu.dy", &k);
    float y[64], dx[64];
    be->relu_fwd(n, x, y);
    check_same("relu", y, tensor(&g, "relu.y", &k), n);
    be->relu_bwd(n, y, dy, dx);
    check_same("relu grad", dx, tensor(&g, "relu.dx", &k), n);
    size_t i;
    json_t *pc;
    json_array_foreach(json_object_get(g.h, "pools"), i, pc) {
        const char *name = json_string_value(json_object_get(pc, "name"));
        int h = (int)json_integer_value(json_object_get(pc, "h")), w = (int)json_integer_value(json_object_get(pc, "w"));
        int kh = (int)json_integer_value(json_object_get(pc, "kh")), kw = (int)json_integer_value(json_object_get(pc, "kw"));
        nn_geom geo = {1, 1, h, w, 1, h / kh, w / kw, kh, kw, kh, kw, 0, 0};
        char key[64];
        snprintf(key, sizeof key, "%s.x", name);
        const float *px = tensor(&g, key, &n);
        snprintf(key, sizeof key, "%s.dy", name);
        const float *pdy = tensor(&g, key, &k);
        CHECK(px && pdy && n <= 64 && k == (size_t)geo.h_out * geo.w_out, "%s: golden shape", name);
        if (!px || !pdy || n > 64) continue;
        be->pool_fwd(NN_POOL_MAX, &geo, px, y);
        snprintf(key, sizeof key, "%s.y", name);
        check_same(key, y, tensor(&g, key, &k), k);
        be->pool_bwd(NN_POOL_MAX, &geo, px, y, pdy, dx);
        snprintf(key, sizeof key, "%s.dx", name);
        check_same(key, dx, tensor(&g, key, &k), n);
    }
    golden_free(&g);
    /* a whole network: one NaN in one clip's features, and torch's loss is NaN */
    static const char *archs[] = {"{\"model\": \"cnn\"}", "{\"model\": \"dscnn\"}", "{\"model\": \"dnn\"}"};
    for (size_t a = 0; a < sizeof archs / sizeof *archs; a++) {
        ws_err e = {0};
        nn_hparams hp;
        nn_hparams_default(&hp);
        json_t *j = json_loads(archs[a], 0, NULL);
        int bad = !j || nn_hparams_parse(&hp, j, "params", &e);
        json_decref(j);
        nn_model *m = bad ? NULL : nn_model_create(&hp.model, 3, 20, 10, 1, &e);
        nn_optim *o = m ? nn_optim_create(m, &hp.optim, 10, 0, &e) : NULL;
        CHECK(o, "%s: %s", archs[a], e.msg);
        if (o) {
            float f[4 * 20 * 10];
            int lab[4] = {0, 1, 2, 0};
            for (size_t q = 0; q < sizeof f / sizeof *f; q++) f[q] = (float)((q * 37) % 11) / 11.0f - 0.5f;
            f[2 * 200 + 57] = NAN;
            double loss = 0;
            CHECK(nn_train_step(m, o, f, lab, 4, &hp.loss, &loss, &e) == 0, "%s: step: %s", archs[a], e.msg);
            CHECK(isnan(loss), "%s: a NaN feature gave the loss %g, torch NaN", archs[a], loss);
        }
        nn_optim_free(o);
        nn_model_free(m);
        nn_hparams_release(&hp);
    }
}

int main(void)
{
    nn_set_threads(1, 0);
    RUN(test_parity_dnn);
    RUN(test_parity_cnn);
    RUN(test_parity_dscnn);
    RUN(test_parity_threads3);
    RUN(test_parity_optim_edges);
    RUN(test_parity_schedule_warmup_cosine);
    RUN(test_parity_schedule_cosine);
    RUN(test_parity_schedule_warmup_constant);
    RUN(test_parity_losses);
    RUN(test_parity_nan);
    fprintf(stderr, "worst: logits %.2e loss %.2e grads %.2e weights %.2e updates %.2e running-stats %.2e loss-fn %.2e\n",
            worst_logits, worst_loss, worst_grads, worst_params, worst_update, worst_buffers, worst_lossfn);
    return test_summary();
}
