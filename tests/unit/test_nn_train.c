/* test_nn_train.c — the parts of lib/nn around the layers: hyperparameter parsing and its
 * errors, model shapes and errors, schedules, gradient clipping and accumulation, determinism,
 * a model that learns, augmentation, metrics and checkpoints. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/json.h"
#include "core/rng.h"
#include "harness.h"
#include "nn/cpu_pool.h"
#include "nn/model.h"
#include "nn/nn.h"

static json_t *J(const char *text) { return json_loads(text, 0, NULL); }

/* Parses text; returns 0 or -1 with e filled. */
static int parse(const char *text, nn_hparams *hp, ws_err *e)
{
    json_t *j = J(text);
    nn_hparams_default(hp);
    int rc = j ? nn_hparams_parse(hp, j, "params", e) : -1;
    json_decref(j);
    return rc;
}

static void test_hparams_defaults_and_values(void)
{
    nn_hparams hp;
    ws_err e = {0};
    CHECK(parse("{}", &hp, &e) == 0, "%s", e.msg);
    CHECK(hp.model.arch == NN_DSCNN && hp.model.channels == 64 && hp.model.blocks == 4, "dscnn defaults");
    CHECK(hp.optim.kind == NN_OPT_ADAM && hp.optim.lr == 1e-3 && isnan(hp.optim.weight_decay), "adam defaults");
    nn_hparams_release(&hp);
    /* torch.optim.SGD(params, lr): momentum 0 unless given */
    CHECK(parse("{\"optimizer\":\"sgd\"}", &hp, &e) == 0 && hp.optim.momentum == 0 && !hp.optim.nesterov,
          "sgd defaults: momentum %g", hp.optim.momentum);
    nn_hparams_release(&hp);
    CHECK(parse("{\"model\":\"cnn\",\"channels\":48,\"kernel\":[8,4],\"stride\":1,\"dropout\":0.3,"
                "\"optimizer\":\"sgd\",\"learning_rate\":0.05,\"momentum\":0.8,\"nesterov\":true,"
                "\"weight_decay\":1e-4,\"schedule\":\"cosine\",\"warmup_epochs\":1.5,\"clip_norm\":5,"
                "\"accumulate\":2,\"label_smoothing\":0.1,\"focal_gamma\":2,\"class_weights\":[1,2.5],"
                "\"noise_prob\":0.8,\"snr_low\":-5,\"snr_high\":15,\"time_shift\":10,\"time_masks\":2,"
                "\"time_mask_width\":8,\"freq_masks\":1,\"freq_mask_width\":5,\"batch_size\":64}", &hp, &e) == 0, "%s", e.msg);
    CHECK(hp.model.arch == NN_CNN && hp.model.channels == 48 && hp.model.kernel[0] == 8 && hp.model.stride[1] == 1
          && hp.model.hidden == 128 && hp.model.dropout == 0.3, "cnn values");
    CHECK(hp.optim.kind == NN_OPT_SGD && hp.optim.nesterov && hp.optim.momentum == 0.8 && hp.optim.schedule == NN_SCHED_COSINE
          && hp.optim.warmup_epochs == 1.5 && hp.optim.clip_norm == 5 && hp.optim.accumulate == 2, "optim values");
    CHECK(hp.loss.n_class_weights == 2 && hp.loss.class_weights[1] == 2.5f && hp.loss.focal_gamma == 2, "loss values");
    CHECK(hp.aug.noise_prob == 0.8 && hp.aug.snr_low == -5 && hp.aug.time_masks == 2 && hp.aug.freq_mask_width == 5, "aug values");
    /* the config round-trips through JSON */
    json_t *cj = nn_model_config_json(&hp.model);
    nn_hparams h2;
    nn_hparams_default(&h2);
    CHECK(cj && nn_hparams_parse(&h2, cj, "config", &e) == 0 && !memcmp(&h2.model, &hp.model, sizeof hp.model),
          "model config does not round-trip");
    json_decref(cj);
    nn_hparams_release(&hp);
    CHECK(parse("{\"class_weights\":\"balanced\"}", &hp, &e) == 0 && hp.loss.balanced, "balanced");
    long counts[3] = {10, 30, 0};
    CHECK(nn_loss_balance(&hp.loss, counts, 3, &e) == 0 && fabsf(hp.loss.class_weights[0] - 40.0f / 30) < 1e-6f
          && fabsf(hp.loss.class_weights[1] - 40.0f / 90) < 1e-6f && hp.loss.class_weights[2] == 0, "balanced weights");
    nn_hparams_release(&hp);
    const char *const *keys = nn_hparams_keys();
    int n = 0;
    while (keys[n]) n++;
    CHECK(n >= 30, "key list");
}

static void test_hparams_errors_name_the_field(void)
{
    static const struct { const char *json, *want; } cases[] = {
        {"{\"dropout\":1.5}", "params.dropout"},
        {"{\"dropout\":\"x\"}", "params.dropout: expected a number"},
        {"{\"model\":\"rnn\"}", "params.model: unknown value 'rnn'"},
        {"{\"optimizer\":\"rmsprop\"}", "params.optimizer"},
        {"{\"channels\":0}", "params.channels"},
        {"{\"channels\":2.5}", "params.channels: expected an integer"},
        {"{\"kernel\":[3]}", "params.kernel"},
        {"{\"kernel\":[3,0]}", "params.kernel"},
        {"{\"learning_rate\":-1}", "params.learning_rate: -1: must be >= 0"},
        {"{\"dropout\":1.5}", "params.dropout: 1.5: must be in [0, 1]"},
        {"{\"optimizer\":\"sgd\",\"momentum\":0,\"nesterov\":true}", "params.nesterov"},
        {"{\"nesterov\":\"yes\"}", "params.nesterov"},
        {"{\"schedule\":\"step\"}", "params.schedule"},
        {"{\"snr_low\":10,\"snr_high\":5}", "params.snr_low"},
        {"{\"class_weights\":[1,-1]}", "params.class_weights[1]"},
        /* an empty list was "expected an array of numbers or \"balanced\", got array" */
        {"{\"class_weights\":[]}", "params.class_weights: an empty array: expected one weight per class"},
        {"{\"class_weights\":\"Balanced\"}", "params.class_weights: unknown value 'Balanced'"},
        /* the weights are float32, as torch's weight tensor (torch.tensor([1e39]) is inf, [1e-50]
         * is 0): 1e39 trained to "loss is NaN" (exit 0), and weights that are all 0 as floats
         * passed the all-zero check, trained on a loss of 0 (nothing learned) where torch's is NaN */
        {"{\"class_weights\":[1,1e39]}", "params.class_weights[1]: 1e+39: expected a number >= 0 that a float32 holds"},
        {"{\"class_weights\":[1e-50,1e-50]}", "params.class_weights: every weight is 0"},
        {"{\"time_masks\":-1}", "params.time_masks"},
        {"{\"label_smoothing\":1.5}", "params.label_smoothing: 1.5: must be in [0, 1]"},
        /* 1e300 epochs of warmup passed, and lround(1e300 * steps) made the step count negative:
         * the trial failed in training ("optimizer: negative step counts", exit 0) */
        {"{\"warmup_epochs\":1e300}", "params.warmup_epochs: 1e+300: must be in [0, 100000]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        nn_hparams hp;
        ws_err e = {0};
        int rc = parse(cases[i].json, &hp, &e);
        CHECK(rc == -1 && e.kind == WS_EINPUT && strstr(e.msg, cases[i].want), "%s: got '%s'", cases[i].json, e.msg);
        nn_hparams_release(&hp);
    }
}

static void test_model_shapes_and_errors(void)
{
    nn_hparams hp;
    ws_err e = {0};
    const char *models[] = {"{\"model\":\"dnn\"}", "{\"model\":\"cnn\"}", "{\"model\":\"dscnn\"}"};
    /* parameter counts of the default models on 101x40, worked out by hand:
     * dnn: 4040*128+128 + 2*(128*128+128) + 128*12+12; cnn: conv0 32*40+32, conv1 32*32*9+32,
     * pool 51x20 -> 25x10, fc 8000*128+128, out 128*12+12;
     * dscnn: 64*40 + 128 + 4*(576+128+4096+128) + 64*12+12 */
    size_t want[3] = {4040 * 128 + 128 + 2 * (128 * 128 + 128) + 128 * 12 + 12,
                      32 * 40 + 32 + 32 * 32 * 9 + 32 + 8000 * 128 + 128 + 128 * 12 + 12,
                      64 * 40 + 128 + 4 * (576 + 128 + 4096 + 128) + 64 * 12 + 12};
    for (int i = 0; i < 3; i++) {
        CHECK(parse(models[i], &hp, &e) == 0, "%s", e.msg);
        nn_model *m = nn_model_create(&hp.model, 12, 101, 40, 1, &e);
        CHECK(m && nn_model_n_params(m) == want[i], "%s: %zu parameters, want %zu (%s)", models[i],
              m ? nn_model_n_params(m) : 0, want[i], e.msg);
        size_t np = 0, nb = 0;   /* counted without building: the same sizes */
        CHECK(nn_model_count(&hp.model, 12, 101, 40, &np, &nb, &e) == 0 && np == want[i] && m && nb == nn_model_n_buffers(m),
              "%s: nn_model_count %zu + %zu, want %zu + %zu", models[i], np, nb, want[i], m ? nn_model_n_buffers(m) : 0);
        /* planned without building (train-trial holds it against the machine's memory): the
         * arenas the model has, Adam's two moments, and activations at least those a reserved
         * batch of 8 holds (nn_model_bytes leaves the conv workspace out), growing with it */
        nn_model_need need = {0}, need16 = {0};
        CHECK(nn_model_plan(&hp.model, 12, 101, 40, 8, &need, &e) == 0 && nn_model_plan(&hp.model, 12, 101, 40, 16, &need16, &e) == 0,
              "%s: nn_model_plan: %s", models[i], e.msg);
        CHECK(need.n_params == want[i] && need.params_bytes == (np + nb) * sizeof(float) && need.grads_bytes == np * sizeof(float)
              && need.optim_bytes >= 2 * np * sizeof(float), "%s: planned %zu params, %zu + %zu + %zu bytes", models[i],
              need.n_params, need.params_bytes, need.grads_bytes, need.optim_bytes);
        CHECK(m && nn_model_reserve(m, 8, &e) == 0 &&
              need.acts_bytes >= nn_model_bytes(m) - need.params_bytes - need.grads_bytes && need16.acts_bytes > need.acts_bytes,
              "%s: planned activations %zu bytes (16: %zu), the model holds %zu", models[i], need.acts_bytes, need16.acts_bytes,
              m ? nn_model_bytes(m) - need.params_bytes - need.grads_bytes : 0);
        nn_model_free(m);
        nn_hparams_release(&hp);
    }
    /* convolutions pad by kernel / 2 and always fit; a pool can be too large */
    CHECK(parse("{\"model\":\"cnn\",\"pool\":[8,2]}", &hp, &e) == 0, "%s", e.msg);
    nn_model *m = nn_model_create(&hp.model, 2, 10, 10, 1, &e);
    CHECK(!m && e.kind == WS_EINPUT && strstr(e.msg, "pool") && strstr(e.msg, "kernel 8x2"), "big pool: '%s'", e.msg);
    m = nn_model_create(&hp.model, 1, 101, 40, 1, &e);
    CHECK(!m && e.kind == WS_EINPUT, "one class accepted");
    nn_hparams_release(&hp);
}

/* The activations a dscnn holds for a training step (issue #4, item 5: a trial's memory), in
 * planes of one layer's output: batch x channels x 51 x 21 floats on the demo cache's 101x40
 * (torch's size for the first convolution: (101 + 2*5 - 10) / 2 + 1 by (40 + 2*2 - 4) / 2 + 1).
 * The pointwise outputs are kept, one a block; every other output is made again in the
 * backward pass in one of two shared places (model.c, mark_recomputed); the gradient needs
 * one more. So 3 + 2 + 1 planes for kws-default's 3 blocks, and the first convolution's im2col
 * columns inside one of the places; beside them only per-channel sums and the logits'
 * gradient. It was 9 planes and the columns. */
static void test_dscnn_activation_planes(void)
{
    static const int corners[4][2] = {{32, 32}, {32, 64}, {64, 32}, {64, 64}};
    for (int k = 0; k < 4; k++) {
        int batch = corners[k][0], ch = corners[k][1];
        char json[96];
        snprintf(json, sizeof json, "{\"model\":\"dscnn\",\"blocks\":3,\"channels\":%d}", ch);
        nn_hparams hp;
        ws_err e = {0};
        nn_model_need need = {0};
        CHECK(parse(json, &hp, &e) == 0 && nn_model_plan(&hp.model, 16, 101, 40, batch, &need, &e) == 0,
              "%s: %s", json, e.msg);
        double plane = (double)batch * ch * 51 * 21 * sizeof(float), planes = need.acts_bytes / plane;
        CHECK(planes >= 6 && planes < 6.05, "batch %d, %d channels: activations %.3f planes of %.1f MiB, want 6",
              batch, ch, planes, plane / 1048576);
        nn_hparams_release(&hp);
    }
}

/* An input near INT_MAX a side (as a damaged checkpoint header gives) is refused by name: the
 * padded size and the flattened size overflowed int (undefined behaviour; the sanitizer build
 * stopped there, the plain build reported "padded -2147483639x..." or built a dnn on 0 features). */
static void test_model_huge_input(void)
{
    nn_hparams hp;
    ws_err e = {0};
    CHECK(parse("{\"model\":\"dscnn\"}", &hp, &e) == 0, "%s", e.msg);
    nn_model *m = nn_model_create(&hp.model, 4, INT_MAX, INT_MAX, 1, &e);
    CHECK(!m && e.kind == WS_EINPUT && strstr(e.msg, "conv0: input 2147483647x2147483647 padded by") && strstr(e.msg, "too large"),
          "dscnn on INT_MAX x INT_MAX: '%s'", e.msg);
    nn_model_free(m);
    nn_hparams_release(&hp);
    CHECK(parse("{\"model\":\"dnn\",\"blocks\":1,\"channels\":4}", &hp, &e) == 0, "%s", e.msg);
    m = nn_model_create(&hp.model, 4, 65536, 65536, 1, &e);   /* 2^32 features: wrapped to 0 */
    CHECK(!m && e.kind == WS_EINPUT && strstr(e.msg, "flatten: 1x65536x65536 is 4294967296 features"),
          "dnn on 65536 x 65536: '%s'", e.msg);
    nn_model_free(m);
    nn_hparams_release(&hp);
}

static void test_schedule(void)
{
    nn_optim_config c = {0};
    c.lr = 0.1;
    c.schedule = NN_SCHED_CONSTANT;
    CHECK_NEAR(nn_schedule_lr(&c, 0, 100, 4), 0.025, 1e-15);
    CHECK_NEAR(nn_schedule_lr(&c, 3, 100, 4), 0.1, 1e-15);
    CHECK_NEAR(nn_schedule_lr(&c, 50, 100, 4), 0.1, 1e-15);
    c.schedule = NN_SCHED_COSINE;
    CHECK_NEAR(nn_schedule_lr(&c, 0, 10, 0), 0.1, 1e-15);
    CHECK_NEAR(nn_schedule_lr(&c, 5, 10, 0), 0.05, 1e-15);
    CHECK_NEAR(nn_schedule_lr(&c, 10, 10, 0), 0.0, 1e-15);
    CHECK_NEAR(nn_schedule_lr(&c, 1, 10, 2), 0.1, 1e-15);             /* end of warmup */
    CHECK_NEAR(nn_schedule_lr(&c, 6, 10, 2), 0.05, 1e-15);            /* half of the cosine */
    /* torch's CosineAnnealingLR(T_max=8) at step 3: 0.1 * (1 + cos(3 pi / 8)) / 2 */
    CHECK_NEAR(nn_schedule_lr(&c, 3, 8, 0), 0.1 * (1 + cos(3 * M_PI / 8)) / 2, 1e-15);
}

/* train-trial(1): accumulate k sums k batches into one optimizer step, an epoch's last step takes
 * the batches left (each still divided by k), ceil(batches / k) steps an epoch; warmup over
 * round(warmup_epochs × those) steps. */
static void test_accumulation_plan(void)
{
    nn_optim_config c = {0};   /* accumulate 0, as a struct not from nn_hparams_parse: 1 */
    CHECK(nn_epoch_steps(&c, 5) == 5 && nn_accumulate_ends(&c, 0, 5) && nn_accumulate_starts(&c, 3), "k 0 reads as 1");
    CHECK(nn_accumulate_scale(&c) == 1.0f, "k 1: scale 1");
    c.accumulate = 2;
    char starts[8] = "", ends[8] = "";
    for (long b = 0; b < 5; b++) {
        starts[b] = nn_accumulate_starts(&c, b) ? 'z' : '.';
        ends[b] = nn_accumulate_ends(&c, b, 5) ? 's' : '.';
    }
    CHECK(!strcmp(starts, "z.z.z") && !strcmp(ends, ".s.ss"), "k 2 over 5 batches: zero %s, step %s", starts, ends);
    CHECK(nn_epoch_steps(&c, 5) == 3 && nn_epoch_steps(&c, 4) == 2 && nn_accumulate_scale(&c) == 0.5f, "k 2: steps");
    c.accumulate = 3;
    CHECK(nn_epoch_steps(&c, 5) == 2 && !nn_accumulate_ends(&c, 3, 5) && nn_accumulate_ends(&c, 4, 5), "k 3 over 5");
    c.warmup_epochs = 1.2;
    CHECK(nn_warmup_steps(&c, 2) == 2 && nn_warmup_steps(&c, 10) == 12, "warmup 1.2 epochs of 2, 10 steps");
    c.warmup_epochs = 0.5;
    CHECK(nn_warmup_steps(&c, 5) == 3, "warmup 0.5 epochs of 5 steps: a half rounds away from zero");
    c.warmup_epochs = 0;
    CHECK(nn_warmup_steps(&c, 7) == 0, "no warmup");
}

/* A small dnn and a batch of separable data: class c has mean +2 at features [c*8, c*8+8). */
static nn_model *small_model(const char *json, int n, float *x, int *y, uint64_t seed)
{
    nn_hparams hp;
    ws_err e = {0};
    if (parse(json, &hp, &e)) return NULL;
    nn_model *m = nn_model_create(&hp.model, 3, 6, 4, seed, &e);
    nn_hparams_release(&hp);
    ws_rng g;
    ws_rng_seed(&g, seed + 1);
    for (int i = 0; i < n; i++) {
        y[i] = (int)(i % 3);
        for (int f = 0; f < 24; f++) x[i * 24 + f] = (float)ws_rng_normal(&g) + (f / 8 == y[i] ? 2.0f : 0.0f);
    }
    return m;
}

static void test_clip_grad_norm(void)
{
    float x[4 * 24];
    int y[4];
    ws_err e = {0};
    nn_model *m = small_model("{\"model\":\"dnn\",\"channels\":8,\"blocks\":1,\"dropout\":0}", 4, x, y, 3);
    size_t n = nn_model_n_params(m);
    float *p0 = malloc(n * sizeof *p0), *g = malloc(n * sizeof *g), *p1 = malloc(n * sizeof *p1);
    nn_model_get_weights(m, p0, NULL);
    nn_optim_config oc = {0};
    oc.kind = NN_OPT_SGD;
    oc.lr = 1.0;
    oc.clip_norm = 0.01;
    nn_optim *o = nn_optim_create(m, &oc, 1, 0, &e);
    double loss, norm;
    nn_zero_grad(m);
    nn_accumulate(m, x, y, 4, NULL, 1.0f, &loss, &e);
    nn_model_get_grads(m, g);
    double want = 0;
    for (size_t i = 0; i < n; i++) want += (double)g[i] * g[i];
    want = sqrt(want);
    nn_optim_step(o, &norm);
    nn_model_get_weights(m, p1, NULL);
    double moved = 0;
    for (size_t i = 0; i < n; i++) moved += ((double)p0[i] - p1[i]) * ((double)p0[i] - p1[i]);
    CHECK_REL(norm, want, 1e-6);
    CHECK(want > 0.01, "gradient norm %g too small to clip", want);
    CHECK_REL(sqrt(moved), 0.01 * want / (want + 1e-6), 1e-4);   /* plain SGD, lr 1: the clipped gradient */
    nn_optim_free(o);
    nn_model_free(m);
    free(p0); free(g); free(p1);
}

static void test_accumulation_equals_big_batch(void)
{
    float x[4 * 24];
    int y[4];
    ws_err e = {0};
    double l1, la, lb;
    nn_model *m = small_model("{\"model\":\"dnn\",\"channels\":8,\"blocks\":2,\"dropout\":0}", 4, x, y, 5);
    size_t n = nn_model_n_params(m);
    float *g1 = malloc(n * sizeof *g1), *g2 = malloc(n * sizeof *g2);
    nn_zero_grad(m);
    nn_accumulate(m, x, y, 4, NULL, 1.0f, &l1, &e);
    nn_model_get_grads(m, g1);
    nn_zero_grad(m);
    nn_accumulate(m, x, y, 2, NULL, 0.5f, &la, &e);
    nn_accumulate(m, x + 2 * 24, y + 2, 2, NULL, 0.5f, &lb, &e);
    nn_model_get_grads(m, g2);
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++) { num += (g1[i] - g2[i]) * (double)(g1[i] - g2[i]); den += (double)g1[i] * g1[i]; }
    CHECK(sqrt(num / den) < 1e-6, "accumulated gradients differ: %.3g", sqrt(num / den));
    CHECK_REL(l1, (la + lb) / 2, 1e-6);
    free(g1); free(g2);
    nn_model_free(m);
}

/* Same seed, same run: bit for bit (dropout included); another seed, another run. */
static void test_deterministic(void)
{
    float x[6 * 24];
    int y[6];
    ws_err e = {0};
    float *w[3];
    for (int r = 0; r < 3; r++) {
        nn_model *m = small_model("{\"model\":\"dnn\",\"channels\":8,\"blocks\":2,\"dropout\":0.3}", 6, x, y, 7);
        if (r == 2) { nn_model_free(m); m = small_model("{\"model\":\"dnn\",\"channels\":8,\"blocks\":2,\"dropout\":0.3}", 6, x, y, 8); }
        nn_optim_config oc = {0};
        oc.kind = NN_OPT_ADAMW; oc.lr = 0.01; oc.weight_decay = 0.01; oc.beta1 = 0.9; oc.beta2 = 0.999; oc.eps = 1e-8;
        nn_optim *o = nn_optim_create(m, &oc, 5, 0, &e);
        double loss;
        for (int s = 0; s < 5; s++) nn_train_step(m, o, x, y, 6, NULL, &loss, &e);
        w[r] = malloc(nn_model_n_params(m) * sizeof(float));
        nn_model_get_weights(m, w[r], NULL);
        if (r == 0) w[2] = NULL;
        size_t n = nn_model_n_params(m);
        if (r == 1) CHECK(memcmp(w[0], w[1], n * sizeof(float)) == 0, "same seed, different weights");
        if (r == 2) CHECK(memcmp(w[0], w[2], n * sizeof(float)) != 0, "another seed, same weights");
        nn_optim_free(o);
        nn_model_free(m);
    }
    for (int r = 0; r < 3; r++) free(w[r]);
}

/* Each architecture drives the loss down on an easy problem and gets the batch right. */
static void test_models_learn(void)
{
    const char *cfgs[] = {
        "{\"model\":\"dnn\",\"channels\":16,\"blocks\":2,\"dropout\":0.1}",
        "{\"model\":\"cnn\",\"channels\":4,\"kernel\":[3,3],\"stride\":1,\"pool\":2,\"hidden\":16,\"dropout\":0.1}",
        "{\"model\":\"dscnn\",\"channels\":8,\"blocks\":1,\"kernel\":[3,3],\"stride\":1,\"dropout\":0.1}"};
    const char *opts[] = {"{\"optimizer\":\"sgd\",\"learning_rate\":0.05,\"momentum\":0.9,\"nesterov\":true}",
                          "{\"optimizer\":\"adam\",\"learning_rate\":0.01}",
                          "{\"optimizer\":\"adamw\",\"learning_rate\":0.01,\"schedule\":\"cosine\"}"};
    float x[48 * 24], logits[48 * 3];
    int y[48];
    for (int i = 0; i < 3; i++) {
        ws_err e = {0};
        nn_hparams ho;
        nn_model *m = small_model(cfgs[i], 48, x, y, 11 + (uint64_t)i);
        CHECK(m != NULL, "%s", cfgs[i]);
        if (!m) continue;
        parse(opts[i], &ho, &e);
        nn_optim *o = nn_optim_create(m, &ho.optim, 60, 5, &e);
        double first = 0, loss = 0;
        for (int s = 0; s < 60; s++) {
            CHECK(nn_train_step(m, o, x + (s % 3) * 16 * 24, y + (s % 3) * 16, 16, &ho.loss, &loss, &e) == 0, "%s", e.msg);
            if (s == 0) first = loss;
        }
        nn_metrics mt;
        nn_metrics_init(&mt, 3, &e);
        CHECK(nn_predict(m, x, 48, logits, &e) == 0, "%s", e.msg);
        nn_metrics_add(&mt, logits, y, 48);
        CHECK(loss < first * 0.5 && nn_metrics_accuracy(&mt) >= 0.9, "%s: loss %g -> %g, accuracy %g", cfgs[i], first, loss,
              nn_metrics_accuracy(&mt));
        nn_metrics_release(&mt);
        nn_optim_free(o);
        nn_model_free(m);
        nn_hparams_release(&ho);
    }
}

static void test_augment_shift_and_masks(void)
{
    nn_augment_config a = {0};
    ws_err e = {0};
    float x[2 * 10 * 3], x0[2 * 10 * 3], again[2 * 10 * 3];
    for (int i = 0; i < 60; i++) x0[i] = (float)(i + 1);
    a.time_shift = 3;
    memcpy(x, x0, sizeof x);
    CHECK(nn_augment_power(&a, x, 2, 10, 3, NULL, 99, &e) == 0, "%s", e.msg);
    memcpy(again, x0, sizeof again);
    nn_augment_power(&a, again, 2, 10, 3, NULL, 99, &e);
    CHECK(!memcmp(x, again, sizeof x), "shift not deterministic");
    /* each clip is its original shifted by s in [-3, 3] frames with zeros let in */
    for (int b = 0; b < 2; b++) {
        int found = 0;
        for (int s = -3; s <= 3 && !found; s++) {
            int ok = 1;
            for (int t = 0; t < 10; t++)
                for (int f = 0; f < 3; f++) {
                    int src = t - s;
                    float want = src >= 0 && src < 10 ? x0[b * 30 + src * 3 + f] : 0.0f;
                    ok &= x[b * 30 + t * 3 + f] == want;
                }
            found = ok;
        }
        CHECK(found, "clip %d is not a shifted copy", b);
    }
    a.time_shift = 0;
    a.time_masks = 1; a.time_mask_width = 4;
    a.freq_masks = 1; a.freq_mask_width = 2;
    int differs = 0;
    for (uint64_t seed = 0; seed < 20; seed++) {
        memcpy(x, x0, sizeof x);
        nn_augment_masks(&a, x, 2, 10, 3, -1.0f, seed);
        for (int b = 0; b < 2; b++) {
            int rows = 0, cols = 0;
            for (int t = 0; t < 10; t++) {
                int all = 1;
                for (int f = 0; f < 3; f++) all &= x[b * 30 + t * 3 + f] == -1.0f;
                rows += all;
            }
            for (int f = 0; f < 3; f++) {
                int all = 1;
                for (int t = 0; t < 10; t++) all &= x[b * 30 + t * 3 + f] == -1.0f;
                cols += all;
            }
            int masked = 0;
            for (int i = 0; i < 30; i++) masked += x[b * 30 + i] == -1.0f;
            CHECK(rows <= 4 || cols > 0, "time mask wider than 4 (seed %llu)", (unsigned long long)seed);
            CHECK(cols <= 2 || rows == 10, "freq mask wider than 2");
            CHECK(masked <= 4 * 3 + 2 * 10, "too much masked");
            for (int i = 0; i < 30; i++) CHECK(x[b * 30 + i] == -1.0f || x[b * 30 + i] == x0[b * 30 + i], "value changed");
            differs += masked > 0;
        }
    }
    CHECK(differs > 20, "masks almost never applied (%d of 40)", differs);
}

static void test_augment_noise_snr(void)
{
    nn_augment_config a = {0};
    ws_err e = {0};
    enum { T = 8, F = 5, NF = 40 };
    float clean[2 * T * F], x[2 * T * F], noise[NF * F];
    ws_rng g;
    ws_rng_seed(&g, 3);
    for (int i = 0; i < 2 * T * F; i++) clean[i] = (float)(1 + 4 * ws_rng_uniform(&g));
    for (int i = 0; i < NF * F; i++) noise[i] = (float)(0.5 + ws_rng_uniform(&g));
    nn_noise nz = {noise, NF, F};
    a.noise_prob = 1;
    a.snr_low = a.snr_high = 6;
    memcpy(x, clean, sizeof x);
    CHECK(nn_augment_power(&a, x, 2, T, F, &nz, 5, &e) == 0, "%s", e.msg);
    for (int b = 0; b < 2; b++) {
        /* the added part is a noise segment scaled to mean power P_clean 10^(-6/10) */
        double pc = 0, pa = 0;
        for (int i = 0; i < T * F; i++) { pc += clean[b * T * F + i]; pa += x[b * T * F + i] - clean[b * T * F + i]; }
        CHECK_REL(pa / pc, pow(10, -0.6), 1e-4);
        /* and it is shaped like some segment of the stream (wrapping allowed) */
        int found = 0;
        for (int s = 0; s < NF && !found; s++) {
            double k = (x[b * T * F] - clean[b * T * F]) / noise[s * F];
            int ok = 1;
            for (int t = 0; t < T && ok; t++)
                for (int f = 0; f < F; f++) {
                    double added = x[b * T * F + t * F + f] - clean[b * T * F + t * F + f];
                    ok &= fabs(added - k * noise[((s + t) % NF) * F + f]) <= 1e-4 * (1 + fabs(added));
                }
            found = ok;
        }
        CHECK(found, "clip %d: the added power is not a scaled noise segment", b);
    }
    /* near-silent noise (a float file's 1e-16 amplitude, power 1e-30) at -100 dB: the gain,
     * 10^10 P_clean / P_noise, is past a float's range; the mix stays finite */
    float quiet[NF * F];
    for (int i = 0; i < NF * F; i++) quiet[i] = 1e-30f;
    nn_noise qz = {quiet, NF, F};
    a.snr_low = a.snr_high = -100;
    memcpy(x, clean, sizeof x);
    CHECK(nn_augment_power(&a, x, 2, T, F, &qz, 5, &e) == 0, "%s", e.msg);
    for (int i = 0; i < 2 * T * F; i++) CHECK(isfinite(x[i]) && x[i] > clean[i], "near-silent noise at -100 dB: x[%d] = %g", i, x[i]);
    a.snr_low = a.snr_high = 6;
    a.noise_prob = 0;
    memcpy(x, clean, sizeof x);
    nn_augment_power(&a, x, 2, T, F, &nz, 5, &e);
    CHECK(!memcmp(x, clean, sizeof x), "noise added with probability 0");
    a.noise_prob = 1;
    nz.mels = 4;
    CHECK(nn_augment_power(&a, x, 2, T, F, &nz, 5, &e) == -1 && e.kind == WS_EINPUT, "mel mismatch accepted");
}

static void test_metrics(void)
{
    nn_metrics mt;
    ws_err e = {0};
    CHECK(nn_metrics_init(&mt, 3, &e) == 0, "%s", e.msg);
    /* true\pred: 0: [5 1 0], 1: [2 3 1], 2: [0 0 4] */
    int rows[3][3] = {{5, 1, 0}, {2, 3, 1}, {0, 0, 4}};
    for (int t = 0; t < 3; t++)
        for (int p = 0; p < 3; p++)
            for (int k = 0; k < rows[t][p]; k++) nn_metrics_add_one(&mt, t, p);
    float logits[6] = {0.1f, 0.9f, 0.0f, 3, 2, 1};
    int labels[2] = {2, 0};
    nn_metrics_add(&mt, logits, labels, 2);   /* adds (2 -> 1) and (0 -> 0) */
    CHECK(nn_metrics_total(&mt) == 18, "total");
    CHECK_NEAR(nn_metrics_accuracy(&mt), 13.0 / 18, 1e-12);
    double p, r, f;
    nn_metrics_class(&mt, 1, &p, &r, &f);
    CHECK_NEAR(p, 3.0 / 5, 1e-12);
    CHECK_NEAR(r, 3.0 / 6, 1e-12);
    CHECK_NEAR(f, 2 * 0.6 * 0.5 / 1.1, 1e-12);
    double f1, fpr, frr;
    nn_metrics_positive(&mt, 2, &f1, &fpr, &frr);   /* tp 4, fn 1, fp 1, tn 12 */
    CHECK_NEAR(fpr, 1.0 / 13, 1e-12);
    CHECK_NEAR(frr, 1.0 / 5, 1e-12);
    CHECK_NEAR(f1, 2 * 0.8 * 0.8 / 1.6, 1e-12);
    CHECK_NEAR(nn_metrics_binary_accuracy(&mt, 2), 16.0 / 18, 1e-12);
    const char *names[3] = {"a", "b", "wake"};
    json_t *j = nn_metrics_json(&mt, names, 2);
    CHECK(j && json_real_value(json_object_get(j, "fpr")) == fpr
          && json_integer_value(json_object_get(json_object_get(json_object_get(j, "per_class"), "b"), "support")) == 6,
          "metrics json");
    json_decref(j);
    nn_metrics_release(&mt);

    float scores[8] = {0.9f, 0.8f, 0.7f, 0.7f, 0.6f, 0.4f, 0.3f, 0.1f};
    int pos[8] = {1, 1, 0, 1, 1, 0, 0, 0};
    nn_operating_point op;
    CHECK(nn_operating_point_at_fpr(scores, pos, 8, 0.3, &op, &e) == 0, "%s", e.msg);
    /* 4 negatives: at most 1 false positive; the tie at 0.7 brings one, so down to 0.6 */
    CHECK(op.threshold == 0.6f && op.fpr == 0.25 && op.frr == 0 && fabs(op.f1 - 8.0 / 9) < 1e-12,
          "operating point %g fpr %g frr %g f1 %g", op.threshold, op.fpr, op.frr, op.f1);
    CHECK(nn_operating_point_at_fpr(scores, pos, 8, 0.0, &op, &e) == 0 && op.threshold == 0.8f && op.frr == 0.5,
          "operating point at fpr 0: %g", op.threshold);
    /* NaN scores (weights gone bad) rank last, together: 0.8, 0.7, 0.6 and 0.4 (one false positive of
     * four) pass, 0.1 would be a second; and the search ends */
    float with_nan[8] = {NAN, 0.8f, NAN, 0.7f, 0.6f, 0.4f, NAN, 0.1f};
    CHECK(nn_operating_point_at_fpr(with_nan, pos, 8, 0.3, &op, &e) == 0 && op.threshold == 0.4f && op.fpr == 0.25
          && op.frr == 0.25, "operating point with NaN scores: %g fpr %g frr %g", op.threshold, op.fpr, op.frr);
}

/* A NaN score is >= no threshold: its clip is never accepted, a false rejection when it is the
 * wake word, and still one of the positives or negatives. (It was ranked as -inf and accepted
 * once the threshold got there: "threshold" -inf, printed null, which says nothing was accepted,
 * beside FRR 0 for wake-word clips no threshold detects.) Golden values: tests/ref/
 * make_operating_point_golden.py. */
static void test_operating_point_nan(void)
{
    static const struct { double max_fpr; int n; float s[4]; int pos[4]; float thr; double fpr, frr, f1; } cases[] = {
        {1.0, 4, {0.0f, 0.7f, 0.1f, NAN}, {0, 0, 0, 1}, 0.0f, 1.0, 1.0, 0.0},
        {1.0, 4, {1.0f, NAN, 0.2f, 0.1f}, {1, 1, 1, 1}, 0.1f, 0.0, 0.25, 0.8571428571428571},
        {1.0, 4, {0.5f, NAN, 0.2f, 0.1f}, {1, 0, 0, 1}, 0.1f, 0.5, 0.0, 0.8},
        {0.4, 4, {0.5f, NAN, 0.2f, 0.1f}, {1, 0, 0, 1}, 0.5f, 0.0, 0.5, 0.6666666666666666},
        {1.0, 3, {NAN, NAN, NAN}, {1, 0, 1}, INFINITY, 0.0, 1.0, 0.0},
    };
    ws_err e = {0};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        nn_operating_point op;
        CHECK(nn_operating_point_at_fpr(cases[i].s, cases[i].pos, (size_t)cases[i].n, cases[i].max_fpr, &op, &e) == 0, "%s", e.msg);
        CHECK(op.threshold == cases[i].thr && fabs(op.fpr - cases[i].fpr) < 1e-12 && fabs(op.frr - cases[i].frr) < 1e-12
              && fabs(op.f1 - cases[i].f1) < 1e-12, "case %zu: threshold %g fpr %g frr %g f1 %g, want %g %g %g %g", i,
              op.threshold, op.fpr, op.frr, op.f1, cases[i].thr, cases[i].fpr, cases[i].frr, cases[i].f1);
    }
}

/* F1 is 2 TP / (2 TP + FP + FN) rounded once, so that equal F1s are equal doubles whatever counts
 * gave them: from the rounded precision and recall, 2 p r / (p + r) made F1 1/8 0.125 from one
 * confusion and 0.12500000000000003 from another, and a validation, trial or checkpoint "better"
 * by that last bit won ties that early stopping and the best trial leave to the earlier one.
 * Checked through each path that computes one: a class's F1, the positive class's, and the
 * operating point's (scores that accept TP and FP clips and reject FN). Golden values:
 * tests/ref/make_f1_golden.py (exact rationals, as scikit-learn 1.3 divides them). */
static void test_f1_exact(void)
{
    static const struct { int tp, fp, fn; double f1; } cases[] = {
        {1, 3, 11, 0.125},
        {1, 4, 10, 0.125},
        {1, 1, 9, 0.16666666666666666},
        {1, 2, 8, 0.16666666666666666},
        {1, 9, 9, 0.1},
        {1, 8, 10, 0.1},
        {2, 3, 0, 0.5714285714285714},
        {2, 1, 2, 0.5714285714285714},
        {4, 6, 0, 0.5714285714285714},
        {1, 0, 1, 0.6666666666666666},
        {2, 0, 1, 0.8},
        {3, 1, 1, 0.75},
        {7, 4, 9, 0.5185185185185185},
        {13, 5, 8, 0.6666666666666666},
        {5, 1, 0, 0.9090909090909091},
        {0, 3, 2, 0.0},
        {0, 0, 0, 0.0},
        {1, 0, 0, 1.0},
    };
    const size_t n = sizeof cases / sizeof *cases;
    ws_err e = {0};
    int wrong = 0;
    char first[200] = "";
    for (size_t i = 0; i < n; i++) {
        nn_metrics mt;
        CHECK(nn_metrics_init(&mt, 2, &e) == 0, "%s", e.msg);
        /* class 1 the positive one; one true negative so that class 0 has a clip */
        for (int k = 0; k < cases[i].tp; k++) nn_metrics_add_one(&mt, 1, 1);
        for (int k = 0; k < cases[i].fp; k++) nn_metrics_add_one(&mt, 0, 1);
        for (int k = 0; k < cases[i].fn; k++) nn_metrics_add_one(&mt, 1, 0);
        nn_metrics_add_one(&mt, 0, 0);
        double f_class, f_pos;
        nn_metrics_class(&mt, 1, NULL, NULL, &f_class);
        nn_metrics_positive(&mt, 1, &f_pos, NULL, NULL);
        nn_metrics_release(&mt);
        /* scores: TP clips 0.9, FP clips 0.8, the true negative 0.5, FN clips 0.1: a limit that
         * admits the FP clips and not the true negative puts the threshold at 0.8 (at 0.9 without FP) */
        float s[64];
        int pos[64], m = 0;
        for (int k = 0; k < cases[i].tp; k++) { s[m] = 0.9f; pos[m++] = 1; }
        for (int k = 0; k < cases[i].fp; k++) { s[m] = 0.8f; pos[m++] = 0; }
        for (int k = 0; k < cases[i].fn; k++) { s[m] = 0.1f; pos[m++] = 1; }
        s[m] = 0.5f; pos[m++] = 0;
        nn_operating_point op;
        double limit = (double)cases[i].fp / (cases[i].fp + 1);   /* admits the FP clips, not the negative at 0.5 */
        CHECK(nn_operating_point_at_fpr(s, pos, (size_t)m, limit, &op, &e) == 0, "%s", e.msg);
        int bad = f_class != cases[i].f1 || f_pos != cases[i].f1 || op.f1 != cases[i].f1;
        if (bad && !wrong++)
            snprintf(first, sizeof first, "TP %d FP %d FN %d: class %.17g, positive %.17g, operating point %.17g, want %.17g",
                     cases[i].tp, cases[i].fp, cases[i].fn, f_class, f_pos, op.f1, cases[i].f1);
    }
    CHECK(!wrong, "%d of %zu confusions' F1 not the exact one, first %s", wrong, n, first);
}

/* macro_f1 is scikit-learn 1.3's f1_score(average="macro"): numpy.mean over the per-class F1s,
 * which numpy sums pairwise (eight running sums from 8 classes, halves above 128), so a
 * left-to-right sum differed in the last digit for some confusions of 8 classes or more. The
 * confusions come from the formula of tests/ref/make_macro_f1_golden.py (repeated here), the
 * golden means from numpy 1.24 there; compared exactly. */
static void test_macro_f1_numpy(void)
{
    static const struct { int k, seed; double macro_f1; } cases[] = {
        {1, 0, 0.0},
        {1, 1, 1.0},
        {1, 2, 1.0},
        {2, 0, 0.35714285714285715},
        {2, 1, 0.55},
        {2, 2, 0.25},
        {5, 0, 0.18787878787878784},
        {5, 1, 0.3220536816125052},
        {5, 2, 0.3842968625577321},
        {7, 0, 0.17710452602093468},
        {7, 1, 0.2788163750348624},
        {7, 2, 0.29902846195949645},
        {8, 0, 0.1814888973641834},
        {8, 1, 0.24530898821979386},
        {8, 2, 0.2721542290161678},
        {9, 0, 0.1969191140243772},
        {9, 1, 0.2324948582574104},
        {9, 2, 0.20936242120452647},
        {12, 0, 0.12561708398446278},
        {12, 1, 0.16673306865291015},
        {12, 2, 0.18671139136505244},
        {16, 0, 0.11697616853866855},
        {16, 1, 0.14892530751905753},
        {16, 2, 0.1426584169920567},
        {17, 0, 0.11533668263094425},
        {17, 1, 0.13283876273246906},
        {17, 2, 0.1337116994094947},
        {24, 0, 0.08819247078212163},
        {24, 1, 0.09875360682169972},
        {24, 2, 0.09947872147425792},
        {35, 0, 0.06600412933277605},
        {35, 1, 0.06897143913636959},
        {35, 2, 0.07232994833266207},
        {64, 0, 0.03722940990542019},
        {64, 1, 0.038180309170220084},
        {64, 2, 0.04190229501954636},
        {128, 0, 0.01938001784243857},
        {128, 1, 0.019659516357614502},
        {128, 2, 0.02132823254330104},
        {129, 0, 0.019253052845979758},
        {129, 1, 0.01935880676100265},
        {129, 2, 0.021052240073691435},
        {200, 0, 0.01245833169443787},
        {200, 1, 0.012699670834451851},
        {200, 2, 0.013756230223877699},
    };
    /* 12 of 45 differ from a left-to-right sum's mean */
    const size_t n = sizeof cases / sizeof *cases;
    ws_err e = {0};
    int wrong = 0;
    char first[200] = "";
    for (size_t i = 0; i < n; i++) {
        int k = cases[i].k, seed = cases[i].seed;
        nn_metrics mt;
        CHECK(nn_metrics_init(&mt, k, &e) == 0, "%s", e.msg);
        if (!mt.confusion) return;
        for (int t = 0; t < k; t++)
            for (int p = 0; p < k; p++) {
                long c = (seed * 31 + t * 17 + p * 7 + t * p) % 5;
                if (t == p) c = (t + seed) % 7 == 3 ? 0 : c + (t * 5 + seed) % 9;
                mt.confusion[(size_t)t * k + p] = c;
            }
        double got = nn_metrics_macro_f1(&mt);
        nn_metrics_release(&mt);
        if (got != cases[i].macro_f1 && !wrong++)
            snprintf(first, sizeof first, "%d classes, seed %d: %.17g, want %.17g", k, seed, got, cases[i].macro_f1);
    }
    CHECK(!wrong, "%d of %zu confusions' macro F1 not numpy's mean, first %s", wrong, n, first);
}

static void test_checkpoint_roundtrip(void)
{
    float x[5 * 24], la[5 * 3], lb[5 * 3];
    int y[5];
    ws_err e = {0};
    char path[] = "/tmp/ws-nn-ckpt-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    close(fd);
    nn_model *m = small_model("{\"model\":\"dscnn\",\"channels\":4,\"blocks\":1,\"kernel\":3,\"stride\":1}", 5, x, y, 2);
    nn_optim_config oc = {0};
    oc.kind = NN_OPT_SGD; oc.lr = 0.1;
    nn_optim *o = nn_optim_create(m, &oc, 2, 0, &e);
    double loss;
    nn_train_step(m, o, x, y, 5, NULL, &loss, &e);    /* moves weights and running stats */
    nn_predict(m, x, 5, la, &e);
    const char *names[3] = {"yes", "no", "_unknown_"};
    json_t *feat = J("{\"n_mels\":4,\"features\":\"logmel\"}"), *met = J("{\"accuracy\":0.5}");
    CHECK(nn_checkpoint_save(path, m, names, NULL, feat, met, &e) == 0, "%s", e.msg);
    json_t *h = NULL;
    nn_model *m2 = nn_checkpoint_load(path, &h, &e);
    CHECK(m2 != NULL, "%s", e.msg);
    if (m2) {
        nn_predict(m2, x, 5, lb, &e);
        CHECK(!memcmp(la, lb, sizeof la), "loaded model predicts differently");
        CHECK(json_equal(json_object_get(h, "features"), feat) && json_equal(json_object_get(h, "metrics"), met)
              && !strcmp(json_string_value(json_array_get(json_object_get(h, "classes"), 2)), "_unknown_"),
              "header fields");
        CHECK(json_array_size(json_object_get(h, "tensors")) == (size_t)nn_model_n_tensors(m), "tensor list");
    }
    /* a flipped byte in the weights is caught */
    FILE *f = fopen(path, "r+b");
    fseek(f, -3, SEEK_END);
    int c = fgetc(f);
    fseek(f, -3, SEEK_END);
    fputc(c ^ 0x40, f);
    fclose(f);
    nn_model *m3 = nn_checkpoint_load(path, NULL, &e);
    CHECK(!m3 && e.kind == WS_EINPUT && strstr(e.msg, "checksum"), "corruption: '%s'", e.msg);
    f = fopen(path, "wb");
    fputs("not a checkpoint", f);
    fclose(f);
    CHECK(!nn_checkpoint_load(path, NULL, &e) && strstr(e.msg, "not a wakesweep checkpoint"), "garbage: '%s'", e.msg);
    CHECK(!nn_checkpoint_load("/nonexistent/x.ckpt", NULL, &e) && e.kind == WS_EINPUT, "missing file");
    unlink(path);
    json_decref(h); json_decref(feat); json_decref(met);
    nn_optim_free(o);
    nn_model_free(m); nn_model_free(m2); nn_model_free(m3);
}

static void test_bad_labels(void)
{
    float x[2 * 24];
    int y[2];
    ws_err e = {0};
    double loss;
    nn_model *m = small_model("{\"model\":\"dnn\",\"channels\":4,\"blocks\":1}", 2, x, y, 1);
    y[1] = 3;
    CHECK(nn_accumulate(m, x, y, 2, NULL, 1.0f, &loss, &e) == -1 && e.kind == WS_EINPUT && strstr(e.msg, "label 3"),
          "bad label: '%s'", e.msg);
    nn_model_free(m);
}

/* A batch norm trained on one value per channel (a batch of one sample over a 1x1 map) is
 * refused, as torch 1.13 refuses it: BatchNorm2d(4).train()(torch.randn(1, 4, 1, 1)) raises
 * "ValueError: Expected more than 1 value per channel when training", while inputs [2, 4, 1, 1]
 * and [1, 4, 4, 2] train, and eval mode takes any batch. It normalized silently to beta, so
 * nothing before it learned from that batch. */
static void test_bn_one_value_per_channel(void)
{
    float x[2 * 24], logits[2 * 3];
    int y[2];
    ws_err e = {0};
    double loss;
    nn_model *m = small_model("{\"model\":\"dscnn\",\"channels\":4,\"blocks\":1,\"stride\":16}", 2, x, y, 5);
    CHECK(m && nn_model_min_train_batch(m) == 2, "a 1x1 map: batches of 2 or more");
    CHECK(m && nn_accumulate(m, x, y, 1, NULL, 1.0f, &loss, &e) == -1 && e.kind == WS_EINPUT
          && strstr(e.msg, "bn0: expected more than 1 value per channel when training"), "batch of 1: '%s'", e.msg);
    CHECK(m && nn_accumulate(m, x, y, 2, NULL, 1.0f, &loss, &e) == 0, "batch of 2: %s", e.msg);
    CHECK(m && nn_predict(m, x, 1, logits, &e) == 0, "eval mode, batch of 1: %s", e.msg);
    nn_model_free(m);
    m = small_model("{\"model\":\"dscnn\",\"channels\":4,\"blocks\":1}", 2, x, y, 5);   /* a 4x2 map */
    CHECK(m && nn_model_min_train_batch(m) == 1 && nn_accumulate(m, x, y, 1, NULL, 1.0f, &loss, &e) == 0,
          "a 4x2 map trains on one sample: %s", e.msg);
    nn_model_free(m);
}

/* Weights depend on the shares, never on the threads (nn_set_threads): training with 2 shares
 * on 1 thread, on 2, and on 2 then 1 then 2 between steps gives the same bits, and so does 3
 * shares on 1 thread and on 2 (one thread then runs two shares a job), for each model at a
 * size where every operation splits (above the backend's parallel threshold). With 1 share
 * instead the sums split elsewhere: cnn and dscnn round differently, which shows that the
 * shares were in play. */
static float *train_split(const char *json, int threads_at[4], int shares, size_t *n_params)
{
    enum { B = 32, FRAMES = 49, MELS = 40, CLASSES = 4, STEPS = 4 };
    nn_hparams hp;
    ws_err e = {0};
    if (parse(json, &hp, &e)) return NULL;
    nn_set_threads(threads_at[0], shares);
    nn_model *m = nn_model_create(&hp.model, CLASSES, FRAMES, MELS, 21, &e);
    nn_optim *o = m ? nn_optim_create(m, &hp.optim, STEPS, 0, &e) : NULL;
    float *x = malloc((size_t)B * FRAMES * MELS * sizeof *x), *w = NULL;
    int y[B];
    ws_rng g;
    ws_rng_seed(&g, 22);
    for (size_t i = 0; x && i < (size_t)B * FRAMES * MELS; i++) x[i] = (float)ws_rng_normal(&g);
    for (int i = 0; i < B; i++) y[i] = i % CLASSES;
    double loss;
    int ok = o && x;
    for (int s = 0; ok && s < STEPS; s++) {
        nn_set_threads(threads_at[s], shares);
        ok = nn_train_step(m, o, x, y, B, &hp.loss, &loss, &e) == 0;
    }
    CHECK(ok, "%s: %s", json, e.msg);
    if (ok) {
        *n_params = nn_model_n_params(m);
        w = malloc(*n_params * sizeof *w);
        if (w) nn_model_get_weights(m, w, NULL);
    }
    free(x);
    nn_optim_free(o);
    nn_model_free(m);
    nn_hparams_release(&hp);
    nn_set_threads(1, 0);
    return w;
}

static void test_shares_not_threads(void)
{
    const char *cfgs[] = {
        "{\"model\":\"dnn\",\"channels\":128,\"blocks\":2,\"dropout\":0.2,\"optimizer\":\"adamw\",\"learning_rate\":0.01}",
        "{\"model\":\"cnn\",\"channels\":16,\"kernel\":[5,5],\"stride\":1,\"pool\":2,\"hidden\":32,\"dropout\":0.2,"
        "\"optimizer\":\"adamw\",\"learning_rate\":0.01}",
        "{\"model\":\"dscnn\",\"channels\":64,\"blocks\":2,\"dropout\":0.2,\"optimizer\":\"adamw\",\"learning_rate\":0.01}"};
    int one[4] = {1, 1, 1, 1}, two[4] = {2, 2, 2, 2}, mixed[4] = {2, 1, 1, 2};
    for (int i = 0; i < 3; i++) {
        size_t n[6] = {0};
        float *a = train_split(cfgs[i], one, 2, &n[0]), *b = train_split(cfgs[i], two, 2, &n[1]);
        float *c = train_split(cfgs[i], mixed, 2, &n[2]), *d = train_split(cfgs[i], one, 1, &n[3]);
        float *p = train_split(cfgs[i], one, 3, &n[4]), *q = train_split(cfgs[i], two, 3, &n[5]);
        if (a && b && c && d && p && q) {
            CHECK(memcmp(a, b, n[0] * sizeof *a) == 0, "model %d: 2 shares on 1 thread and on 2 differ", i);
            CHECK(memcmp(a, c, n[0] * sizeof *a) == 0, "model %d: 2 shares on 2, 1, 1, 2 threads differ from 1 thread", i);
            CHECK(memcmp(p, q, n[0] * sizeof *a) == 0, "model %d: 3 shares on 1 thread and on 2 differ", i);
            if (i > 0) CHECK(memcmp(a, d, n[0] * sizeof *a) != 0, "model %d: 1 share and 2 shares gave the same bits", i);
        }
        free(a); free(b); free(c); free(d); free(p); free(q);
    }
}

/* The pool: every share runs exactly once per job, across thread-count changes and many
 * short jobs (a lost wake-up hangs here rather than in a trial). */
typedef struct { long hits[NN_MAX_THREADS]; size_t n; long covered; } pool_ctx;

static void pool_job(void *vc, int s, int ns)
{
    pool_ctx *c = vc;
    size_t lo, hi;
    nn_pool_range(c->n, s, ns, 16, &lo, &hi);
    c->hits[s]++;
    __atomic_add_fetch(&c->covered, (long)(hi - lo), __ATOMIC_RELAXED);
}

static void test_pool(void)
{
    static const int counts[][2] = {{3, 0}, {2, 0}, {4, 0}, {1, 0}, {5, 0}, {2, 0}, {1, 3}, {2, 5}, {3, 3}, {2, 1}};
    for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
        int nt = nn_pool_set_threads(counts[k][0], counts[k][1]), ns = nn_pool_shares();
        int want_ns = counts[k][1] > counts[k][0] ? counts[k][1] : counts[k][0];   /* never below the threads */
        CHECK(nt == counts[k][0] && ns == want_ns, "asked %d threads, %d shares: got %d, %d", counts[k][0], counts[k][1], nt, ns);
        pool_ctx c;
        memset(&c, 0, sizeof c);
        c.n = 1000 + k;
        for (int j = 0; j < 500; j++) nn_pool_run(pool_job, &c);
        for (int s = 0; s < ns; s++) CHECK(c.hits[s] == 500, "share %d of %d ran %ld jobs", s, ns, c.hits[s]);
        CHECK(c.covered == 500 * (long)c.n, "ranges cover %ld, want %ld", c.covered, 500 * (long)c.n);
    }
    nn_set_threads(1, 0);
}

/* torch's closed ranges: Dropout(p=1), CrossEntropyLoss(label_smoothing=1) and an optimizer at
 * lr=0 all train in torch 1.13; they were refused here (exit 2, a sweep stopped by one trial). */
static void test_torch_closed_ranges(void)
{
    nn_hparams hp;
    ws_err e = {0};
    CHECK(parse("{\"dropout\":1,\"label_smoothing\":1,\"learning_rate\":0}", &hp, &e) == 0, "refused: %s", e.msg);
    CHECK(hp.model.dropout == 1 && hp.loss.label_smoothing == 1 && hp.optim.lr == 0, "values");
    nn_hparams_release(&hp);
    /* label_smoothing 1: torch's F.cross_entropy(z, y, label_smoothing=1.0), and with
     * weight=[0.5, 2, 1], in float64 (/usr/bin/python3, torch 1.13): loss and z.grad */
    const float z[9] = {1, 2, 3, 0.5f, -1, 2, 0.25f, 0.5f, -2};
    const int y[3] = {0, 2, 1};
    static const double want_loss[2] = {1.5622121762837546, 1.6018947159662942};
    static const double want_grad[2][9] = {
        {-0.08110092005431763, -0.02953495409284523, 0.1106358741471628, -0.052680980397765545, -0.09807358668754862,
         0.15075456708531418, 0.028392486357026174, 0.06801505375735281, -0.09640754011437898},
        {-0.017608856562254138, -0.1089000334579246, 0.12650889002017868, 0.010811083094297945, -0.17743866605262798,
         0.16662758295833005, 0.09188454984908966, -0.01135002560772655, -0.0805345242413631}};
    float w[3] = {0.5f, 2, 1}, d[9];
    for (int k = 0; k < 2; k++) {
        nn_loss_config lc = {0};
        lc.label_smoothing = 1;
        if (k) { lc.class_weights = w; lc.n_class_weights = 3; }
        CHECK_REL(nn_loss(z, y, 3, 3, &lc, d, &e), want_loss[k], 1e-6);
        for (int i = 0; i < 9; i++) CHECK_NEAR(d[i], want_grad[k][i], 1e-6);
    }
    /* dropout 1: torch zeroes every activation in training, so the output layer sees zeros and
     * every sample's logits are its bias; in evaluation dropout is the identity */
    float x[4 * 24];
    int labels[4];
    nn_model *m = small_model("{\"model\":\"dnn\",\"channels\":8,\"blocks\":1,\"dropout\":1}", 4, x, labels, 7);
    CHECK(m != NULL, "dropout 1: no model");
    const float *lg = NULL;
    if (m && nn_forward(m, x, 4, 1, &lg, &e) == 0) {
        int same = 1, finite = 1;
        for (int i = 1; i < 4; i++)
            for (int c = 0; c < 3; c++) same &= lg[i * 3 + c] == lg[c];
        for (int i = 0; i < 12; i++) finite &= isfinite(lg[i]) != 0;
        CHECK(same && finite, "dropout 1 in training: logits not the bias alone");
    } else CHECK(0, "dropout 1 forward: %s", e.msg);
    if (m && nn_forward(m, x, 4, 0, &lg, &e) == 0) CHECK(lg[0] != lg[3] || lg[1] != lg[4], "evaluation: dropout not the identity");
    /* lr 0: SGD, Adam and AdamW (its decay is lr * weight_decay) leave the weights as they are */
    for (int kind = 0; m && kind < 3; kind++) {
        size_t n = nn_model_n_params(m);
        float *p0 = malloc(n * sizeof *p0), *p1 = malloc(n * sizeof *p1);
        nn_model_get_weights(m, p0, NULL);
        nn_optim_config oc = {0};
        oc.kind = (nn_optim_kind)kind;
        oc.lr = 0;
        oc.momentum = 0.9;
        oc.weight_decay = 0.01;
        oc.beta1 = 0.9; oc.beta2 = 0.999; oc.eps = 1e-8;
        nn_optim *o = nn_optim_create(m, &oc, 2, 0, &e);
        CHECK(o != NULL, "lr 0, optimizer %d: %s", kind, e.msg);
        double loss;
        for (int step = 0; o && step < 2; step++) nn_train_step(m, o, x, labels, 4, NULL, &loss, &e);
        nn_model_get_weights(m, p1, NULL);
        CHECK(o && memcmp(p0, p1, n * sizeof *p0) == 0, "lr 0, optimizer %d: the weights moved", kind);
        nn_optim_free(o);
        free(p0); free(p1);
    }
    nn_model_free(m);
}

int main(void)
{
    nn_set_threads(1, 0);
    RUN(test_hparams_defaults_and_values);
    RUN(test_hparams_errors_name_the_field);
    RUN(test_model_shapes_and_errors);
    RUN(test_dscnn_activation_planes);
    RUN(test_model_huge_input);
    RUN(test_schedule);
    RUN(test_accumulation_plan);
    RUN(test_clip_grad_norm);
    RUN(test_accumulation_equals_big_batch);
    RUN(test_deterministic);
    RUN(test_models_learn);
    RUN(test_augment_shift_and_masks);
    RUN(test_augment_noise_snr);
    RUN(test_metrics);
    RUN(test_operating_point_nan);
    RUN(test_f1_exact);
    RUN(test_macro_f1_numpy);
    RUN(test_checkpoint_roundtrip);
    RUN(test_bad_labels);
    RUN(test_bn_one_value_per_channel);
    RUN(test_pool);
    RUN(test_shares_not_threads);
    RUN(test_torch_closed_ranges);
    return test_summary();
}
