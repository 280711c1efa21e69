/* data.cu — the data path on the device: the trial's cache uploaded once, batches gathered by
 * index, augmented (time shift, noise at an SNR, SpecAugment masks), turned into log-mel or
 * MFCC and standardized, all by kernels around kernels.h's bodies, from a plan of random draws
 * made on the host once per epoch (api.h, nn_cuda_plan_draw). No loader, no copy per step. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "nn/cuda/common.h"

struct nn_cuda_data {
    int frames, mels, n_feat, mfcc, n_noise;
    size_t n_clips, n_val;
    float *features;             /* [n_clips][frames][mels] */
    int32_t *labels;             /* [n_clips] */
    float *noise;                /* every stream, back to back */
    uint64_t *noise_off;         /* [n_noise] first float of each stream, then [n_noise] frames */
    float *dct, *mean, *inv_std; /* [mels][n_feat], [n_feat], [n_feat] */
    int32_t *val_idx;            /* [n_val] */
    /* batches, after reserve */
    int batch, tm, fm;
    size_t plan_clips;
    float *power, *gain, *x;     /* [batch][frames][mels], [batch], [batch][frames][n_feat] */
    int32_t *y;                  /* [batch] */
    nn_clip_plan *plan;          /* device [plan_clips] */
    int32_t *masks;              /* device [plan_clips][tm + fm][2] */
    void *plan_host;             /* pinned: plans, then masks */
    cudaEvent_t plan_copied;
    int plan_pending, has_event;
};

/* One upload of host memory: the span is page-locked (read-only registration, so a mapped
 * cache works) and copied in one transfer; where registering is refused, one pageable copy. */
static void upload_pinned(void *dst, const void *src, size_t bytes)
{
    if (!bytes) return;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = (uintptr_t)src & ~(page - 1), b = ((uintptr_t)src + bytes + page - 1) & ~(page - 1);
    /* a refusal is an answer, not a failure (no read-only registration on this system, or the
     * page-rounded span leaves the mapping): then the copy stages through the driver */
    bool pinned = cudaHostRegister((void *)a, b - a, cudaHostRegisterReadOnly) == cudaSuccess;
    if (!pinned) (void)cudaGetLastError();
    cu_h2d(dst, src, bytes);
    if (pinned) CUDA_CHECK(cudaHostUnregister((void *)a));
}

static void release_batches(nn_cuda_data *dd)
{
    cu_free(dd->power); cu_free(dd->gain); cu_free(dd->x); cu_free(dd->y);
    cu_free(dd->plan); cu_free(dd->masks);
    cu_host_free(dd->plan_host);
    if (dd->has_event) CUDA_CHECK(cudaEventDestroy(dd->plan_copied));
    dd->power = dd->gain = dd->x = NULL;
    dd->y = dd->masks = NULL;
    dd->plan = NULL;
    dd->plan_host = NULL;
    dd->has_event = dd->plan_pending = 0;
    dd->batch = 0;
}

void cu_data_free(nn_cuda_data *dd)
{
    if (!dd) return;
    release_batches(dd);
    cu_free(dd->features); cu_free(dd->labels); cu_free(dd->noise); cu_free(dd->noise_off);
    cu_free(dd->dct); cu_free(dd->mean); cu_free(dd->inv_std); cu_free(dd->val_idx);
    free(dd);
}

/* why an allocation for `what` returned NULL: a failure cu_alloc recorded (error() says it, and
 * device.c reports it), else out of memory, with the room left under WS_CUDA_MEM_MIB's limit. */
static void alloc_why(size_t need, const char *what, char *why, size_t why_len)
{
    if (cu_fault_recorded()) snprintf(why, why_len, "cuda: %s", g_cu.err);
    else snprintf(why, why_len, "cuda: out of memory for %s (%zu MiB; %zu MiB free)", what, need >> 20, cu_free_bytes() >> 20);
}

static nn_cuda_data *no_room(nn_cuda_data *dd, size_t need, const char *what, char *why, size_t why_len)
{
    alloc_why(need, what, why, why_len);
    cu_data_free(dd);
    return NULL;
}

nn_cuda_data *cu_data_create(const nn_data_desc *d, const int *val_idx, size_t n_val, size_t *bytes, char *why,
                             size_t why_len)
{
    nn_cuda_data *dd = (nn_cuda_data *)calloc(1, sizeof *dd);
    if (!dd) { snprintf(why, why_len, "cuda: out of host memory"); return NULL; }
    dd->frames = d->frames;
    dd->mels = d->mels;
    dd->n_feat = d->n_feat;
    dd->mfcc = d->mfcc;
    dd->n_noise = d->n_noise;
    dd->n_clips = d->n_clips;
    dd->n_val = n_val;
    size_t clip = (size_t)d->frames * d->mels, feat_b = d->n_clips * clip * sizeof(float), noise_n = 0;
    for (int i = 0; i < d->n_noise; i++) noise_n += d->noise[i].frames * (size_t)d->mels;
    size_t need = feat_b + d->n_clips * sizeof(int32_t) + noise_n * sizeof(float);
    dd->features = (float *)cu_alloc(feat_b);
    dd->labels = (int32_t *)cu_alloc(d->n_clips * sizeof(int32_t));
    dd->noise = (float *)cu_alloc(noise_n * sizeof(float));
    dd->noise_off = (uint64_t *)cu_alloc(2 * ((size_t)d->n_noise + 1) * sizeof(uint64_t));
    dd->dct = d->mfcc ? (float *)cu_alloc((size_t)d->mels * d->n_feat * sizeof(float)) : NULL;
    dd->mean = (float *)cu_alloc((size_t)d->n_feat * sizeof(float));
    dd->inv_std = (float *)cu_alloc((size_t)d->n_feat * sizeof(float));
    dd->val_idx = (int32_t *)cu_alloc(n_val * sizeof(int32_t));
    if (!dd->features || !dd->labels || !dd->noise || !dd->noise_off || (d->mfcc && !dd->dct) || !dd->mean
        || !dd->inv_std || !dd->val_idx)
        return no_room(dd, need, "the feature cache", why, why_len);
    upload_pinned(dd->features, d->features, feat_b);                 /* the one big copy */
    cu_h2d(dd->labels, d->labels, d->n_clips * sizeof(int32_t));
    uint64_t *off = (uint64_t *)calloc(2 * ((size_t)d->n_noise + 1), sizeof *off);
    if (!off) { cu_data_free(dd); snprintf(why, why_len, "cuda: out of host memory"); return NULL; }
    size_t at = 0;
    for (int i = 0; i < d->n_noise; i++) {
        off[i] = at;
        off[d->n_noise + i] = d->noise[i].frames;
        upload_pinned(dd->noise + at, d->noise[i].power, d->noise[i].frames * (size_t)d->mels * sizeof(float));
        at += d->noise[i].frames * (size_t)d->mels;
    }
    cu_h2d(dd->noise_off, off, 2 * ((size_t)d->n_noise + 1) * sizeof *off);
    free(off);
    if (d->mfcc) cu_h2d(dd->dct, d->dct, (size_t)d->mels * d->n_feat * sizeof(float));
    cu_h2d(dd->mean, d->mean, (size_t)d->n_feat * sizeof(float));
    cu_h2d(dd->inv_std, d->inv_std, (size_t)d->n_feat * sizeof(float));
    if (n_val) cu_h2d(dd->val_idx, val_idx, n_val * sizeof(int32_t));   /* int is 32 bits here */
    if (bytes) *bytes = need;
    if (g_cu.failed) {
        snprintf(why, why_len, "cuda: uploading the data: %s", g_cu.err);
        cu_data_free(dd);
        return NULL;
    }
    return dd;
}

int cu_data_reserve(nn_cuda_data *dd, int batch, size_t plan_clips, int time_masks, int freq_masks, char *why,
                    size_t why_len)
{
    release_batches(dd);
    size_t B = (size_t)batch, pairs = (size_t)(time_masks + freq_masks);
    size_t need = B * dd->frames * ((size_t)dd->mels + dd->n_feat) * sizeof(float) + plan_clips * sizeof(nn_clip_plan);
    dd->batch = batch;
    dd->tm = time_masks;
    dd->fm = freq_masks;
    dd->plan_clips = plan_clips;
    dd->power = (float *)cu_alloc(B * dd->frames * dd->mels * sizeof(float));
    dd->gain = (float *)cu_alloc(B * sizeof(float));
    dd->x = (float *)cu_alloc(B * dd->frames * dd->n_feat * sizeof(float));
    dd->y = (int32_t *)cu_alloc(B * sizeof(int32_t));
    dd->plan = (nn_clip_plan *)cu_alloc(plan_clips * sizeof(nn_clip_plan));
    dd->masks = (int32_t *)cu_alloc(plan_clips * 2 * pairs * sizeof(int32_t));
    dd->plan_host = cu_host_alloc(plan_clips * (sizeof(nn_clip_plan) + 2 * pairs * sizeof(int32_t)));
    if (!dd->power || !dd->gain || !dd->x || !dd->y || !dd->plan || !dd->masks) {
        char what[64];
        snprintf(what, sizeof what, "batches of %d", batch);
        alloc_why(need, what, why, why_len);
        release_batches(dd);
        return -1;
    }
    if (!dd->plan_host) {
        if (cu_fault_recorded()) snprintf(why, why_len, "cuda: %s", g_cu.err);
        else snprintf(why, why_len, "cuda: out of pinned host memory for the epoch plan");
        release_batches(dd);
        return -1;
    }
    if (!CUDA_CHECK(cudaEventCreateWithFlags(&dd->plan_copied, cudaEventDisableTiming))) {
        snprintf(why, why_len, "cuda: %s", g_cu.err);
        release_batches(dd);
        return -1;
    }
    dd->has_event = 1;
    return 0;
}

/* ---- the epoch plan ------------------------------------------------------------------------------- */

void *cu_plan_buffer(nn_cuda_data *dd)
{
    if (dd->plan_pending) {      /* the last epoch's copy must be done before we overwrite it */
        g_cu.n.syncs++;
        CUDA_CHECK(cudaEventSynchronize(dd->plan_copied));
        dd->plan_pending = 0;
    }
    return dd->plan_host;
}

void cu_plan_upload(nn_cuda_data *dd, size_t n_clips)
{
    size_t pairs = (size_t)(dd->tm + dd->fm);
    nn_clip_plan *plan = (nn_clip_plan *)dd->plan_host;
    int32_t *masks = (int32_t *)(plan + dd->plan_clips);
    g_cu.n.h2d++;
    CUDA_CHECK(cudaMemcpyAsync(dd->plan, plan, n_clips * sizeof *plan, cudaMemcpyHostToDevice, g_cu.stream));
    if (pairs) {
        g_cu.n.h2d++;
        CUDA_CHECK(cudaMemcpyAsync(dd->masks, masks, n_clips * 2 * pairs * sizeof *masks, cudaMemcpyHostToDevice,
                                   g_cu.stream));
    }
    CUDA_CHECK(cudaEventRecord(dd->plan_copied, g_cu.stream));
    dd->plan_pending = 1;
}

/* ---- batches --------------------------------------------------------------------------------------- */

/* NN_STEP_BEGIN — cu_train_batch and cu_val_batch only launch kernels: no allocation, no copy,
 * no synchronisation (tests/cli/t3900 greps this region). */

/* power[b][t][f] from the plan's (or the index list's) clip, shifted; labels for the batch. */
__global__ void k_gather(const float *features, const int32_t *labels, int frames, int mels, const nn_clip_plan *plan,
                         const int32_t *idx, size_t total, float *power, int32_t *y)
{
    size_t clip_n = (size_t)frames * mels;
    NN_FOR(i, total) {
        size_t b = i / clip_n;
        int t = (int)(i % clip_n / (size_t)mels), f = (int)(i % (size_t)mels);
        int32_t clip = plan ? plan[b].clip : idx[b];
        power[i] = nn_k_gather(features, frames, mels, clip, plan ? plan[b].shift : 0, t, f);
        if (i % clip_n == 0) y[b] = labels[clip];
    }
}

/* One block per clip: the noise gain from the clip's and its noise segment's summed power. */
__global__ void k_gain(const float *power, int frames, int mels, const nn_clip_plan *plan, const float *noise,
                       const uint64_t *noise_off, int n_noise, float *gain)
{
    int b = blockIdx.x, s = plan[b].noise;
    if (s < 0) {
        if (threadIdx.x == 0) gain[b] = 0.0f;
        return;                  /* the whole block leaves: no block_sum below */
    }
    size_t clip_n = (size_t)frames * mels;
    const float *p = power + (size_t)b * clip_n, *stream = noise + noise_off[s];
    uint64_t nf = noise_off[n_noise + s], start = plan[b].noise_start;
    double pc = 0, pn = 0;
    for (size_t i = threadIdx.x; i < clip_n; i += blockDim.x) {
        pc += p[i];
        pn += nn_k_noise_at(stream, nf, mels, start, (int)(i / (size_t)mels), (int)(i % (size_t)mels));
    }
    pc = block_sum(pc);
    pn = block_sum(pn);
    if (threadIdx.x == 0) gain[b] = nn_noise_gain(pc, pn, plan[b].snr_db);
}

/* Log power with the noise mixed in: into x standardized and masked (log-mel), or back into
 * power for the MFCC (mean, inv_std NULL). */
__global__ void k_log(float *power, int frames, int mels, const nn_clip_plan *plan, const int32_t *masks, int tm, int fm,
                      const float *noise, const uint64_t *noise_off, int n_noise, const float *gain, const float *mean,
                      const float *inv_std, size_t total, float *x)
{
    size_t clip_n = (size_t)frames * mels;
    NN_FOR(i, total) {
        size_t b = i / clip_n;
        int t = (int)(i % clip_n / (size_t)mels), f = (int)(i % (size_t)mels);
        int s = plan ? plan[b].noise : -1;
        float nz = 0.0f;
        if (s >= 0) nz = nn_k_noise_at(noise + noise_off[s], noise_off[n_noise + s], mels, plan[b].noise_start, t, f);
        float v = nn_k_log_power(power[i], nz, s >= 0 ? gain[b] : 0.0f, s >= 0);
        if (!mean) { power[i] = v; continue; }
        int masked = plan && nn_k_masked(masks + b * 2 * (size_t)(tm + fm), tm, fm, t, f);
        x[i] = masked ? 0.0f : nn_k_standardize(v, mean[f], inv_std[f]);
    }
}

/* MFCC of the log-mel rows in lm, standardized and masked. */
__global__ void k_mfcc(const float *lm, int frames, int mels, int n_feat, const float *dct, const nn_clip_plan *plan,
                       const int32_t *masks, int tm, int fm, const float *mean, const float *inv_std, size_t total, float *x)
{
    size_t per = (size_t)frames * n_feat;
    NN_FOR(i, total) {
        size_t b = i / per;
        int t = (int)(i % per / (size_t)n_feat), k = (int)(i % (size_t)n_feat);
        float v = audio_mfcc_coef(lm + (b * frames + (size_t)t) * mels, dct, k, mels, n_feat);
        int masked = plan && nn_k_masked(masks + b * 2 * (size_t)(tm + fm), tm, fm, t, k);
        x[i] = masked ? 0.0f : nn_k_standardize(v, mean[k], inv_std[k]);
    }
}

static void make_batch(nn_cuda_data *dd, const nn_clip_plan *plan, const int32_t *masks, const int32_t *idx, int n)
{
    size_t total = (size_t)n * dd->frames * dd->mels;
    LAUNCH(k_gather, total, dd->features, dd->labels, dd->frames, dd->mels, plan, idx, total, dd->power, dd->y);
    if (plan && dd->n_noise && n > 0) {
        k_gain<<<(unsigned)n, NN_THREADS, 0, g_cu.stream>>>(dd->power, dd->frames, dd->mels, plan, dd->noise,
                                                            dd->noise_off, dd->n_noise, dd->gain);
        KERNEL_CHECK("k_gain");
    }
    /* without noise streams every plan says noise -1: nothing is mixed */
    const float *mean = dd->mfcc ? NULL : dd->mean, *inv_std = dd->mfcc ? NULL : dd->inv_std;
    LAUNCH(k_log, total, dd->power, dd->frames, dd->mels, plan, masks, dd->tm, dd->fm, dd->noise, dd->noise_off,
           dd->n_noise, dd->gain, mean, inv_std, total, dd->x);
    if (!dd->mfcc) return;
    size_t nx = (size_t)n * dd->frames * dd->n_feat;
    LAUNCH(k_mfcc, nx, dd->power, dd->frames, dd->mels, dd->n_feat, dd->dct, plan, masks, dd->tm, dd->fm, dd->mean,
           dd->inv_std, nx, dd->x);
}

void cu_train_batch(nn_cuda_data *dd, size_t start, int n, float **x, int32_t **y)
{
    make_batch(dd, dd->plan + start, dd->masks + start * 2 * (size_t)(dd->tm + dd->fm), NULL, n);
    *x = dd->x;
    *y = dd->y;
}

void cu_val_batch(nn_cuda_data *dd, size_t start, int n, float **x, int32_t **y)
{
    make_batch(dd, NULL, NULL, dd->val_idx + start, n);
    *x = dd->x;
    *y = dd->y;
}

/* NN_STEP_END */
