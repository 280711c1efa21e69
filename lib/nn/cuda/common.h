/* common.h — what backend.cu and data.cu share (nvcc only): the process's CUDA context, the
 * check macros every CUDA and cuBLAS call goes through, tracked allocation, launch geometry
 * and a deterministic block reduction. See api.h for the failure and counting rules. */
#ifndef WS_NN_CUDA_COMMON_H
#define WS_NN_CUDA_COMMON_H
#ifndef __CUDACC__
#error "lib/nn/cuda/common.h is for nvcc"
#endif
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <stddef.h>
#include <stdint.h>
#include "nn/cuda/api.h"
#include "nn/cuda/kernels.h"

#define NN_THREADS 256           /* threads per block everywhere (a multiple of 32) */
#define NN_RED_BLOCKS 128        /* blocks of the two-stage reductions: fixed, so sums are reproducible */
#define NN_PARTS (1 << 17)       /* doubles of g_cu.part: per-chunk sums of batch norm and dw (1 MiB) */
#define NN_PART_CHUNK 2048       /* terms of a row that one block sums (see cu_parts) */

typedef struct cu_ctx {
    int ready;
    cudaStream_t stream;         /* every operation runs on it, in order */
    cublasHandle_t blas;
    cublasComputeType_t compute; /* from the precision: 32F, 32F_FAST_TF32, 32F_FAST_16BF */
    void *blas_ws;               /* cuBLAS workspace, set once, so cuBLAS never allocates */
    double *red;                 /* [NN_RED_BLOCKS + 2] reduction partials and results */
    double *part;                /* [NN_PARTS] chunked sums' partials (batch norm, depthwise dw) */
    float *coef;                 /* [1] the clipping factor */
    int32_t *xent_labels;        /* the layer table's xent: labels and weights from the host */
    float *xent_w;
    size_t xent_cap;
    nn_device_counters n;
    size_t limit, in_use;        /* bytes: WS_CUDA_MEM_MIB, and what is allocated */
    char err[600];               /* the first failure */
    int failed;
    int oom;                     /* that failure is running out of memory (by its code) */
} cu_ctx;

extern cu_ctx g_cu;

/* Records a failure "file:line: call: message" (the first one wins), oom when it is running out
 * of memory; returns false. */
bool cu_fail(const char *file, int line, const char *call, const char *msg, bool oom);
/* A failure is recorded and it is not running out of memory (a fault, a driver error): the
 * cause to report instead of "out of memory" when an allocation returned NULL. */
static inline bool cu_fault_recorded(void) { return g_cu.failed && !g_cu.oom; }
bool cu_ok(cudaError_t rc, const char *file, int line, const char *call);
bool blas_ok(cublasStatus_t rc, const char *file, int line, const char *call);

#define CUDA_CHECK(call) cu_ok((call), __FILE__, __LINE__, #call)
#define CUBLAS_CHECK(call) blas_ok((call), __FILE__, __LINE__, #call)
/* Launch errors are reported at the launch (no synchronisation); faults inside a kernel at
 * the next check that sees them. */
#define KERNEL_CHECK(name) cu_ok(cudaGetLastError(), __FILE__, __LINE__, name)

/* Zeroed device memory, counted against the limit; NULL when it does not fit (no failure is
 * recorded: running out of memory is the caller's to report) or when cudaMalloc failed for
 * another reason (recorded: error() says why, and the caller reports that, see api.h). */
void *cu_alloc(size_t bytes);
void cu_free(void *p);
/* Pinned host memory (counted as an allocation); NULL as cu_alloc. */
void *cu_host_alloc(size_t bytes);
/* The device memory free to this process in bytes: cudaMemGetInfo's, capped by WS_CUDA_MEM_MIB's
 * limit less what is allocated (0 when even that fails). */
size_t cu_free_bytes(void);
void cu_host_free(void *p);
/* Synchronous copies on the stream (each counts as a copy and a synchronisation). */
void cu_h2d(void *dst, const void *src, size_t bytes);
void cu_d2h(void *dst, const void *src, size_t bytes);
int cu_sync(void);

/* Blocks of a grid-stride loop over n elements. */
static inline unsigned cu_grid(size_t n)
{
    size_t b = (n + NN_THREADS - 1) / NN_THREADS;
    return (unsigned)(b < 8192 ? (b ? b : 1) : 8192);
}

#define NN_FOR(i, n) for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (size_t)gridDim.x * blockDim.x)

/* kernel<<<grid over n, NN_THREADS>>>(...) on the stream, checked; nothing for n == 0. */
#define LAUNCH(kernel, n, ...)                                                         \
    do {                                                                               \
        size_t n_ = (n);                                                               \
        if (n_) {                                                                      \
            kernel<<<cu_grid(n_), NN_THREADS, 0, g_cu.stream>>>(__VA_ARGS__);         \
            KERNEL_CHECK(#kernel);                                                     \
        }                                                                              \
    } while (0)

/* The sum of v over the block, in a fixed order (so reproducible), returned to every thread.
 * Every thread of the block must call it. */
static __device__ __forceinline__ double block_sum(double v)
{
    __shared__ double warp[NN_THREADS / 32];
    __shared__ double total;
    int lane = threadIdx.x & 31, w = threadIdx.x >> 5;
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    if (lane == 0) warp[w] = v;
    __syncthreads();
    if (w == 0) {
        v = lane < (int)(blockDim.x >> 5) ? warp[lane] : 0.0;
        for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
        if (lane == 0) total = v;
    }
    __syncthreads();
    double r = total;
    __syncthreads();
    return r;
}

/* data.cu's half of the api table */
nn_cuda_data *cu_data_create(const nn_data_desc *d, const int *val_idx, size_t n_val, size_t *bytes, char *why,
                             size_t why_len);
int cu_data_reserve(nn_cuda_data *dd, int batch, size_t plan_clips, int time_masks, int freq_masks, char *why,
                    size_t why_len);
void cu_data_free(nn_cuda_data *dd);
void *cu_plan_buffer(nn_cuda_data *dd);
void cu_plan_upload(nn_cuda_data *dd, size_t n_clips);
void cu_train_batch(nn_cuda_data *dd, size_t start, int n, float **x, int32_t **y);
void cu_val_batch(nn_cuda_data *dd, size_t start, int n, float **x, int32_t **y);

#endif
