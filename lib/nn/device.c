/* device.c — choosing the device, and training on a CUDA device through the backend's shared
 * object (nn/device.h; the object's interface is nn/cuda/api.h). All host code, compiled by gcc
 * into libwakesweep.a: the CPU path never loads CUDA. On the device the model code itself
 * (model.c's forward and backward, optim.c's step) runs unchanged over the CUDA layer table;
 * this file adds the data path, the loss and clipping on the device, and validation counts. */
#include "nn/device.h"
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "core/memlimit.h"
#include "core/parse.h"
#include "core/rng.h"
#include "nn/cuda/api.h"
#include "nn/model.h"

struct nn_device {
    int cuda;
    nn_precision precision;
    char card[192];              /* "NAME (sm_XY, N GiB)" */
    char name[700];              /* what nn_device_name says */
    const nn_cuda_api *cu;
    ws_errkind unusable;         /* WS_EOK, or how every use fails: a GPU that is there but could
                                  * not be opened, full (WS_ENOMEM) or busy (WS_EINTERNAL) */
};

static nn_device cpu_device = {0, NN_PRECISION_FP32, "", "cpu", NULL, WS_EOK};
static nn_device cuda_device;
static int cuda_state;           /* 0: not tried, 1: open, else the NN_CUDA_INIT_* failure (cuda_why) */
static char cuda_why[600];

/* ---- precision ------------------------------------------------------------------------------- */

static const char *const precision_names[] = {"fp32", "tf32", "bf16"};

int nn_precision_parse(const char *s, nn_precision *p, ws_err *e)
{
    for (int i = 0; i < 3; i++)
        if (!strcmp(s, precision_names[i])) { *p = (nn_precision)i; return 0; }
    return ws_err_set(e, WS_EINPUT, "--precision: expected fp32, tf32 or bf16, got '%s'", s);
}

const char *nn_precision_name(nn_precision p) { return p >= 0 && p <= 2 ? precision_names[p] : "?"; }

/* ---- choosing ---------------------------------------------------------------------------------- */

/* The quick look, before loading anything: 1 with why when there is certainly no device. */
static int no_device_here(char *why, size_t n)
{
    const char *v = getenv("CUDA_VISIBLE_DEVICES");
    if (v) {
        const char *s = v + strspn(v, " ");
        if (!*s || !strncmp(s, "-1", 2) || !strcasecmp(s, "none") || !strcasecmp(s, "NoDevFiles")) {
            snprintf(why, n, "CUDA_VISIBLE_DEVICES='%s' hides every GPU", v);
            return 1;
        }
    }
    const char *force = getenv("WS_CUDA_FORCE_PROBE");
    if (force && !strcmp(force, "1")) return 0;
    if (access("/dev/nvidiactl", F_OK) && access("/dev/nvidia0", F_OK) && access("/dev/dxg", F_OK)) {
        snprintf(why, n, "no NVIDIA driver: no /dev/nvidia* on this machine");
        return 1;
    }
    return 0;
}

static const char *backend_path(void)
{
    const char *p = getenv("WS_CUDA_BACKEND");
    if (p && *p) return p;
#ifdef NN_CUDA_SO
    return NN_CUDA_SO;           /* the build tree's, set by lib/nn/cuda.mk */
#else
    return NULL;
#endif
}

static void compose_name(nn_device *d)
{
    snprintf(d->name, sizeof d->name, "cuda:0 %s, %s", d->card, nn_precision_name(d->precision));
}

/* Loads the backend and opens the device once per process: 0, or the NN_CUDA_INIT_* failure
 * (cuda_why). A device that is there but full or busy becomes cuda_device, unusable. */
static int open_cuda(void)
{
    if (cuda_state) return cuda_state > 0 ? 0 : cuda_state;
    cuda_state = NN_CUDA_INIT_NO_DEVICE;
    if (no_device_here(cuda_why, sizeof cuda_why)) return cuda_state;
    const char *path = backend_path();
    if (!path) {
        snprintf(cuda_why, sizeof cuda_why, "this build has no CUDA backend (built without nvcc or with CUDA=0)");
        return cuda_state;
    }
    void *so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!so) {
        snprintf(cuda_why, sizeof cuda_why, "cannot load the CUDA backend: %s", dlerror());
        return cuda_state;
    }
    nn_cuda_api_get_fn get = (nn_cuda_api_get_fn)dlsym(so, NN_CUDA_ENTRY);
    const nn_cuda_api *cu = get ? get() : NULL;
    if (!cu || cu->abi != NN_CUDA_ABI) {
        snprintf(cuda_why, sizeof cuda_why, "%s: not a wakesweep CUDA backend of ABI %d", path, NN_CUDA_ABI);
        dlclose(so);
        return cuda_state;
    }
    char why[512] = "";
    int rc = cu->init(cuda_device.card, sizeof cuda_device.card, why, sizeof why);
    if (rc == NN_CUDA_INIT_NO_MEMORY || rc == NN_CUDA_INIT_UNAVAILABLE) {
        /* the library stays loaded (the runtime may hold threads), unused */
        snprintf(cuda_why, sizeof cuda_why, "%s", why);
        cuda_device.cuda = 1;
        cuda_device.cu = cu;
        cuda_device.unusable = rc == NN_CUDA_INIT_NO_MEMORY ? WS_ENOMEM : WS_EINTERNAL;
        snprintf(cuda_device.name, sizeof cuda_device.name, "cuda:0");
        return cuda_state = rc;
    }
    if (rc) {
        snprintf(cuda_why, sizeof cuda_why, "%s", why);
        return cuda_state;
    }
    cuda_device.cuda = 1;
    cuda_device.cu = cu;
    cuda_state = 1;
    return 0;
}

/* Every use of a device that could not be opened fails as opening it did. */
static int unusable(const nn_device *d, const char *where, ws_err *e)
{
    if (!d->unusable) return 0;
    return ws_err_set(e, d->unusable, "%s: cuda: %s", where, cuda_why);
}

int nn_device_select(const char *want, nn_precision precision, const nn_device **dev, char *note,
                     size_t note_len, ws_err *e)
{
    if (note && note_len) note[0] = '\0';
    *dev = &cpu_device;
    if (!strcmp(want, "cpu")) return 0;
    if (strcmp(want, "cuda") && strcmp(want, "auto"))
        return ws_err_set(e, WS_EINPUT, "--device: expected auto, cpu or cuda, got '%s'", want);
    long mib = 0;
    const char *lim = getenv("WS_CUDA_MEM_MIB");
    if (lim && *lim && ws_parse_long_range(lim, "WS_CUDA_MEM_MIB", 1, 1L << 40, &mib, e)) return -1;
    int rc = open_cuda();
    if (rc == NN_CUDA_INIT_NO_DEVICE) {
        if (!strcmp(want, "cuda")) return ws_err_set(e, WS_EINPUT, "no CUDA device (%s)", cuda_why);
        if (note && note_len) snprintf(note, note_len, "no CUDA device (%s)", cuda_why);
        return 0;
    }
    if (rc) {
        /* A GPU that is full or busy now: "auto" trains on the CPU, saying so; "cuda" gets it,
         * and the trial that uses it fails ("oom", or why) while the sweep goes on. */
        if (!strcmp(want, "cuda")) *dev = &cuda_device;
        if (note && note_len)
            snprintf(note, note_len, "the CUDA device cannot be used (%s: %s)%s",
                     rc == NN_CUDA_INIT_NO_MEMORY ? "out of memory" : "unavailable", cuda_why,
                     *dev == &cuda_device ? "; the trial fails" : "");
        return 0;
    }
    cuda_device.cu->set_memory_limit((size_t)mib << 20);
    nn_device_set_precision(&cuda_device, precision);
    *dev = &cuda_device;
    return 0;
}

int nn_device_is_cuda(const nn_device *d) { return d && d->cuda; }
const char *nn_device_name(const nn_device *d) { return d ? d->name : "cpu"; }

void nn_device_set_precision(const nn_device *d, nn_precision p)
{
    if (!d || !d->cuda || d->unusable) return;
    cuda_device.precision = p;
    cuda_device.cu->set_precision((int)p);
    compose_name(&cuda_device);
}

void nn_device_set_memory_limit(const nn_device *d, size_t bytes)
{
    if (d && d->cuda && !d->unusable) d->cu->set_memory_limit(bytes);
}

void nn_device_counters_get(const nn_device *d, nn_device_counters *c)
{
    memset(c, 0, sizeof *c);
    if (d && d->cuda) d->cu->counters(c);
}

const nn_backend *nn_device_backend(const nn_device *d) { return d && d->cuda ? d->cu->backend() : nn_backend_cpu(); }

/* A failure recorded by the backend since it was opened, as e (WS_ENOMEM when the backend says
 * it is running out of memory, by the failure's code); 0 when there is none. */
static int cuda_failed(const nn_cuda_api *cu, const char *where, ws_err *e)
{
    const char *msg = cu->error();
    if (!msg) return 0;
    return ws_err_set(e, cu->error_oom() ? WS_ENOMEM : WS_EINTERNAL, "%s: cuda: %s", where, msg);
}

/* Waits for the device: a failure fills e, whether the backend recorded one or not. */
static int sync_device(const nn_cuda_api *cu, const char *where, ws_err *e)
{
    int rc = cu->sync();
    if (cuda_failed(cu, where, e)) return -1;
    return rc ? ws_err_set(e, WS_EINTERNAL, "%s: cuda: waiting for the device failed", where) : 0;
}

/* The data path could not be set up (why from data_create or data_reserve): out of memory,
 * unless the backend recorded another failure, which why then quotes. */
static int data_failed(const nn_cuda_api *cu, const char *why, ws_err *e)
{
    return ws_err_set(e, cu->error() && !cu->error_oom() ? WS_EINTERNAL : WS_ENOMEM, "%s",
                      why[0] ? why : "cuda: the data path could not be set up");
}

/* ---- models on the device ----------------------------------------------------------------------- */

int nn_model_to_device(nn_model *m, const nn_device *dev, ws_err *e)
{
    if (!dev || !dev->cuda) return 0;
    if (unusable(dev, "model", e)) return -1;
    if (m->be == dev->cu->backend()) return 0;
    const nn_backend *be = dev->cu->backend(), *old = m->be;
    size_t np = m->n_params + m->n_buffers;
    float *p = be->alloc((np + 1) * sizeof *p), *g = be->alloc((m->n_params + 1) * sizeof *g);
    if (!p || !g) {
        be->release(p);
        be->release(g);
        if (cuda_failed(dev->cu, "model", e)) return -1;     /* not memory: cudaMalloc saw a fault */
        return ws_err_set(e, WS_ENOMEM, "model: out of memory on the device for %zu parameters", np);
    }
    be->upload(p, m->params, np * sizeof *p);
    be->upload(g, m->grads, m->n_params * sizeof *g);
    old->release(m->params);
    old->release(m->grads);
    old->release(m->acts);
    m->params = p;
    m->grads = g;
    m->acts = NULL;
    m->gbuf[0] = m->gbuf[1] = m->work = m->dx = m->redo_place[0] = m->redo_place[1] = NULL;
    m->reserved = m->work_shares = m->last_n = 0;
    m->be = be;
    return cuda_failed(dev->cu, "model", e);
}

int nn_model_get_weights_checked(const nn_model *m, size_t first, size_t count, float *out, ws_err *e)
{
    nn_model_get_weights_range(m, first, count, out);
    const nn_cuda_api *cu = cuda_device.cu;
    if (!cu || m->be != cu->backend()) return 0;
    return cuda_failed(cu, "weights", e);
}

/* ---- the augmentation plan ------------------------------------------------------------------------ */

void nn_cuda_plan_draw(const nn_augment_config *a, const int *order, size_t n, int batch,
                       const uint64_t *batch_seed, const int *batch_noise, const size_t *noise_frames,
                       int frames, int n_feat, nn_clip_plan *plan, int32_t *masks)
{
    int tm, fm;
    nn_augment_mask_counts(a, &tm, &fm);
    for (size_t k = 0; k < n; k++) {
        size_t b = k / (size_t)batch;
        uint64_t pos = k % (size_t)batch, seed = batch_seed[b];
        int stream = batch_noise ? batch_noise[b] : -1;
        nn_clip_plan *p = &plan[k];
        memset(p, 0, sizeof *p);
        p->clip = order[k];
        p->noise = -1;
        /* trainer_data_batch's draws: nn_augment_power with the batch's seed, then
         * nn_augment_masks with ws_seed_mix(seed, NN_AUGMENT_MASK_STREAM) */
        nn_power_draw d;
        nn_augment_draw_power(a, seed, pos, stream >= 0 ? noise_frames[stream] : 0, &d);
        p->shift = d.shift;
        if (d.noisy) {
            p->snr_db = d.snr_db;
            p->noise_start = d.noise_start;
            p->noise = stream;
        }
        nn_augment_draw_masks(a, ws_seed_mix(seed, NN_AUGMENT_MASK_STREAM), pos, frames, n_feat,
                              masks + k * 2 * (size_t)(tm + fm));
    }
}

/* ---- training sessions ------------------------------------------------------------------------------ */

struct nn_dtrain {
    const nn_cuda_api *cu;
    const nn_backend *be;
    nn_model *m;
    nn_optim *o;                 /* created without clipping: clip_grads runs on the device */
    nn_cuda_data *data;
    nn_augment_config aug;
    float smoothing, gamma;
    double clip_norm;            /* as given, as the CPU path takes it: as a float, one below the
                                  * least float (1e-50) was 0, no clipping, where torch's float32
                                  * clip_grad_norm_ and the CPU clip to factor 0; and one a float
                                  * does not hold (0.1) gave another factor now and then */
    float *class_w;              /* device [k], or NULL */
    int batch, reserve, k, frames, n_feat;
    size_t n_train, n_val, n_epoch;
    long n_batches, max_batches;
    size_t *noise_frames;        /* host [n_noise] */
    double *losses;              /* device [max_batches]: each batch's loss */
    int32_t *counts;             /* device [k][k], then [1]: the rows with a logit that is not finite */
    float *last_x;               /* device pointers of the last batch (tests) */
    int32_t *last_y;
    int last_n;
};

void nn_dtrain_free(nn_dtrain *t)
{
    if (!t) return;
    nn_optim_free(t->o);
    if (t->be) {
        t->be->release(t->losses);
        t->be->release(t->counts);
        t->be->release(t->class_w);
    }
    if (t->data) t->cu->data_free(t->data);
    free(t->noise_frames);
    free(t);
}

static int check_desc(const nn_model *m, const nn_data_desc *d, ws_err *e)
{
    int frames, feats;
    nn_model_input_shape(m, &frames, &feats);
    if (d->frames != frames || d->n_feat != feats || d->n_classes != nn_model_classes(m))
        return ws_err_set(e, WS_EINTERNAL, "dtrain: data of %dx%d features and %d classes for a model of %dx%d and %d",
                          d->frames, d->n_feat, d->n_classes, frames, feats, nn_model_classes(m));
    for (size_t i = 0; i < d->n_clips; i++)
        if (d->labels[i] < 0 || d->labels[i] >= d->n_classes)
            return ws_err_set(e, WS_EINPUT, "data: label %d of clip %zu outside [0, %d)", d->labels[i], i, d->n_classes);
    for (int i = 0; i < d->n_noise; i++)
        if (d->noise[i].mels != d->mels)
            return ws_err_set(e, WS_EINPUT, "augment: noise has %d mel bands, features %d", d->noise[i].mels, d->mels);
    return 0;
}

nn_dtrain *nn_dtrain_create(const nn_device *dev, nn_model *m, const nn_hparams *hp, long total_steps,
                            long warmup_steps, const nn_data_desc *d, int batch, int reserve,
                            size_t n_train, const int *val_idx, size_t n_val, ws_err *e)
{
    if (!nn_device_is_cuda(dev)) return ws_err_set(e, WS_EINTERNAL, "dtrain: needs a CUDA device"), NULL;
    if (unusable(dev, "dtrain", e)) return NULL;
    if (batch < 1 || reserve < 1 || reserve > batch || !n_train)
        return ws_err_set(e, WS_EINTERNAL, "dtrain: batch %d, reserve %d, %zu clips", batch, reserve, n_train), NULL;
    if (check_desc(m, d, e)) return NULL;
    const nn_loss_config *lc = &hp->loss;
    if (lc->balanced && !lc->class_weights)
        return ws_err_set(e, WS_EINTERNAL, "loss: balanced class weights were not computed (nn_loss_balance)"), NULL;
    if (lc->class_weights && lc->n_class_weights != d->n_classes)
        return ws_err_set(e, WS_EINPUT, "loss: %d class weights for %d classes", lc->n_class_weights, d->n_classes), NULL;
    nn_dtrain *t = calloc(1, sizeof *t);
    if (!t) return ws_err_set(e, WS_ENOMEM, "dtrain: out of memory"), NULL;
    t->cu = dev->cu;
    t->be = dev->cu->backend();
    t->m = m;
    t->aug = hp->aug;
    t->smoothing = (float)lc->label_smoothing;
    t->gamma = (float)lc->focal_gamma;
    t->clip_norm = hp->optim.clip_norm;
    t->batch = batch;
    t->reserve = reserve;
    t->k = d->n_classes;
    t->frames = d->frames;
    t->n_feat = d->n_feat;
    t->n_train = n_train;
    t->n_val = n_val;
    t->max_batches = (long)((n_train + (size_t)batch - 1) / (size_t)batch);
    t->noise_frames = calloc((size_t)d->n_noise + 1, sizeof *t->noise_frames);
    if (!t->noise_frames) { ws_err_set(e, WS_ENOMEM, "dtrain: out of memory"); goto fail; }
    for (int i = 0; i < d->n_noise; i++) t->noise_frames[i] = d->noise[i].frames;
    if (nn_model_to_device(m, dev, e)) goto fail;
    nn_optim_config oc = hp->optim;
    oc.clip_norm = 0;
    if (!(t->o = nn_optim_create(m, &oc, total_steps, warmup_steps, e))) goto fail;
    char why[600] = "";
    size_t bytes;
    int tm, fm;
    nn_augment_mask_counts(&hp->aug, &tm, &fm);
    if (!(t->data = t->cu->data_create(d, val_idx, n_val, &bytes, why, sizeof why))
        || t->cu->data_reserve(t->data, reserve, n_train, tm, fm, why, sizeof why)) {
        data_failed(t->cu, why, e);
        goto fail;
    }
    t->losses = t->be->alloc((size_t)t->max_batches * sizeof *t->losses);
    t->counts = t->be->alloc(((size_t)t->k * (size_t)t->k + 1) * sizeof *t->counts);
    if (lc->class_weights && (t->class_w = t->be->alloc((size_t)t->k * sizeof *t->class_w)))
        t->be->upload(t->class_w, lc->class_weights, (size_t)t->k * sizeof *t->class_w);
    if (!t->losses || !t->counts || (lc->class_weights && !t->class_w)) {
        ws_err_set(e, WS_ENOMEM, "dtrain: out of memory on the device");
        goto fail;
    }
    if (nn_model_reserve(m, reserve, e)) goto fail;
    if (sync_device(t->cu, "dtrain", e)) goto fail;
    return t;
fail:
    /* a failure the backend recorded is the cause (an allocation that returned NULL because
     * cudaMalloc saw a fault is not "out of memory", whatever the caller said) */
    cuda_failed(t->cu, "dtrain", e);
    nn_dtrain_free(t);
    return NULL;
}

int nn_dtrain_epoch(nn_dtrain *t, const int *order, size_t n, const uint64_t *batch_seed,
                    const int *batch_noise, ws_err *e)
{
    if (!n || n > t->n_train) return ws_err_set(e, WS_EINTERNAL, "dtrain: an epoch of %zu clips, prepared for %zu", n, t->n_train);
    nn_clip_plan *plan = t->cu->plan_buffer(t->data);
    nn_cuda_plan_draw(&t->aug, order, n, t->batch, batch_seed, batch_noise, t->noise_frames, t->frames, t->n_feat,
                      plan, (int32_t *)(plan + t->n_train));
    t->cu->plan_upload(t->data, n);
    t->n_epoch = n;
    t->n_batches = (long)((n + (size_t)t->batch - 1) / (size_t)t->batch);
    return cuda_failed(t->cu, "dtrain: epoch", e);
}

/* NN_STEP_BEGIN — a training step. Between here and NN_STEP_END nothing allocates, copies
 * between host and device or waits for the device: the calls below only enqueue kernels and
 * cuBLAS calls (model.c's forward and backward reserve nothing once nn_dtrain_create reserved
 * the largest batch; the optimizer has no clipping, so it never reads the norm back).
 * tests/cli/t3900 greps this region; tests/gpu counts the calls at run time. */
int nn_dtrain_batch(nn_dtrain *t, long b, float scale, int zero_grad, int step, ws_err *e)
{
    if (b < 0 || b >= t->n_batches) return ws_err_set(e, WS_EINTERNAL, "dtrain: batch %ld of %ld", b, t->n_batches);
    size_t start = (size_t)b * (size_t)t->batch;
    int n = t->n_epoch - start < (size_t)t->batch ? (int)(t->n_epoch - start) : t->batch;
    if (n > t->reserve) return ws_err_set(e, WS_EINTERNAL, "dtrain: batch of %d above the reserved %d", n, t->reserve);
    float *x;
    int32_t *y;
    const float *logits;
    t->cu->train_batch(t->data, start, n, &x, &y);
    if (zero_grad) nn_zero_grad(t->m);
    if (nn_forward(t->m, x, n, 1, &logits, e)) return -1;
    t->cu->xent(n, t->k, logits, y, t->class_w, t->smoothing, t->gamma, scale, t->m->gbuf[0], t->losses + b);
    if (nn_backward(t->m, x, t->m->gbuf[0], e)) return -1;
    if (step) {
        if (t->clip_norm > 0) t->cu->clip_grads(t->m->n_params, t->m->grads, t->clip_norm);
        nn_optim_step(t->o, NULL);
    }
    t->last_x = x;
    t->last_y = y;
    t->last_n = n;
    return 0;
}
/* NN_STEP_END */

int nn_dtrain_losses(nn_dtrain *t, double *loss, ws_err *e)
{
    if (t->n_batches) t->be->download(loss, t->losses, (size_t)t->n_batches * sizeof *loss);
    return cuda_failed(t->cu, "dtrain", e);
}

int nn_dtrain_confusion(nn_dtrain *t, long *confusion, long *nonfinite, float *logits_out, ws_err *e)
{
    size_t kk = (size_t)t->k * (size_t)t->k;
    int32_t *host = malloc((kk + 1) * sizeof *host);
    if (!host) return ws_err_set(e, WS_ENOMEM, "dtrain: out of memory");
    t->be->fill((float *)t->counts, kk + 1, 0.0f);     /* all-zero bits: int32 zeros */
    for (size_t s = 0; s < t->n_val; s += (size_t)t->reserve) {
        int n = t->n_val - s < (size_t)t->reserve ? (int)(t->n_val - s) : t->reserve;
        float *x;
        int32_t *y;
        const float *logits;
        t->cu->val_batch(t->data, s, n, &x, &y);
        if (nn_forward(t->m, x, n, 0, &logits, e)) { free(host); return -1; }
        t->cu->confusion(n, t->k, logits, y, t->counts);
        /* before the next batch's forward overwrites them (a wait, at a validation only) */
        if (logits_out) t->be->download(logits_out + s * (size_t)t->k, logits, (size_t)n * (size_t)t->k * sizeof *logits_out);
    }
    t->m->last_n = 0;                               /* as nn_predict: no backward after this */
    t->be->download(host, t->counts, (kk + 1) * sizeof *host);   /* the one download of the counts */
    for (size_t i = 0; i < kk; i++) confusion[i] += host[i];
    if (nonfinite) *nonfinite = host[kk];
    free(host);
    return cuda_failed(t->cu, "dtrain: validation", e);
}

int nn_dtrain_last_batch(nn_dtrain *t, float *x, int *labels, int *n, ws_err *e)
{
    *n = t->last_n;
    if (!t->last_n) return 0;
    t->be->download(x, t->last_x, (size_t)t->last_n * (size_t)t->frames * (size_t)t->n_feat * sizeof *x);
    t->be->download(labels, t->last_y, (size_t)t->last_n * sizeof *labels);
    return cuda_failed(t->cu, "dtrain", e);
}

/* ---- the largest batch ------------------------------------------------------------------------------ */

/* 1 when a training step of B samples fits on the device, 0 when it runs out of memory (by the
 * failure's kind, WS_ENOMEM or the backend's error_oom), -1 with e on any other failure: a fault
 * in a kernel is not a batch too large, and the probe stops with it. */
static int probe_try(const nn_device *dev, const nn_hparams *hp, int k, int frames, int n_feat, int mels, int B,
                     ws_err *e)
{
    const nn_cuda_api *cu = dev->cu;
    const nn_backend *be = cu->backend();
    ws_err soft = {0};
    int fits = 0;
    nn_model *m = nn_model_create(&hp->model, k, frames, n_feat, 1, e);
    if (!m) return -1;
    /* A batch norm over a 1x1 map trains on 2 samples at least (nn_forward refuses 1, as torch
     * does); a batch of 1 fits where 2 do. */
    if (B < nn_model_min_train_batch(m)) B = nn_model_min_train_batch(m);
    nn_optim *o = NULL;
    float *x = NULL, *aux = NULL;
    const float *logits;
    size_t in = (size_t)B * (size_t)frames;
    if (!nn_model_to_device(m, dev, &soft) && (o = nn_optim_create(m, &hp->optim, 1, 0, &soft))
        && !nn_model_reserve(m, B, &soft)) {
        x = be->alloc(in * (size_t)n_feat * sizeof *x);
        aux = x ? be->alloc(in * (size_t)mels * sizeof *aux + (size_t)B * 16) : NULL;    /* the data path's buffers */
        if (!x || !aux) ws_err_set(&soft, WS_ENOMEM, "out of memory on the device for a batch of %d", B);
        else if (!nn_forward(m, x, B, 1, &logits, &soft)) {
            cu->xent(B, k, logits, (const int32_t *)aux, NULL, 0.0f, 0.0f, 1.0f, m->gbuf[0], NULL);
            if (!nn_backward(m, x, m->gbuf[0], &soft)) {
                nn_optim_step(o, NULL);
                fits = !sync_device(cu, "probe", &soft);
            }
        }
    }
    be->release(x);
    be->release(aux);
    nn_optim_free(o);
    nn_model_free(m);
    if (cu->error()) {            /* what the backend recorded decides */
        if (!cu->error_oom()) return cuda_failed(cu, "probe", e);
        cu->clear_error();        /* out of memory is not sticky: the device goes on */
        return 0;
    }
    if (fits) return 1;
    if (soft.kind == WS_ENOMEM) return 0;
    *e = soft;
    return ws_err_prefix(e, "probe");
}

/* Bytes per sample (activations, inputs) and fixed bytes (parameters, gradients, optimizer, and
 * with keep_ckpt the checkpoint of the best weights a trial keeps by default,
 * nn_checkpoint_save_bytes: at the edge of a cgroup's limit the trial was killed as it saved one;
 * a trial with --keep none saves none), as nn_model_plan finds them:
 * from the layer list, nothing allocated. Built to be measured, a model
 * past the host's memory failed the probe ("model: out of memory", exit 3) or had it killed as
 * its weights were drawn (a dscnn of 4096 channels and 64 blocks: 4 GiB touched), before a batch
 * of it was tried on the GPU. The convolutions' workspace is neither: it grows with the batch up
 * to a chunk of samples, then stays, and may lie in a gradient spare (cpu_fits counts it). */
static int sample_bytes(const nn_hparams *hp, int k, int frames, int n_feat, int mels, int keep_ckpt, size_t *per,
                        size_t *fixed, size_t *built, ws_err *e)
{
    nn_model_need one, two;
    if (nn_model_plan(&hp->model, k, frames, n_feat, 1, &one, e) || nn_model_plan(&hp->model, k, frames, n_feat, 2, &two, e))
        return -1;
    /* the workspace aside, as the arena's part a sample adds: it stops growing at a chunk */
    size_t acts1 = one.acts_bytes - one.work_bytes, acts = two.acts_bytes - two.work_bytes - acts1;
    *per = acts + (size_t)frames * (size_t)(n_feat + mels) * sizeof(float);
    *fixed = one.params_bytes + one.grads_bytes + one.optim_bytes + acts1 - acts
             + (keep_ckpt ? nn_checkpoint_save_bytes(one.params_bytes / sizeof(float)) : 0);
    *built = one.params_bytes + one.grads_bytes;
    return 0;
}

/* Bytes of the free memory the CPU's batch is not sized into (nn_device_probe_batch). */
#define PROBE_CPU_SLACK ((size_t)8 << 20)

/* Whether a training step of B samples on the CPU fits in avail bytes: fixed and B per-sample
 * bytes (sample_bytes), and the workspace nn_model_plan gives for B at the shares nn_set_threads
 * set (per share: 69 MB for a dscnn of 256 channels and 6 blocks at 8 shares, left out before, so
 * the batch offered did not fit), with the page tables of it all (ws_page_table_bytes, as
 * trainer_memory_check counts them). */
static int cpu_fits(const nn_hparams *hp, int k, int frames, int n_feat, size_t per, size_t fixed, int B,
                    size_t avail)
{
    nn_model_need need;
    ws_err ignore;
    if (nn_model_plan(&hp->model, k, frames, n_feat, B, &need, &ignore)) return 0;
    size_t bytes = fixed + (size_t)B * per + need.work_bytes;
    if (bytes < fixed) return 0;
    size_t all = bytes + ws_page_table_bytes(bytes);
    return all >= bytes && all <= avail;
}

/* The largest batch up to limit that fits in avail on the CPU. Without the workspace the bytes
 * grow by per a sample, so (avail - fixed) / per bounds the answer; the workspace is found by
 * bisection below it. A workspace that moves into a spare as the batch grows may leave a larger
 * batch fitting too: the answer fits, if not always the very largest. */
static int cpu_batch(const nn_hparams *hp, int k, int frames, int n_feat, size_t per, size_t fixed, size_t avail,
                     int limit)
{
    size_t most = avail > fixed ? (avail - fixed) / per : 0;
    int lo = 0, hi = (most < (size_t)limit ? (int)most : limit) + 1;
    while (hi > lo + 1) {
        int mid = lo + (hi - lo) / 2;
        if (cpu_fits(hp, k, frames, n_feat, per, fixed, mid, avail)) lo = mid; else hi = mid;
    }
    return lo;
}

int nn_device_probe_batch(const nn_device *dev, const nn_hparams *hp, int n_classes, int frames,
                          int n_feat, const nn_data_desc *data, int limit, int keep_ckpt, nn_probe *out, ws_err *e)
{
    memset(out, 0, sizeof *out);
    out->limit = limit;
    int mels = data ? data->mels : n_feat;
    size_t fixed, built;
    if (sample_bytes(hp, n_classes, frames, n_feat, mels, keep_ckpt, &out->sample_bytes, &fixed, &built, e)) return -1;
    if (!nn_device_is_cuda(dev)) {
        /* MemAvailable, or what this process's cgroups leave where less (MemAvailable is the
         * machine's: in a cgroup of 256 MiB it offered batches of 24 GiB); the total likewise */
        ws_memory_limit host;
        ws_err ignore;
        ws_memory_limit_read(&host, &ignore);   /* no MemTotal: total 0, MemAvailable alone */
        out->total_bytes = host.bytes;
        out->free_bytes = host.left_bytes;
        /* Sized to the byte, a batch left about 1 MiB of a cgroup's 300 MiB (t4031: its peak 299
         * MiB) for what the sizes leave out (malloc's arenas, the stack, the study's writes in the
         * page cache), and on a loaded machine the kernel killed it there (exit 137, 2 full make
         * checks in 6): that much stays free. */
        size_t avail = out->free_bytes > PROBE_CPU_SLACK ? out->free_bytes - PROBE_CPU_SLACK : 0;
        out->batch = cpu_batch(hp, n_classes, frames, n_feat, out->sample_bytes, fixed, avail, limit);
        return 0;
    }
    if (dev->unusable == WS_ENOMEM) return 0;     /* full at start: not even a batch of 1 fits */
    if (unusable(dev, "probe", e)) return -1;
    const nn_cuda_api *cu = dev->cu;
    nn_cuda_data *dd = NULL;
    char why[600] = "";
    if (data && !(dd = cu->data_create(data, NULL, 0, &out->data_bytes, why, sizeof why))) return data_failed(cu, why, e);
    cu->mem_info(&out->free_bytes, &out->total_bytes);
    /* Each candidate builds the model in host memory (weights drawn, gradients) before it goes to
     * the device: past the memory the host (or its cgroup) has in all, the kernel would kill the
     * probe there, where the device never had a say. Not even a batch of 1 fits then. With their
     * page tables, as trainer_memory_check holds them. */
    ws_memory_limit host;
    ws_err ignore;
    if (!ws_memory_limit_read(&host, &ignore) && built + ws_page_table_bytes(built) > host.bytes) {
        if (dd) cu->data_free(dd);
        return 0;
    }
    int lo = 0, hi = -1, rc = 0;
    for (int B = 1;; B = B > limit / 2 ? limit : 2 * B) {
        if ((rc = probe_try(dev, hp, n_classes, frames, n_feat, mels, B, e)) < 0) break;
        if (!rc) { hi = B; break; }
        lo = B;
        if (B == limit) break;
    }
    while (rc >= 0 && hi > lo + 1) {
        int mid = lo + (hi - lo) / 2;
        if ((rc = probe_try(dev, hp, n_classes, frames, n_feat, mels, mid, e)) < 0) break;
        if (rc) lo = mid; else hi = mid;
    }
    if (dd) cu->data_free(dd);
    out->batch = lo;
    return rc < 0 ? -1 : 0;
}
