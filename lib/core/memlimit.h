/* memlimit.h — the memory this process may use in all: the machine's (MemTotal), or its cgroup's
 * limit where that is smaller (cgroup v2 memory.max, v1 memory.limit_in_bytes, of the process's
 * own cgroup or of one above it). A trial holds a model's need against it before building the
 * model: past it, the kernel would kill the process as it touched the memory (heuristic
 * overcommit lets the allocations themselves succeed), never telling the trial. It is the total,
 * not what is free now: trials of a sweep run side by side and each must be able to fit alone.
 * What is free now comes with it, for the CPU's batch probe: MemAvailable, or what the cgroups
 * leave where less (MemAvailable alone is the machine's, and offered a cgroup batches it could
 * never hold). */
#ifndef WS_CORE_MEMLIMIT_H
#define WS_CORE_MEMLIMIT_H
#include <limits.h>
#include <stdint.h>
#include "core/err.h"

typedef struct ws_memory_limit {
    uint64_t bytes;          /* the smaller of MemTotal and the cgroups' limits */
    char file[PATH_MAX];      /* the cgroup file that set it; "" when MemTotal did */
    uint64_t left_bytes;      /* free now: MemAvailable (0 where the kernel has none), or the least
                                 any of those cgroups leaves where less: its limit less its usage
                                 (v2 memory.current, v1 memory.usage_in_bytes), page cache the
                                 kernel would drop first (inactive_file) counted as left, as
                                 MemAvailable counts it */
} ws_memory_limit;

/* Fills lim from /proc/meminfo, /proc/self/cgroup and /proc/self/mountinfo. A cgroup file that
 * cannot be read, or says "max", sets nothing. -1 with e (WS_EINTERNAL) when /proc/meminfo has
 * no MemTotal: nothing is known then (bytes 0, left_bytes MemAvailable alone), and the caller
 * refuses nothing. */
int ws_memory_limit_read(ws_memory_limit *lim, ws_err *e);

/* The page tables of `bytes` of memory touched: an 8-byte entry a page (the last level, on 64-bit
 * x86 and arm; the levels above add a 512th of that), which the kernel charges to the process's
 * memory cgroup (v2 memory.stat pagetables, v1 kmem) as it does the pages: half a MiB for 256 MiB,
 * enough to go past a limit at its edge. Part of what a model needs for trainer_memory_check and
 * for the batch probe (nn_device_probe_batch) alike, so that the two agree. */
uint64_t ws_page_table_bytes(uint64_t bytes);

#endif
