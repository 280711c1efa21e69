/* hparams.c — the training hyperparameters of nn.h from a JSON object of parameters, with
 * defaults and range checks whose errors name the field ("params.dropout: ..."). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "nn/nn.h"

static const char *const hparam_keys[] = {
    "model", "channels", "blocks", "kernel", "stride", "inner_kernel", "pool", "hidden", "dropout",
    "optimizer", "learning_rate", "momentum", "nesterov", "weight_decay", "beta1", "beta2", "eps",
    "schedule", "warmup_epochs", "clip_norm", "accumulate",
    "label_smoothing", "focal_gamma", "class_weights",
    "noise_prob", "snr_low", "snr_high", "time_shift", "time_masks", "time_mask_width",
    "freq_masks", "freq_mask_width", NULL};

const char *const *nn_hparams_keys(void) { return hparam_keys; }

static const char *const arch_names[] = {"dnn", "cnn", "dscnn"};
static const char *const optim_names[] = {"sgd", "adam", "adamw"};
static const char *const sched_names[] = {"constant", "cosine"};

void nn_model_config_default(nn_model_config *c, nn_arch arch)
{
    memset(c, 0, sizeof *c);
    c->arch = arch;
    c->kernel[0] = 10; c->kernel[1] = 4;
    c->stride[0] = 2; c->stride[1] = 2;
    c->inner_kernel[0] = c->inner_kernel[1] = 3;
    c->pool[0] = c->pool[1] = 2;
    switch (arch) {
    case NN_DNN: c->channels = 128; c->blocks = 3; c->dropout = 0.2; break;
    case NN_CNN: c->channels = 32; c->blocks = 0; c->hidden = 128; c->dropout = 0.2; break;
    case NN_DSCNN: c->channels = 64; c->blocks = 4; c->dropout = 0.1; break;
    }
}

void nn_hparams_default(nn_hparams *hp)
{
    memset(hp, 0, sizeof *hp);
    nn_model_config_default(&hp->model, NN_DSCNN);
    nn_optim_config *o = &hp->optim;
    o->kind = NN_OPT_ADAM;
    o->lr = 1e-3;
    o->momentum = 0;          /* torch.optim.SGD's default */
    o->weight_decay = NAN;
    o->beta1 = 0.9; o->beta2 = 0.999; o->eps = 1e-8;
    o->schedule = NN_SCHED_CONSTANT;
    o->accumulate = 1;
    hp->aug.snr_low = 0;
    hp->aug.snr_high = 20;
}

void nn_hparams_release(nn_hparams *hp)
{
    free(hp->loss.class_weights);
    hp->loss.class_weights = NULL;
    hp->loss.n_class_weights = 0;
}

/* ---- typed fields with ranges ------------------------------------------------------------------ */

static int get_choice(const json_t *o, const char *key, const char *where, const char *const *names, int n,
                      int *out, ws_err *e)
{
    const char *s = NULL;
    if (ws_json_get_string(o, key, where, &s, e)) return -1;
    if (!s) return 0;
    for (int i = 0; i < n; i++) if (!strcmp(s, names[i])) { *out = i; return 0; }
    char list[200] = "";
    for (int i = 0; i < n; i++) {
        strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, names[i], sizeof list - strlen(list) - 1);
    }
    return ws_err_set(e, WS_EINPUT, "%s.%s: unknown value '%s' (expected one of %s)", where, key, s, list);
}

/* Number in [lo, hi] (hi_open: [lo, hi)). */
static int get_num(const json_t *o, const char *key, const char *where, double lo, double hi, int hi_open,
                   double *out, ws_err *e)
{
    double v = *out;
    if (!json_object_get(o, key)) return 0;
    if (ws_json_get_number(o, key, where, &v, e)) return -1;
    if (!(v >= lo && (hi_open ? v < hi : v <= hi)) || !isfinite(v)) {
        char got[40];   /* the value as written (ws_real_text): %g showed 1.0000001 as 1 */
        if (isinf(hi)) return ws_err_set(e, WS_EINPUT, "%s.%s: %s: must be >= %g", where, key, ws_real_text(v, got, sizeof got), lo);
        return ws_err_set(e, WS_EINPUT, "%s.%s: %s: must be in [%g, %g%c", where, key, ws_real_text(v, got, sizeof got), lo, hi,
                          hi_open ? ')' : ']');
    }
    *out = v;
    return 0;
}

static int get_int(const json_t *o, const char *key, const char *where, long lo, long hi, int *out, ws_err *e)
{
    long v = *out;
    if (ws_json_get_int(o, key, where, &v, e)) return -1;
    if (v < lo || v > hi) return ws_err_set(e, WS_EINPUT, "%s.%s: %ld: must be in [%ld, %ld]", where, key, v, lo, hi);
    *out = (int)v;
    return 0;
}

/* One positive integer for both axes, or [frames, features]. */
static int get_pair(const json_t *o, const char *key, const char *where, int out[2], ws_err *e)
{
    json_t *v = json_object_get(o, key);
    if (!v) return 0;
    long a, b;
    if (json_is_integer(v)) {
        a = b = (long)json_integer_value(v);
    } else if (json_is_array(v) && json_array_size(v) == 2 && json_is_integer(json_array_get(v, 0))
               && json_is_integer(json_array_get(v, 1))) {
        a = (long)json_integer_value(json_array_get(v, 0));
        b = (long)json_integer_value(json_array_get(v, 1));
    } else {
        return ws_err_set(e, WS_EINPUT, "%s.%s: expected an integer or [frames, features], got %s", where, key,
                          ws_json_type_name(v));
    }
    if (a < 1 || b < 1 || a > 1024 || b > 1024)
        return ws_err_set(e, WS_EINPUT, "%s.%s: [%ld, %ld]: must be in [1, 1024]", where, key, a, b);
    out[0] = (int)a;
    out[1] = (int)b;
    return 0;
}

static int get_flag(const json_t *o, const char *key, const char *where, int *out, ws_err *e)
{
    json_t *v = json_object_get(o, key);
    if (v && json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
        *out = (int)json_integer_value(v);
        return 0;
    }
    return ws_json_get_bool(o, key, where, out, e);
}

/* The ranges are torch's, closed where its are: a value torch trains with is not bad input (a
 * searched dropout of step 0.25 up to 1, or a learning rate from 0, stopped a sweep with exit 2).
 * dropout 1 zeroes every activation in training (torch's F.dropout), label_smoothing 1 trains
 * towards the uniform target, learning_rate 0 leaves the weights as they are; SGD refuses only a
 * negative momentum (one above 1 grows its buffer, and such a trial ends FAIL once the loss is NaN). */
static int parse_model(nn_model_config *c, const json_t *o, const char *w, ws_err *e)
{
    int arch = (int)c->arch;
    if (get_choice(o, "model", w, arch_names, 3, &arch, e)) return -1;
    if (json_object_get(o, "model")) nn_model_config_default(c, (nn_arch)arch);
    return get_int(o, "channels", w, 1, 4096, &c->channels, e) || get_int(o, "blocks", w, 0, 64, &c->blocks, e)
        || get_pair(o, "kernel", w, c->kernel, e) || get_pair(o, "stride", w, c->stride, e)
        || get_pair(o, "inner_kernel", w, c->inner_kernel, e) || get_pair(o, "pool", w, c->pool, e)
        || get_int(o, "hidden", w, 0, 65536, &c->hidden, e) || get_num(o, "dropout", w, 0, 1, 0, &c->dropout, e)
        ? -1 : 0;
}

static int parse_optim(nn_optim_config *c, const json_t *o, const char *w, ws_err *e)
{
    int kind = (int)c->kind, sched = (int)c->schedule;
    if (get_choice(o, "optimizer", w, optim_names, 3, &kind, e) || get_choice(o, "schedule", w, sched_names, 2, &sched, e)
        || get_num(o, "learning_rate", w, 0, INFINITY, 0, &c->lr, e) || get_num(o, "momentum", w, 0, INFINITY, 0, &c->momentum, e)
        || get_flag(o, "nesterov", w, &c->nesterov, e) || get_num(o, "beta1", w, 0, 1, 1, &c->beta1, e)
        || get_num(o, "beta2", w, 0, 1, 1, &c->beta2, e) || get_num(o, "eps", w, 0, INFINITY, 0, &c->eps, e)
        /* at most the most epochs a trial trains (space/config.h's WS_MAX_EPOCHS): the trainer
         * turns it into lround(warmup_epochs * steps per epoch), which has no value past LONG_MAX */
        || get_num(o, "warmup_epochs", w, 0, 100000, 0, &c->warmup_epochs, e)
        || get_num(o, "clip_norm", w, 0, INFINITY, 0, &c->clip_norm, e)
        || get_int(o, "accumulate", w, 1, 1024, &c->accumulate, e))
        return -1;
    if (json_object_get(o, "weight_decay")) {
        double wd = 0;
        if (get_num(o, "weight_decay", w, 0, INFINITY, 0, &wd, e)) return -1;
        c->weight_decay = wd;
    }
    c->kind = (nn_optim_kind)kind;
    c->schedule = (nn_schedule_kind)sched;
    return 0;
}

static int parse_loss(nn_loss_config *c, const json_t *o, const char *w, ws_err *e)
{
    if (get_num(o, "label_smoothing", w, 0, 1, 0, &c->label_smoothing, e)
        || get_num(o, "focal_gamma", w, 0, INFINITY, 0, &c->focal_gamma, e))
        return -1;
    json_t *cw = json_object_get(o, "class_weights");
    if (!cw || json_is_null(cw)) return 0;
    free(c->class_weights);
    c->class_weights = NULL;
    c->n_class_weights = 0;
    c->balanced = 0;
    if (json_is_string(cw) && !strcmp(json_string_value(cw), "balanced")) { c->balanced = 1; return 0; }
    if (json_is_string(cw))   /* as get_choice says it */
        return ws_err_set(e, WS_EINPUT, "%s.class_weights: unknown value '%s' (expected \"balanced\" or an array of numbers)",
                          w, json_string_value(cw));
    if (!json_is_array(cw))
        return ws_err_set(e, WS_EINPUT, "%s.class_weights: expected an array of numbers or \"balanced\", got %s", w,
                          ws_json_type_name(cw));
    /* an array of the wrong length said "expected an array ..., got an array" */
    if (json_array_size(cw) == 0 || json_array_size(cw) > 65536)
        return ws_err_set(e, WS_EINPUT, "%s.class_weights: %s: expected one weight per class of the cache, in its order",
                          w, json_array_size(cw) ? "more than 65536 weights" : "an empty array");
    c->n_class_weights = (int)json_array_size(cw);
    int any = 0;
    c->class_weights = malloc((size_t)c->n_class_weights * sizeof *c->class_weights);
    if (!c->class_weights) return ws_err_set(e, WS_ENOMEM, "out of memory");
    for (int i = 0; i < c->n_class_weights; i++) {
        json_t *v = json_array_get(cw, (size_t)i);
        double d = json_is_number(v) ? json_number_value(v) : -1;
        if (!(d >= 0 && isfinite(d)))
            return ws_err_set(e, WS_EINPUT, "%s.class_weights[%d]: expected a number >= 0", w, i);
        /* the weights are float32, as torch's weight tensor: one past FLT_MAX is inf there (the
         * loss NaN from the first batch holding its class) */
        char got[40], most[40];   /* as written (ws_real_text): %g showed one past FLT_MAX as FLT_MAX */
        if (d > FLT_MAX)
            return ws_err_set(e, WS_EINPUT, "%s.class_weights[%d]: %s: expected a number >= 0 that a float32 holds (at "
                              "most %s)", w, i, ws_real_text(d, got, sizeof got), ws_real_text(FLT_MAX, most, sizeof most));
        c->class_weights[i] = (float)d;
        any |= c->class_weights[i] > 0;   /* as a float: 1e-50 is 0 */
    }
    /* torch's weighted mean is 0/0 then: NaN from the first step, no sample counting */
    if (!any)
        return ws_err_set(e, WS_EINPUT, "%s.class_weights: every weight is 0 as a float32 (expected at least one above 0; "
                          "the least is %g)", w, (double)FLT_TRUE_MIN);
    return 0;
}

static int parse_aug(nn_augment_config *c, const json_t *o, const char *w, ws_err *e)
{
    return get_num(o, "noise_prob", w, 0, 1, 0, &c->noise_prob, e)
        || get_num(o, "snr_low", w, -100, 100, 0, &c->snr_low, e) || get_num(o, "snr_high", w, -100, 100, 0, &c->snr_high, e)
        || get_int(o, "time_shift", w, 0, 100000, &c->time_shift, e)
        || get_int(o, "time_masks", w, 0, NN_AUGMENT_MAX_MASKS, &c->time_masks, e)
        || get_int(o, "time_mask_width", w, 0, 100000, &c->time_mask_width, e)
        || get_int(o, "freq_masks", w, 0, NN_AUGMENT_MAX_MASKS, &c->freq_masks, e)
        || get_int(o, "freq_mask_width", w, 0, 100000, &c->freq_mask_width, e)
        ? -1 : 0;
}

int nn_hparams_parse_each(nn_hparams *hp, const json_t *params, const char *where, ws_err *e)
{
    if (!json_is_object(params))
        return ws_err_set(e, WS_EINPUT, "%s: expected an object, got %s", where, ws_json_type_name(params));
    return parse_model(&hp->model, params, where, e) || parse_optim(&hp->optim, params, where, e)
        || parse_loss(&hp->loss, params, where, e) || parse_aug(&hp->aug, params, where, e) ? -1 : 0;
}

static int together_nesterov(const nn_hparams *hp, const char *where, ws_err *e)
{
    const nn_optim_config *o = &hp->optim;
    if (o->kind == NN_OPT_SGD && o->nesterov && o->momentum <= 0)
        return ws_err_set(e, WS_EINPUT, "%s.nesterov: needs momentum > 0", where);
    return 0;
}

static int together_snr(const nn_hparams *hp, const char *where, ws_err *e)
{
    if (hp->aug.snr_low > hp->aug.snr_high)
        return ws_err_set(e, WS_EINPUT, "%s.snr_low: %g is above snr_high %g", where, hp->aug.snr_low, hp->aug.snr_high);
    return 0;
}

/* Each check of values refused together, with the keys it reads: suggest tries a space's ranges
 * of those keys at their ends (trainer_settings_check_config), which stand for the whole ranges
 * only while each check's refused set is a box or a half-space, as these are. */
static const struct {
    const char *const keys[4];
    int (*check)(const nn_hparams *hp, const char *where, ws_err *e);
} together[] = {
    {{"optimizer", "momentum", "nesterov", NULL}, together_nesterov},
    {{"snr_low", "snr_high", NULL}, together_snr},
};

const char *const *nn_hparams_together_keys(int i)
{
    return i >= 0 && i < (int)(sizeof together / sizeof *together) ? together[i].keys : NULL;
}

int nn_hparams_check_together_one(const nn_hparams *hp, int i, const char *where, ws_err *e)
{
    return together[i].check(hp, where, e);
}

/* Apart from the values' own checks: a sampler that draws each value from a range train-trial
 * takes can still draw a pair refused here, and train-trial fails that trial as infeasible
 * rather than stop the sweep (trainer/run.c). */
int nn_hparams_check_together(const nn_hparams *hp, const char *where, ws_err *e)
{
    for (int i = 0; nn_hparams_together_keys(i); i++)
        if (together[i].check(hp, where, e)) return -1;
    return 0;
}

int nn_hparams_parse(nn_hparams *hp, const json_t *params, const char *where, ws_err *e)
{
    return nn_hparams_parse_each(hp, params, where, e) || nn_hparams_check_together(hp, where, e) ? -1 : 0;
}

static json_t *pair(const int v[2]) { return json_pack("[ii]", v[0], v[1]); }

json_t *nn_model_config_json(const nn_model_config *c)
{
    json_t *j = json_object();
    if (!j) return NULL;
    int bad = json_object_set_new(j, "model", json_string(arch_names[c->arch]))
        || json_object_set_new(j, "channels", json_integer(c->channels))
        || json_object_set_new(j, "blocks", json_integer(c->blocks))
        || json_object_set_new(j, "kernel", pair(c->kernel))
        || json_object_set_new(j, "stride", pair(c->stride))
        || json_object_set_new(j, "inner_kernel", pair(c->inner_kernel))
        || json_object_set_new(j, "pool", pair(c->pool))
        || json_object_set_new(j, "hidden", json_integer(c->hidden))
        || json_object_set_new(j, "dropout", json_real(c->dropout));
    if (bad) { json_decref(j); return NULL; }
    return j;
}
