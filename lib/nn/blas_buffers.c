/* blas_buffers.c — OpenBLAS's work buffers mapped before training, while a shortage can still be
 * reported (see nn_reserve_blas in nn.h).
 *
 * Why: every cblas call takes a buffer from OpenBLAS's table (driver/others/memory.c), mapping a
 * new one the first time more calls run at once than ever before. When that mmap fails (a
 * process under `ulimit -v`, a machine with strict overcommit) OpenBLAS 0.3 retries it forever:
 * train-trial spun mid-epoch while its heartbeat kept the trial alive. Held all at once here,
 * one per pool thread, the buffers stay mapped for the process's life (OpenBLAS frees a buffer
 * back to its table, never unmaps it), so later calls never map again; a probe mmap of the same
 * size first turns a shortage into an error instead of that loop. */
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "nn/cpu_pool.h"
#include "nn/nn.h"

/* OpenBLAS starts a server thread per core when it loads (its constructor), for threading we never
 * use: the pool calls it single-threaded. Each server maps a 128 MiB buffer as it starts, racing
 * the trainer's allocations; under a limit its mmap fails and it retries forever, and exit then
 * waits for it. OPENBLAS_NUM_THREADS=1 before that constructor keeps them from starting. It runs
 * after this one where OpenBLAS is linked statically (train-trial): a constructor with a
 * priority runs before unprioritized ones, which OpenBLAS's is. */
__attribute__((constructor(200))) static void no_blas_servers(void) { setenv("OPENBLAS_NUM_THREADS", "1", 1); }

/* OpenBLAS's own allocator, exported by libopenblas (not part of cblas.h). */
void *blas_memory_alloc(int procpos);
void blas_memory_free(void *buffer);

/* OpenBLAS 0.3 on x86-64 maps BUFFER_SIZE (32 << 22: 128 MiB) plus a page per buffer; the probe
 * asks a little more, so a probe that fits means the buffer fits. */
#define BLAS_BUFFER_BYTES (((size_t)128 << 20) + ((size_t)64 << 10))

static bool room_for_buffer(void)
{
    void *p = mmap(NULL, BLAS_BUFFER_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return false;
    munmap(p, BLAS_BUFFER_BYTES);
    return true;
}

int nn_reserve_blas(int threads, ws_err *e)
{
    static int reserved;   /* buffers known to be mapped (held at once by an earlier call) */
    int want = threads < 1 ? 1 : threads > NN_MAX_THREADS ? NN_MAX_THREADS : threads;
    void *held[NN_MAX_THREADS];
    int n = 0;
    while (n < want && (n < reserved || room_for_buffer())) held[n++] = blas_memory_alloc(0);
    for (int i = 0; i < n; i++) blas_memory_free(held[i]);
    if (n > reserved) reserved = n;
    if (n < want)
        return ws_err_set(e, WS_ENOMEM, "out of memory: no room to map OpenBLAS's work buffers (%d of 128 MiB each)", want);
    return 0;
}
