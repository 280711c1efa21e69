/* api.h — what the CUDA backend's shared object (libwakesweep-cuda.so, built by nvcc from
 * the .cu files in lib/nn/cuda) offers to lib/nn/device.c, which opens it with dlopen. One symbol is
 * exported, nn_cuda_api_get(), returning a table of functions; everything crosses as plain C
 * types. Pointers named "device" point into GPU memory.
 *
 * Failures. Every CUDA and cuBLAS call is checked (CUDA_CHECK and CUBLAS_CHECK in common.h); the
 * first failure is kept as "file:line: call: message" and returned by error() until
 * clear_error(), and error_oom() says whether it was running out of memory
 * (cudaErrorMemoryAllocation, CUBLAS_STATUS_ALLOC_FAILED): by its code, never by its text, since
 * a fault inside a kernel says "an illegal memory access" and is no such thing. Calls after a
 * failure still run (a sticky CUDA error makes them fail fast). Allocation failures return
 * NULL; running out of memory there (cudaErrorMemoryAllocation, the WS_CUDA_MEM_MIB limit, the
 * host's memory) records nothing, the caller reports "out of memory", while any other cudaMalloc
 * failure is recorded like every failure, so that error() says why. device.c looks at error()
 * where it synchronises and when a session is created, so a failure inside an epoch ends the
 * trial at the end of that epoch. Counters count allocations, synchronisations and copies, so
 * tests can prove that a training step does none. */
#ifndef WS_NN_CUDA_API_H
#define WS_NN_CUDA_API_H
#include <stddef.h>
#include <stdint.h>
#include "nn/backend.h"
#include "nn/device.h"

#define NN_CUDA_ABI 3   /* 3: clip_grads takes max_norm as a double */
#define NN_CUDA_ENTRY "nn_cuda_api_get"

/* What init's failure means for a sweep (device.c): */
enum {
    NN_CUDA_INIT_NO_DEVICE = -1,   /* none to use at all: no driver, no GPU, none visible, none this
                                    * build has code for (--device cuda: exit 2, the sweep stops) */
    NN_CUDA_INIT_NO_MEMORY = -2,   /* a GPU without room for our context, stream, cuBLAS or its
                                    * workspace (the trial fails "oom", the sweep goes on) */
    NN_CUDA_INIT_UNAVAILABLE = -3, /* a GPU that cannot be used now: busy (exclusive mode), or
                                    * failing (the trial fails with why, the sweep goes on) */
};

/* The augmentation of one clip of an epoch, drawn on the host (nn_cuda_plan_draw). */
typedef struct nn_clip_plan {
    int32_t clip;            /* index into the cache */
    int32_t shift;           /* frames of time shift, positive: later, zero filled */
    int32_t noise;           /* noise stream mixed in, -1: none */
    int32_t pad_;
    double snr_db;           /* the noise's SNR */
    uint64_t noise_start;    /* the noise segment's first frame (wraps around) */
} nn_clip_plan;

typedef struct nn_cuda_data nn_cuda_data;

typedef struct nn_cuda_api {
    int abi;                                  /* NN_CUDA_ABI */
    /* Opens the first visible device: context, stream, cuBLAS handle and workspace, a test
     * launch (catches a GPU the fatbinary has no code for). name: "NAME (sm_XY, N GiB)".
     * 0, or an NN_CUDA_INIT_* with why ("cudaGetDeviceCount: ..."), having released what it made. */
    int (*init)(char *name, size_t name_len, char *why, size_t why_len);
    void (*set_precision)(int precision);     /* nn_precision */
    void (*set_memory_limit)(size_t bytes);   /* 0: none */
    int (*mem_info)(size_t *free_bytes, size_t *total_bytes);
    const char *(*error)(void);               /* first failure, or NULL */
    int (*error_oom)(void);                   /* 1: that failure is running out of memory */
    void (*clear_error)(void);
    void (*counters)(nn_device_counters *c);
    int (*sync)(void);                        /* waits for the stream; -1 on a failure */
    const nn_backend *(*backend)(void);       /* the layer table on device pointers */

    /* The data path. create uploads the data (pinned, one copy) and the validation clips;
     * reserve allocates the buffers of batches up to `batch` clips and the plan of up to
     * plan_clips clips with mask_pairs (start, width) masks each (time masks first). */
    nn_cuda_data *(*data_create)(const nn_data_desc *d, const int *val_idx, size_t n_val,
                                 size_t *bytes, char *why, size_t why_len);
    int (*data_reserve)(nn_cuda_data *dd, int batch, size_t plan_clips, int time_masks,
                        int freq_masks, char *why, size_t why_len);
    void (*data_free)(nn_cuda_data *dd);
    /* Pinned host memory for an epoch's plan: nn_clip_plan [plan_clips], then int32
     * [plan_clips][time_masks + freq_masks][2]. Fill it, then plan_upload(n) (async). */
    void *(*plan_buffer)(nn_cuda_data *dd);
    void (*plan_upload)(nn_cuda_data *dd, size_t n_clips);
    /* A batch from the plan (clips [start, start + n)) or from the validation clips; x and y
     * receive device pointers to [n][frames][n_feat] features and [n] labels. */
    void (*train_batch)(nn_cuda_data *dd, size_t start, int n, float **x, int32_t **y);
    void (*val_batch)(nn_cuda_data *dd, size_t start, int n, float **x, int32_t **y);

    /* Step helpers on device pointers, asynchronous. xent: nn_backend's xent with device labels
     * and class weights (may be NULL), the batch loss into *loss (device). clip_grads:
     * torch.nn.utils.clip_grad_norm_ without leaving the device. confusion: adds argmax counts
     * into counts [k][k] (device), and the rows holding a NaN or infinite logit into counts[k * k]. */
    void (*xent)(int n, int k, const float *logits, const int32_t *labels, const float *class_w,
                 float smoothing, float gamma, float scale, float *dlogits, double *loss);
    void (*clip_grads)(size_t n, float *grads, double max_norm);
    void (*confusion)(int n, int k, const float *logits, const int32_t *labels, int32_t *counts);
} nn_cuda_api;

typedef const nn_cuda_api *(*nn_cuda_api_get_fn)(void);

/* Host side (device.c; tests): draws the plan of clips [0, n) of an epoch exactly as
 * nn_augment_power and nn_augment_masks draw for trainer_data_batch: clip k is position
 * k % batch of batch k / batch, whose seed and noise stream are batch_seed[] and
 * batch_noise[]. noise_frames [n_noise] are the streams' lengths. masks receives
 * [n][tm + fm][2] (start, width), tm and fm from nn_augment_mask_counts. */
void nn_cuda_plan_draw(const nn_augment_config *a, const int *order, size_t n, int batch,
                       const uint64_t *batch_seed, const int *batch_noise, const size_t *noise_frames,
                       int frames, int n_feat, nn_clip_plan *plan, int32_t *masks);

#endif
