/* cuda_fault.c — a CUDA backend for tests that fails on purpose: it loads the host emulation
 * (libwakesweep-cuda-emu.so beside it, or FAULT_INNER) and passes every call through, except
 * where one of these makes it fail as the real backend (lib/nn/cuda/backend.cu) would:
 *   FAULT_AFTER=N      from the N-th wait for the device on (sync, download; 0: from the start),
 *                      error() reports FAULT_TEXT (default: a fault inside a kernel, "an illegal
 *                      memory access was encountered (cudaErrorIllegalAddress)", as cu_ok
 *                      formats it), until clear_error()
 *   FAULT_OOM=1        ... and error_oom() says it is running out of memory (its code was
 *                      cudaErrorMemoryAllocation or CUBLAS_STATUS_ALLOC_FAILED)
 *   FAIL_FIRST_SYNC=1  the first sync() returns -1, the fault recorded as above
 *   ALLOC_FAULT_AT=N   the N-th allocation (1: the first) returns NULL with the fault recorded:
 *                      what cu_alloc does when cudaMalloc fails with anything but out of memory
 *   INIT_FAIL=KIND     init fails: none (no device), memory (the device is full) or busy, with
 *                      INIT_WHY as the reason
 * Load it with WS_CUDA_FORCE_PROBE=1 WS_CUDA_BACKEND=$WS_BUILD/tests/gpu/libwakesweep-cuda-fault.so. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nn/cuda/api.h"

static nn_cuda_api api;
static const nn_cuda_api *inner;
static nn_backend table;
static long waits, allocs, after = -1, alloc_at = -1;
static int faulted, oom, fail_sync;
static char msg[600];

static long env_long(const char *name, long otherwise)
{
    const char *v = getenv(name);
    return v && *v ? atol(v) : otherwise;
}

static void wait_seen(void)
{
    waits++;
    if (after >= 0 && waits >= after) faulted = 1;
}

static const char *f_error(void) { return faulted ? msg : inner->error(); }
static int f_error_oom(void) { return faulted ? oom : inner->error_oom(); }

static void f_clear_error(void)
{
    faulted = 0;
    after = -1;                  /* a fault shows once: the device goes on after it is cleared */
    inner->clear_error();
}

static int f_sync(void)
{
    wait_seen();
    if (fail_sync) {
        fail_sync = 0;
        faulted = 1;
        inner->sync();
        return -1;
    }
    return faulted ? (inner->sync(), -1) : inner->sync();
}

static void f_download(void *dst, const void *src, size_t bytes)
{
    wait_seen();
    inner->backend()->download(dst, src, bytes);
}

static void *f_alloc(size_t bytes)
{
    if (++allocs == alloc_at) {
        faulted = 1;
        oom = 0;
        snprintf(msg, sizeof msg, "backend.cu:98: cudaMalloc: an illegal memory access was encountered "
                                  "(cudaErrorIllegalAddress)");
        return NULL;
    }
    return inner->backend()->alloc(bytes);
}

static const nn_backend *f_backend(void) { return &table; }

static int f_init(char *name, size_t name_len, char *why, size_t why_len)
{
    const char *kind = getenv("INIT_FAIL"), *text = getenv("INIT_WHY");
    if (!kind || !*kind) {
        int rc = inner->init(name, name_len, why, why_len);
        if (!rc) {
            table = *inner->backend();
            table.download = f_download;
            table.alloc = f_alloc;
        }
        return rc;
    }
    snprintf(why, why_len, "%s", text ? text : "INIT_FAIL");
    return !strcmp(kind, "memory") ? NN_CUDA_INIT_NO_MEMORY : !strcmp(kind, "busy") ? NN_CUDA_INIT_UNAVAILABLE
                                                                                    : NN_CUDA_INIT_NO_DEVICE;
}

__attribute__((visibility("default"))) const nn_cuda_api *nn_cuda_api_get(void);
__attribute__((visibility("default"))) const nn_cuda_api *nn_cuda_api_get(void)
{
    char path[4096];
    const char *given = getenv("FAULT_INNER");
    Dl_info self;
    if (given && *given) snprintf(path, sizeof path, "%s", given);
    else if (dladdr((void *)nn_cuda_api_get, &self) && self.dli_fname) {
        snprintf(path, sizeof path, "%s", self.dli_fname);     /* the emulation beside this one */
        char *slash = strrchr(path, '/');
        size_t at = slash ? (size_t)(slash + 1 - path) : 0;
        snprintf(path + at, sizeof path - at, "libwakesweep-cuda-emu.so");
    } else path[0] = '\0';
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    nn_cuda_api_get_fn get = h ? (nn_cuda_api_get_fn)dlsym(h, NN_CUDA_ENTRY) : NULL;
    if (!get) {
        fprintf(stderr, "cuda_fault: %s\n", dlerror());
        return NULL;
    }
    inner = get();
    api = *inner;
    api.init = f_init;
    api.error = f_error;
    api.error_oom = f_error_oom;
    api.clear_error = f_clear_error;
    api.sync = f_sync;
    api.backend = f_backend;
    after = env_long("FAULT_AFTER", -1);
    alloc_at = env_long("ALLOC_FAULT_AT", -1);
    oom = env_long("FAULT_OOM", 0) == 1;
    fail_sync = env_long("FAIL_FIRST_SYNC", 0) == 1;
    const char *text = getenv("FAULT_TEXT");
    snprintf(msg, sizeof msg, "backend.cu:468: k_bn_bwd: %s",
             text && *text ? text : "an illegal memory access was encountered (cudaErrorIllegalAddress)");
    return &api;
}
