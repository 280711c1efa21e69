/* cuda_emu.c — a stand-in for libwakesweep-cuda.so that runs on the host (tests only), so the
 * device path above the kernels runs here without a GPU: nn/device.c's sessions (model on the
 * "device", plans, batches, losses, validation counts, the probe), the trainer's device epoch
 * loop and train-trial --device cuda. Load it with
 *   WS_CUDA_FORCE_PROBE=1 WS_CUDA_BACKEND=$WS_BUILD/tests/gpu/libwakesweep-cuda-emu.so
 * "Device memory" is host memory; the layer table is the CPU backend (compiled into this
 * object from lib/nn/backend_cpu.c with lib/nn's flags, on one thread); the data path, loss,
 * clipping and counting run the kernel bodies of lib/nn/cuda/kernels.h in host loops, in the
 * order the CPU path uses, so a trial trained here gives the CPU's metrics exactly. Calls are
 * counted as the real backend counts them (allocations, synchronising copies), and the memory
 * limit (WS_CUDA_MEM_MIB) is honoured, so the no-allocation-in-a-step check and the "oom" path
 * are tested too. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nn/cuda/api.h"
#include "nn/cuda/kernels.h"

#define EMU_MEMORY ((size_t)4 << 30)   /* the emulated device's memory, without a limit */

static nn_device_counters counters;
static size_t limit, in_use;
static int precision;

/* ---- memory: host blocks with a size header, counted ------------------------------------------- */

static void *emu_alloc(size_t bytes)
{
    size_t n = (bytes + 255) & ~(size_t)255;
    if (!n) n = 256;
    if (in_use + n > (limit ? limit : EMU_MEMORY)) return NULL;
    size_t *p = calloc(1, n + 64);
    if (!p) return NULL;
    p[0] = n;
    in_use += n;
    counters.allocs++;
    return (char *)p + 64;
}

static void emu_free(void *q)
{
    if (!q) return;
    size_t *p = (size_t *)((char *)q - 64);
    in_use -= p[0];
    counters.frees++;
    free(p);
}

static void emu_upload(void *dst, const void *src, size_t bytes)
{
    if (!bytes) return;
    counters.h2d++;
    counters.syncs++;
    memcpy(dst, src, bytes);
}

static void emu_download(void *dst, const void *src, size_t bytes)
{
    if (!bytes) return;
    counters.d2h++;
    counters.syncs++;
    memcpy(dst, src, bytes);
}

/* The layer table: the CPU backend's, with this memory. */
static nn_backend table;

static double emu_sumsq(size_t n, const float *x)
{
    counters.syncs++;           /* the real one reads the norm back */
    return nn_backend_cpu()->sumsq(n, x);
}

static double emu_xent_host(int n, int k, const float *logits, const int *labels, const float *class_w, float smoothing,
                            float gamma, float scale, float *dlogits)
{
    counters.syncs++;
    counters.h2d++;
    counters.d2h++;
    return nn_backend_cpu()->xent(n, k, logits, labels, class_w, smoothing, gamma, scale, dlogits);
}

/* ---- the api ------------------------------------------------------------------------------------ */

static int emu_init(char *name, size_t name_len, char *why, size_t why_len)
{
    (void)why; (void)why_len;
    table = *nn_backend_cpu();
    /* One thread, and this object's OpenBLAS told so too: train-trial carries its own static
     * copy, so its setting does not reach the shared library linked here. */
    table.set_threads(1, 0);
    table.name = "cuda-emulated";
    table.alloc = emu_alloc;
    table.release = emu_free;
    table.upload = emu_upload;
    table.download = emu_download;
    table.sumsq = emu_sumsq;
    table.xent = emu_xent_host;
    snprintf(name, name_len, "host emulation (tests/gpu/cuda_emu.c)");
    return 0;
}

static void emu_set_precision(int p) { precision = p; }
static void emu_set_memory_limit(size_t bytes) { limit = bytes; }

static int emu_mem_info(size_t *free_bytes, size_t *total_bytes)
{
    *total_bytes = limit ? limit : EMU_MEMORY;
    *free_bytes = *total_bytes > in_use ? *total_bytes - in_use : 0;
    return 0;
}

static const char *emu_error(void) { return NULL; }   /* nothing fails here but memory */
static int emu_error_oom(void) { return 0; }
static void emu_clear_error(void) {}
static void emu_counters(nn_device_counters *c) { *c = counters; }
static int emu_sync(void) { counters.syncs++; return 0; }
static const nn_backend *emu_backend(void) { return &table; }

/* ---- data --------------------------------------------------------------------------------------- */

struct nn_cuda_data {
    nn_data_desc d;              /* with our own copies of the arrays */
    float *features, *noise, *dct, *mean, *inv_std;
    int32_t *labels, *val_idx;
    size_t *noise_off;
    int batch, tm, fm;
    size_t plan_clips;
    float *power, *gain, *x;
    int32_t *y;
    nn_clip_plan *plan;
    int32_t *masks;
    void *plan_host;
};

static void *copy_in(const void *src, size_t bytes)
{
    void *p = emu_alloc(bytes);
    if (p && bytes) emu_upload(p, src, bytes);
    return p;
}

static void release_batches(nn_cuda_data *dd)
{
    emu_free(dd->power); emu_free(dd->gain); emu_free(dd->x); emu_free(dd->y); emu_free(dd->plan); emu_free(dd->masks);
    if (dd->plan_host) counters.frees++;
    free(dd->plan_host);
    dd->power = dd->gain = dd->x = NULL;
    dd->y = dd->masks = NULL;
    dd->plan = NULL;
    dd->plan_host = NULL;
}

static void emu_data_free(nn_cuda_data *dd)
{
    if (!dd) return;
    release_batches(dd);
    emu_free(dd->features); emu_free(dd->noise); emu_free(dd->dct); emu_free(dd->mean); emu_free(dd->inv_std);
    emu_free(dd->labels); emu_free(dd->val_idx);
    free(dd->noise_off);
    free(dd);
}

static nn_cuda_data *emu_data_create(const nn_data_desc *d, const int *val_idx, size_t n_val, size_t *bytes, char *why,
                                     size_t why_len)
{
    nn_cuda_data *dd = calloc(1, sizeof *dd);
    size_t clip = (size_t)d->frames * d->mels, noise_n = 0;
    for (int i = 0; i < d->n_noise; i++) noise_n += d->noise[i].frames * (size_t)d->mels;
    size_t need = d->n_clips * clip * sizeof(float) + d->n_clips * 4 + noise_n * sizeof(float);
    if (!dd) {
        snprintf(why, why_len, "cuda: out of host memory (emulated)");
        return NULL;
    }
    dd->d = *d;
    dd->features = copy_in(d->features, d->n_clips * clip * sizeof(float));
    dd->labels = copy_in(d->labels, d->n_clips * sizeof(int32_t));
    dd->noise = emu_alloc(noise_n * sizeof(float));
    /* offsets, then each stream's frames, as data.cu's noise_off: the caller's desc and its noise
     * list may be gone once this returns (train-trial frees the list), and reading the frames
     * through dd->d.noise read freed memory: a frame count of 0 (SIGFPE in % frames) or garbage */
    dd->noise_off = calloc(2 * ((size_t)d->n_noise + 1), sizeof *dd->noise_off);
    dd->dct = d->mfcc ? copy_in(d->dct, (size_t)d->mels * d->n_feat * sizeof(float)) : NULL;
    dd->mean = copy_in(d->mean, (size_t)d->n_feat * sizeof(float));
    dd->inv_std = copy_in(d->inv_std, (size_t)d->n_feat * sizeof(float));
    dd->val_idx = copy_in(val_idx, n_val * sizeof(int32_t));
    if (!dd->features || !dd->labels || !dd->noise || !dd->noise_off || (d->mfcc && !dd->dct) || !dd->mean || !dd->inv_std
        || !dd->val_idx) {
        snprintf(why, why_len, "cuda: out of memory for the feature cache (%zu MiB; emulated)", need >> 20);
        emu_data_free(dd);
        return NULL;
    }
    size_t at = 0;
    for (int i = 0; i < d->n_noise; i++) {
        dd->noise_off[i] = at;
        dd->noise_off[d->n_noise + i] = d->noise[i].frames;
        emu_upload(dd->noise + at, d->noise[i].power, d->noise[i].frames * (size_t)d->mels * sizeof(float));
        at += d->noise[i].frames * (size_t)d->mels;
    }
    dd->d.noise = NULL;   /* not ours to keep */
    if (bytes) *bytes = need;
    return dd;
}

static int emu_data_reserve(nn_cuda_data *dd, int batch, size_t plan_clips, int tm, int fm, char *why, size_t why_len)
{
    release_batches(dd);
    size_t B = (size_t)batch, clip = (size_t)dd->d.frames * dd->d.mels, pairs = (size_t)(tm + fm);
    dd->batch = batch;
    dd->tm = tm;
    dd->fm = fm;
    dd->plan_clips = plan_clips;
    dd->power = emu_alloc(B * clip * sizeof(float));
    dd->gain = emu_alloc(B * sizeof(float));
    dd->x = emu_alloc(B * dd->d.frames * dd->d.n_feat * sizeof(float));
    dd->y = emu_alloc(B * sizeof(int32_t));
    dd->plan = emu_alloc(plan_clips * sizeof(nn_clip_plan));
    dd->masks = emu_alloc(plan_clips * 2 * pairs * sizeof(int32_t));
    dd->plan_host = calloc(1, plan_clips * (sizeof(nn_clip_plan) + 2 * pairs * sizeof(int32_t)) + 1);
    counters.allocs++;
    if (!dd->power || !dd->gain || !dd->x || !dd->y || !dd->plan || !dd->masks || !dd->plan_host) {
        /* data.cu's message: what was asked, and what is free under the limit */
        size_t need = B * dd->d.frames * ((size_t)dd->d.mels + dd->d.n_feat) * sizeof(float) + plan_clips * sizeof(nn_clip_plan);
        size_t total = limit ? limit : EMU_MEMORY, free_b = total > in_use ? total - in_use : 0;
        snprintf(why, why_len, "cuda: out of memory for batches of %d (%zu MiB; %zu MiB free)", batch, need >> 20, free_b >> 20);
        release_batches(dd);
        return -1;
    }
    return 0;
}

static void *emu_plan_buffer(nn_cuda_data *dd) { return dd->plan_host; }

static void emu_plan_upload(nn_cuda_data *dd, size_t n)
{
    size_t pairs = (size_t)(dd->tm + dd->fm);
    nn_clip_plan *plan = dd->plan_host;
    counters.h2d += 2;           /* asynchronous in the real one: no synchronisation */
    memcpy(dd->plan, plan, n * sizeof *plan);
    memcpy(dd->masks, plan + dd->plan_clips, n * 2 * pairs * sizeof(int32_t));
}

/* data.cu's kernels, as host loops in the CPU path's order. */
static void make_batch(nn_cuda_data *dd, const nn_clip_plan *plan, const int32_t *masks, const int32_t *idx, int n)
{
    const nn_data_desc *d = &dd->d;
    int frames = d->frames, mels = d->mels, tm = dd->tm, fm = dd->fm;
    size_t clip_n = (size_t)frames * mels;
    for (int b = 0; b < n; b++) {                                   /* k_gather */
        int32_t clip = plan ? plan[b].clip : idx[b];
        dd->y[b] = dd->labels[clip];
        for (size_t i = 0; i < clip_n; i++)
            dd->power[b * clip_n + i] = nn_k_gather(dd->features, frames, mels, clip, plan ? plan[b].shift : 0,
                                                    (int)(i / (size_t)mels), (int)(i % (size_t)mels));
        dd->gain[b] = 0.0f;
        if (!plan || plan[b].noise < 0) continue;                   /* k_gain */
        int s = plan[b].noise;
        double pc = 0, pn = 0;
        for (size_t i = 0; i < clip_n; i++) pc += dd->power[b * clip_n + i];
        for (size_t i = 0; i < clip_n; i++)
            pn += nn_k_noise_at(dd->noise + dd->noise_off[s], dd->noise_off[d->n_noise + s], mels, plan[b].noise_start,
                                (int)(i / (size_t)mels), (int)(i % (size_t)mels));
        dd->gain[b] = nn_noise_gain(pc, pn, plan[b].snr_db);
    }
    for (int b = 0; b < n; b++)                                     /* k_log */
        for (size_t i = 0; i < clip_n; i++) {
            int t = (int)(i / (size_t)mels), f = (int)(i % (size_t)mels), s = plan ? plan[b].noise : -1;
            float nz = s >= 0 ? nn_k_noise_at(dd->noise + dd->noise_off[s], dd->noise_off[d->n_noise + s], mels, plan[b].noise_start, t, f) : 0.0f;
            float v = nn_k_log_power(dd->power[b * clip_n + i], nz, s >= 0 ? dd->gain[b] : 0.0f, s >= 0);
            if (d->mfcc) { dd->power[b * clip_n + i] = v; continue; }
            int masked = plan && nn_k_masked(masks + (size_t)b * 2 * (tm + fm), tm, fm, t, f);
            dd->x[b * clip_n + i] = masked ? 0.0f : nn_k_standardize(v, dd->mean[f], dd->inv_std[f]);
        }
    if (!d->mfcc) return;
    for (int b = 0; b < n; b++)                                     /* k_mfcc */
        for (int t = 0; t < frames; t++)
            for (int k = 0; k < d->n_feat; k++) {
                float v = audio_mfcc_coef(dd->power + b * clip_n + (size_t)t * mels, dd->dct, k, mels, d->n_feat);
                int masked = plan && nn_k_masked(masks + (size_t)b * 2 * (tm + fm), tm, fm, t, k);
                dd->x[((size_t)b * frames + t) * d->n_feat + k] = masked ? 0.0f : nn_k_standardize(v, dd->mean[k], dd->inv_std[k]);
            }
}

static void emu_train_batch(nn_cuda_data *dd, size_t start, int n, float **x, int32_t **y)
{
    make_batch(dd, dd->plan + start, dd->masks + start * 2 * (size_t)(dd->tm + dd->fm), NULL, n);
    *x = dd->x;
    *y = dd->y;
}

static void emu_val_batch(nn_cuda_data *dd, size_t start, int n, float **x, int32_t **y)
{
    make_batch(dd, NULL, NULL, dd->val_idx + start, n);
    *x = dd->x;
    *y = dd->y;
}

/* ---- step helpers ------------------------------------------------------------------------------- */

static void emu_xent(int n, int k, const float *logits, const int32_t *labels, const float *class_w, float smoothing,
                     float gamma, float scale, float *dlogits, double *loss)
{
    double wsum = 0, t = 0;
    for (int i = 0; i < n; i++) wsum += class_w ? class_w[labels[i]] : 1.0;
    if (wsum == 0) wsum = 1;
    for (int i = 0; i < n; i++)
        t += nn_xent_sample(k, logits + (size_t)i * k, labels[i], class_w, smoothing, gamma, scale, wsum, dlogits + (size_t)i * k);
    if (loss) *loss = t / wsum;
}

static void emu_clip_grads(size_t n, float *grads, double max_norm)
{
    float c = nn_k_clip_coef(sqrt(nn_backend_cpu()->sumsq(n, grads)), max_norm);
    if (c < 1.0f) nn_backend_cpu()->scale(n, c, grads);
}

static void emu_confusion(int n, int k, const float *logits, const int32_t *labels, int32_t *counts)
{
    for (int i = 0; i < n; i++) {
        counts[(size_t)labels[i] * k + nn_k_argmax(logits + (size_t)i * k, k)]++;
        if (!nn_k_row_finite(logits + (size_t)i * k, k)) counts[(size_t)k * k]++;
    }
}

static const nn_cuda_api api = {
    NN_CUDA_ABI,
    emu_init, emu_set_precision, emu_set_memory_limit, emu_mem_info, emu_error, emu_error_oom, emu_clear_error, emu_counters,
    emu_sync,
    emu_backend,
    emu_data_create, emu_data_reserve, emu_data_free, emu_plan_buffer, emu_plan_upload, emu_train_batch, emu_val_batch,
    emu_xent, emu_clip_grads, emu_confusion,
};

__attribute__((visibility("default"))) const nn_cuda_api *nn_cuda_api_get(void);
__attribute__((visibility("default"))) const nn_cuda_api *nn_cuda_api_get(void) { return &api; }
