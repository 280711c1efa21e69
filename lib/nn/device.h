/* device.h — where a trial trains (--device auto|cpu|cuda) and, on a GPU, training with the data
 * on the device and no data loader at all.
 *
 * Choosing. nn_device_select("cpu") costs nothing. "cuda" and "auto" first look without loading
 * anything: CUDA_VISIBLE_DEVICES empty or -1, or no /dev/nvidiactl, /dev/nvidia0 or /dev/dxg,
 * means no device. Only then is the CUDA backend loaded: a shared object built by nvcc
 * (libwakesweep-cuda.so, linked with libcudart and libcublas) opened with dlopen, so train-trial
 * itself never links CUDA, starts in milliseconds and runs on machines without CUDA libraries.
 * The runtime honours CUDA_VISIBLE_DEVICES; the backend uses the first visible device.
 * Environment: WS_CUDA_BACKEND (path of the shared object), WS_CUDA_MEM_MIB (device memory this
 * process may allocate, e.g. to share a GPU between trials; going over it is "out of memory"),
 * WS_CUDA_FORCE_PROBE=1 (skip the /dev check and ask the runtime anyway: diagnostics, tests).
 *
 * Training on the device (what train-trial does with a CUDA device):
 *
 *   m = nn_model_create(...);                       // on the CPU, same initialisation
 *   t = nn_dtrain_create(dev, m, &hp, total_steps, warmup_steps, &data, batch, reserve, n_train,
 *                        val_idx, n_val, &e);      // m moves to the device; every allocation
 *                                                   // of the trial happens here
 *   per epoch: nn_dtrain_epoch(t, order, n_train, batch_seeds, batch_noise, &e)  (one copy;
 *                   from the 2nd epoch it first waits for the last epoch's plan copy to be done)
 *              per batch b: nn_dtrain_batch(t, b, scale, zero_grad, step, &e)   (kernels only)
 *              nn_dtrain_losses(t, losses, &e)                  (waits: the losses' download)
 *   per validation: nn_dtrain_confusion(t, confusion, logits, &e)  (waits: the counts' download;
 *                   with logits, also each validation batch's logits: the wake word's scores)
 *   checkpoints: nn_checkpoint_save(..., m, ...) downloads the weights as usual (waits)
 *   nn_dtrain_free(t); nn_model_free(m);
 *
 * So the host waits for the device at most three times an epoch: the plan's copy (from the
 * second epoch; long done by then, as the losses' download drained the stream), the losses'
 * download at its end, and the validation's download on an epoch that validates (plus one per
 * validation batch for its logits when the trial has a wake word, whose operating point ranks
 * the clips' scores, and the weights' download when a validation improves and the best weights
 * are kept); never inside a step. An epoch cut into K validated parts (budget.validations_per_epoch) downloads the losses
 * and the counts after each validated part: at most 2K + 1 waits (an epoch past
 * budget.fine_epochs, whose parts are not validated but the last, only after the last: 3; within
 * them, with budget.fine_steps, after the listed parts and the last).
 *
 * The data path on the device gathers the clips of a batch from the uploaded cache, applies the
 * augmentation (time shift, noise at an SNR, SpecAugment masks), takes log-mel or MFCC and
 * standardizes, with the same per-element functions as the CPU path (nn/elementwise.h,
 * audio/transform_math.h) and the same random draws: nn_dtrain_epoch draws every augmentation
 * parameter on the host exactly as nn_augment_power and nn_augment_masks do and uploads them
 * with the clip order, once per epoch. Same seed, same device: the same run, bit for bit. */
#ifndef WS_NN_DEVICE_H
#define WS_NN_DEVICE_H
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "nn/backend.h"
#include "nn/nn.h"

/* GEMM precision on CUDA (the CPU always computes in fp32): fp32, tf32 (tensor cores with
 * 10-bit mantissas, the default) or bf16 (tensor cores with 8-bit mantissas; fp32 storage and
 * accumulation). Everything outside the GEMMs is fp32 on every setting. */
typedef enum { NN_PRECISION_FP32, NN_PRECISION_TF32, NN_PRECISION_BF16 } nn_precision;

int nn_precision_parse(const char *s, nn_precision *p, ws_err *e);
const char *nn_precision_name(nn_precision p);

typedef struct nn_device nn_device;

/* want: "auto", "cpu" or "cuda". *dev stays valid for the process (a CUDA context lives until
 * exit). When there is no CUDA device to use at all (no driver, no GPU, CUDA_VISIBLE_DEVICES hides
 * every one, none this build has code for): "cuda" fails with WS_EINPUT "no CUDA device (why)";
 * "auto" gives the CPU and writes "no CUDA device (why)" into note (when not NULL). When there is
 * one that cannot be opened now, full (its context, stream, cuBLAS or workspace does not fit) or
 * busy (exclusive mode): "cuda" gives it, and every use of it fails as opening it did, WS_ENOMEM
 * or WS_EINTERNAL with why, so the trial fails ("oom", or why) and a sweep goes on; "auto" gives
 * the CPU and writes "the CUDA device cannot be used (out of memory|unavailable: why)". */
int nn_device_select(const char *want, nn_precision precision, const nn_device **dev, char *note,
                     size_t note_len, ws_err *e);
int nn_device_is_cuda(const nn_device *d);
/* "cpu", or e.g. "cuda:0 NVIDIA H100 80GB HBM3 (sm_90, 79 GiB), tf32". */
const char *nn_device_name(const nn_device *d);
/* Changes the GEMM precision of a CUDA device (tests compare the settings). */
void nn_device_set_precision(const nn_device *d, nn_precision p);

/* Moves a model made by nn_model_create to the device: parameters, buffers and gradients into
 * device memory (activations are reserved again on the next call). Nothing to do on the CPU.
 * WS_ENOMEM "out of memory ..." when the device is full; WS_EINTERNAL with the backend's message
 * when an allocation failed for another reason (a fault that cudaMalloc saw). */
int nn_model_to_device(nn_model *m, const nn_device *dev, ws_err *e);

/* nn_model_get_weights_range, and whether the device recorded a failure (the download, or a
 * fault of an earlier kernel): then the host copy cannot be trusted. 0, or -1 with the backend's
 * message (WS_ENOMEM when it was running out of memory). The CPU cannot fail. */
int nn_model_get_weights_checked(const nn_model *m, size_t first, size_t count, float *out, ws_err *e);

/* A trial's data for the device path, all in host memory (e.g. the mapped feature cache). */
typedef struct nn_data_desc {
    const float *features;   /* [n_clips][frames][mels] linear mel power */
    const int32_t *labels;   /* [n_clips], each in [0, n_classes) */
    size_t n_clips;
    int frames, mels, n_classes;
    const nn_noise *noise;   /* [n_noise] background-noise streams (mels as above) */
    int n_noise;
    int mfcc;                /* 0: log-mel (n_feat = mels), 1: MFCC of n_feat coefficients */
    int n_feat;
    const float *dct;        /* [mels][n_feat] when mfcc (audio_dct_matrix) */
    const float *mean, *inv_std;  /* [n_feat] standardization */
} nn_data_desc;

typedef struct nn_dtrain nn_dtrain;

/* A training session on a CUDA device. Uploads the data once (pinned host memory, one copy),
 * moves m to the device, creates the optimizer there (hp->optim; total_steps and warmup_steps as
 * nn_optim_create), and allocates everything the epochs need: activations for `reserve` clips
 * (the largest batch that occurs, at most `batch`), plans for n_train clips, the validation
 * clip list val_idx [n_val]. hp is copied. Out of memory: NULL with WS_ENOMEM (the trial fails
 * with reason "oom"); any other failure of the device: NULL with WS_EINTERNAL and its message. */
nn_dtrain *nn_dtrain_create(const nn_device *dev, nn_model *m, const nn_hparams *hp, long total_steps,
                            long warmup_steps, const nn_data_desc *data, int batch, int reserve,
                            size_t n_train, const int *val_idx, size_t n_val, ws_err *e);
/* Frees the session; the model stays (on the device) for the caller to free. */
void nn_dtrain_free(nn_dtrain *t);

/* The schedule of one epoch: clip order [n] (n <= n_train), in batches of `batch`; per batch b
 * the augmentation seed batch_seed[b] (as given to trainer_data_batch) and the noise stream
 * batch_noise[b] (-1: none). */
int nn_dtrain_epoch(nn_dtrain *t, const int *order, size_t n, const uint64_t *batch_seed,
                    const int *batch_noise, ws_err *e);
/* Batch b of the epoch: gather and augment on the device, forward, loss, backward (gradients
 * scaled by scale), with nn_zero_grad first when zero_grad and an optimizer step (gradient
 * clipping on the device) after when step. Only enqueues work on the device. */
int nn_dtrain_batch(nn_dtrain *t, long b, float scale, int zero_grad, int step, ws_err *e);
/* The epoch's batch losses [batches] (unscaled, as nn_accumulate reports them). Waits for the
 * device (the epoch's work and the download). */
int nn_dtrain_losses(nn_dtrain *t, double *loss, ws_err *e);
/* Adds the confusion counts [k true][k predicted] of the current weights over the validation
 * clips to confusion (nn_metrics' layout), and sets *nonfinite (when not NULL) to the number of
 * clips whose logits hold a NaN or an infinity (weights gone bad: no prediction). Waits for the
 * device once (the download); with logits_out ([n_val][k], the validation clips in val_idx's
 * order) not NULL, once more per validation batch, to download its logits. */
int nn_dtrain_confusion(nn_dtrain *t, long *confusion, long *nonfinite, float *logits_out, ws_err *e);

/* The largest batch that fits (train-trial --probe-batch). CUDA: with the data uploaded (when
 * data is not NULL), tries real allocations and one training step per candidate, doubling from
 * 1, then bisecting, up to limit. A candidate that runs out of memory (WS_ENOMEM, or a failure
 * the backend knows as such by its code) does not fit; any other failure (a fault in a kernel)
 * ends the search: -1 with "probe: cuda: ...". A device too full to open: batch 0. CPU: a
 * computed bound from MemAvailable (or what the process's memory cgroups leave, where less:
 * ws_memory_limit_read), the bytes a sample needs and the convolutions' workspace at the shares
 * nn_set_threads set (it is per share), with the checkpoint a trial saves where keep_ckpt
 * (nn_checkpoint_save_bytes; train-trial --keep best, not none) and the page tables of it all, which the kernel charges to the
 * cgroup too. What this process holds is in the usage read: the trial's own is about the same. The model's sizes come from
 * nn_model_plan: nothing of it is built in host memory to be measured. */
typedef struct nn_probe {
    int batch;                  /* largest batch that fits (0: not even 1) */
    int limit;                  /* the search stopped at this batch */
    size_t free_bytes, total_bytes;   /* device (or host) memory before the search */
    size_t data_bytes;          /* the uploaded data */
    size_t sample_bytes;        /* activations and inputs per sample */
} nn_probe;
int nn_device_probe_batch(const nn_device *dev, const nn_hparams *hp, int n_classes, int frames,
                          int n_feat, const nn_data_desc *data, int limit, int keep_ckpt, nn_probe *out, ws_err *e);

/* ---- for tests ----------------------------------------------------------------------------- */

/* Calls into the device since it was selected. */
typedef struct nn_device_counters {
    long allocs, frees;         /* device and pinned host allocations */
    long syncs;                 /* host waits on the device (synchronous copies included) */
    long h2d, d2h;              /* copies between host and device */
} nn_device_counters;
void nn_device_counters_get(const nn_device *d, nn_device_counters *c);
/* The layer table of the device (CUDA: pointers are device memory); the CPU's on the CPU. */
const nn_backend *nn_device_backend(const nn_device *d);
/* Drops the device memory limit (bytes; 0 = none), as WS_CUDA_MEM_MIB sets it. */
void nn_device_set_memory_limit(const nn_device *d, size_t bytes);
/* The device copy of the current batch (after nn_dtrain_batch): x [n][frames][n_feat] and
 * labels [n] downloaded into host memory. */
int nn_dtrain_last_batch(nn_dtrain *t, float *x, int *labels, int *n, ws_err *e);

#endif
