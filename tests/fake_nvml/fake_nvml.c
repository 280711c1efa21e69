/* fake_nvml.c — a test-only libnvidia-ml.so.1: the NVML symbols gpu-monitor loads, answering with
 * fixed readings so tests can check every field, and with failures chosen by environment
 * variables (read again at every nvmlInit):
 *
 *   FAKE_NVML_DEVICES=N        number of GPUs, 0..4 (default 1)
 *   FAKE_NVML_FAIL=LIST        comma-separated SYMBOL=CODE or SYMBOL@INDEX=CODE: that exported
 *                              function returns CODE (on every device, or only on INDEX)
 *   FAKE_NVML_LOST=INDEX:N     device INDEX answers GPU_IS_LOST (15) to everything from its
 *                              (N+1)-th nvmlDeviceGetUtilizationRates call on (one call = one sample)
 *   FAKE_NVML_PROCS=LIST       compute processes, comma-separated INDEX:PID:BYTES (empty: none;
 *                              unset: device i runs pid 4000+i using (i+1) * 256 MiB)
 *   FAKE_NVML_NPROCS=N         instead: N processes per device, pids 10000+1000*i+k, (k+1) MiB
 *   FAKE_NVML_STATS=FILE       nvmlShutdown appends "init=I shutdown=S samples=N" to FILE
 *   FAKE_NVML_V3_ROW_BYTES=32  _v3 writes 32-byte process rows, as drivers 535.43-535.86 did
 *
 * Readings of device i: name "Fake GPU i", utilization gpu 40+10i % and memory 15+5i %, memory
 * total (i+1) * 16 GiB, used (i+1) GiB + 4096 (v2; v1 adds the 64 MiB reserved), power
 * 71234+1000i mW, temperature 45+i C, clocks graphics 1700+i, SM 1755+i, memory 2619 MHz.
 *
 * Variants, chosen at build time: the default exports plain and versioned names like a current
 * driver; -DFAKE_NVML_OLD only the unversioned names of an old driver (v1 memory, process rows of
 * 16 bytes, no TemperatureV); -DFAKE_NVML_MINIMAL only init, shutdown, count and handle;
 * -DFAKE_NVML_BROKEN no nvmlInit at all. The fake checks its arguments as NVML does: calls
 * before init give UNINITIALIZED, unknown handles and NULL pointers INVALID_ARGUMENT, wrong
 * struct versions ARGUMENT_VERSION_MISMATCH, short buffers INSUFFICIENT_SIZE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gpu/nvml_api.h"

#define MAX_DEVICES 4
#define MAX_PROCS 256
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

struct nvmlDevice_st { int index; };

static struct nvmlDevice_st devices[MAX_DEVICES] = {{0}, {1}, {2}, {3}};
static struct {
    int initialized;                /* init calls minus shutdown calls */
    int inits, shutdowns;
    unsigned n_devices;
    int lost_index;                 /* -1: none */
    long lost_after;
    int lost_now;                   /* the lost device has gone */
    long samples[MAX_DEVICES];      /* nvmlDeviceGetUtilizationRates calls per device */
    unsigned n_procs;
    struct { int dev; unsigned pid; unsigned long long bytes; } procs[MAX_PROCS];
} fake;

/* The exported functions, declared here for -Wmissing-prototypes. */
nvmlReturn_t nvmlInit(void);
nvmlReturn_t nvmlInit_v2(void);
nvmlReturn_t nvmlShutdown(void);
const char *nvmlErrorString(nvmlReturn_t r);
nvmlReturn_t nvmlDeviceGetCount(unsigned int *n);
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *n);
nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int i, nvmlDevice_t *d);
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t *d);
nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *name, unsigned int length);
nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *u);
nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m);
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t d, nvmlMemory_v2_t *m);
nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *mw);
nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, int sensor, unsigned int *c);
nvmlReturn_t nvmlDeviceGetTemperatureV(nvmlDevice_t d, nvmlTemperature_v1_t *t);
nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t d, int type, unsigned int *mhz);
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_v1_t *infos);
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_v2_t *infos);
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_v2_t *infos);

/* The code FAKE_NVML_FAIL asks `fn` to return on device `index` (-1: no device), or 0. */
static nvmlReturn_t injected(const char *fn, int index)
{
    const char *list = getenv("FAKE_NVML_FAIL");
    size_t len = strlen(fn);
    for (const char *p = list; p && *p;) {
        const char *item = p, *comma = strchr(p, ',');
        p = comma ? comma + 1 : p + strlen(p);
        if (strncmp(item, fn, len)) continue;
        const char *rest = item + len;
        long dev = -1;
        if (*rest == '@') dev = strtol(rest + 1, (char **)&rest, 10);
        if (*rest != '=') continue;
        if (dev >= 0 && dev != index) continue;
        return (nvmlReturn_t)strtol(rest + 1, NULL, 10);
    }
    return NVML_SUCCESS;
}

static void load_processes(void)
{
    fake.n_procs = 0;
    const char *n_env = getenv("FAKE_NVML_NPROCS"), *list = getenv("FAKE_NVML_PROCS");
    if (n_env) {
        unsigned n = (unsigned)strtoul(n_env, NULL, 10);
        for (unsigned i = 0; i < fake.n_devices; i++)
            for (unsigned k = 0; k < n && fake.n_procs < MAX_PROCS; k++, fake.n_procs++) {
                fake.procs[fake.n_procs].dev = (int)i;
                fake.procs[fake.n_procs].pid = 10000 + 1000 * i + k;
                fake.procs[fake.n_procs].bytes = (k + 1) * MiB;
            }
    } else if (!list) {
        for (unsigned i = 0; i < fake.n_devices; i++, fake.n_procs++) {
            fake.procs[fake.n_procs].dev = (int)i;
            fake.procs[fake.n_procs].pid = 4000 + i;
            fake.procs[fake.n_procs].bytes = (i + 1) * 256 * MiB;
        }
    } else {
        for (const char *p = list; *p && fake.n_procs < MAX_PROCS;) {
            int dev;
            unsigned pid;
            unsigned long long bytes;
            if (sscanf(p, "%d:%u:%llu", &dev, &pid, &bytes) == 3) {
                fake.procs[fake.n_procs].dev = dev;
                fake.procs[fake.n_procs].pid = pid;
                fake.procs[fake.n_procs].bytes = bytes;
                fake.n_procs++;
            }
            const char *comma = strchr(p, ',');
            p = comma ? comma + 1 : p + strlen(p);
        }
    }
}

__attribute__((unused)) static nvmlReturn_t do_init(const char *fn)
{
    nvmlReturn_t rc = injected(fn, -1);
    if (rc) return rc;
    const char *n = getenv("FAKE_NVML_DEVICES"), *lost = getenv("FAKE_NVML_LOST");
    fake.n_devices = n ? (unsigned)strtoul(n, NULL, 10) : 1;
    if (fake.n_devices > MAX_DEVICES) fake.n_devices = MAX_DEVICES;
    fake.lost_index = -1;
    if (lost) {
        char *end;
        fake.lost_index = (int)strtol(lost, &end, 10);
        fake.lost_after = *end == ':' ? strtol(end + 1, NULL, 10) : 0;
    }
    fake.lost_now = 0;
    memset(fake.samples, 0, sizeof fake.samples);
    load_processes();
    fake.initialized++;
    fake.inits++;
    return NVML_SUCCESS;
}

/* Checks common to every device call: init done, handle known, not lost, no injected failure. */
__attribute__((unused)) static nvmlReturn_t device_check(const char *fn, nvmlDevice_t d)
{
    if (fake.initialized <= 0) return NVML_ERROR_UNINITIALIZED;
    if (!d || d < &devices[0] || d >= &devices[fake.n_devices]) return NVML_ERROR_INVALID_ARGUMENT;
    if (d->index == fake.lost_index && fake.lost_now) return NVML_ERROR_GPU_IS_LOST;
    return injected(fn, d->index);
}

#define DEVICE_CHECK(fn, d, ptr) do { nvmlReturn_t rc_ = device_check(fn, d); if (rc_) return rc_; \
    if (!(ptr)) return NVML_ERROR_INVALID_ARGUMENT; } while (0)

nvmlReturn_t nvmlShutdown(void)
{
    nvmlReturn_t rc = injected("nvmlShutdown", -1);
    if (rc) return rc;
    if (fake.initialized <= 0) return NVML_ERROR_UNINITIALIZED;
    fake.initialized--;
    fake.shutdowns++;
    const char *stats = getenv("FAKE_NVML_STATS");
    FILE *f = stats ? fopen(stats, "a") : NULL;
    if (f) {
        long samples = 0;
        for (int i = 0; i < MAX_DEVICES; i++) samples += fake.samples[i];
        fprintf(f, "init=%d shutdown=%d samples=%ld\n", fake.inits, fake.shutdowns, samples);
        fclose(f);
    }
    return NVML_SUCCESS;
}

static nvmlReturn_t get_count(const char *fn, unsigned int *n)
{
    if (fake.initialized <= 0) return NVML_ERROR_UNINITIALIZED;
    if (!n) return NVML_ERROR_INVALID_ARGUMENT;
    nvmlReturn_t rc = injected(fn, -1);
    if (rc) return rc;
    *n = fake.n_devices;
    return NVML_SUCCESS;
}

static nvmlReturn_t get_handle(const char *fn, unsigned int i, nvmlDevice_t *d)
{
    if (fake.initialized <= 0) return NVML_ERROR_UNINITIALIZED;
    if (!d || i >= fake.n_devices) return NVML_ERROR_INVALID_ARGUMENT;
    nvmlReturn_t rc = injected(fn, (int)i);
    if (rc) return rc;
    *d = &devices[i];
    return NVML_SUCCESS;
}

#ifndef FAKE_NVML_BROKEN
#ifndef FAKE_NVML_MINIMAL
nvmlReturn_t nvmlInit(void) { return do_init("nvmlInit"); }
#endif
#ifndef FAKE_NVML_OLD
nvmlReturn_t nvmlInit_v2(void) { return do_init("nvmlInit_v2"); }
#endif
#endif

#ifndef FAKE_NVML_MINIMAL
nvmlReturn_t nvmlDeviceGetCount(unsigned int *n) { return get_count("nvmlDeviceGetCount", n); }
nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int i, nvmlDevice_t *d)
{
    return get_handle("nvmlDeviceGetHandleByIndex", i, d);
}
#endif
#ifndef FAKE_NVML_OLD
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *n) { return get_count("nvmlDeviceGetCount_v2", n); }
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t *d)
{
    return get_handle("nvmlDeviceGetHandleByIndex_v2", i, d);
}
#endif

#ifndef FAKE_NVML_MINIMAL
const char *nvmlErrorString(nvmlReturn_t r)
{
    switch (r) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    case NVML_ERROR_ARGUMENT_VERSION_MISMATCH: return "Argument Version Mismatch";
    default: return "Unknown Error";
    }
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *name, unsigned int length)
{
    DEVICE_CHECK("nvmlDeviceGetName", d, name);
    char buf[32];
    int n = snprintf(buf, sizeof buf, "Fake GPU %d", d->index);
    if ((unsigned)n + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
    memcpy(name, buf, (size_t)n + 1);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *u)
{
    if (fake.initialized > 0 && d && d->index == fake.lost_index && fake.samples[d->index] >= fake.lost_after)
        fake.lost_now = 1;          /* sample N+1 begins: the device falls off the bus */
    DEVICE_CHECK("nvmlDeviceGetUtilizationRates", d, u);
    fake.samples[d->index]++;
    u->gpu = 40 + 10 * (unsigned)d->index;
    u->memory = 15 + 5 * (unsigned)d->index;
    return NVML_SUCCESS;
}

static unsigned long long total_bytes(int i) { return (unsigned long long)(i + 1) * 16 * GiB; }
static unsigned long long used_bytes(int i) { return (unsigned long long)(i + 1) * GiB + 4096; }
#define RESERVED_BYTES (64 * MiB)

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m)
{
    DEVICE_CHECK("nvmlDeviceGetMemoryInfo", d, m);
    m->total = total_bytes(d->index);
    m->used = used_bytes(d->index) + RESERVED_BYTES;
    m->free = m->total - m->used;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *mw)
{
    DEVICE_CHECK("nvmlDeviceGetPowerUsage", d, mw);
    *mw = 71234 + 1000 * (unsigned)d->index;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, int sensor, unsigned int *c)
{
    DEVICE_CHECK("nvmlDeviceGetTemperature", d, c);
    if (sensor != NVML_TEMPERATURE_GPU) return NVML_ERROR_INVALID_ARGUMENT;
    *c = 45 + (unsigned)d->index;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t d, int type, unsigned int *mhz)
{
    DEVICE_CHECK("nvmlDeviceGetClockInfo", d, mhz);
    switch (type) {
    case NVML_CLOCK_GRAPHICS: *mhz = 1700 + (unsigned)d->index; return NVML_SUCCESS;
    case NVML_CLOCK_SM: *mhz = 1755 + (unsigned)d->index; return NVML_SUCCESS;
    case NVML_CLOCK_MEM: *mhz = 2619; return NVML_SUCCESS;
    default: return NVML_ERROR_INVALID_ARGUMENT;
    }
}

/* The process list protocol: *count is the room in infos; when short, INSUFFICIENT_SIZE with
 * *count set to what is needed; rows of `stride` bytes. */
static nvmlReturn_t processes(const char *fn, nvmlDevice_t d, unsigned int *count, void *infos, size_t stride)
{
    DEVICE_CHECK(fn, d, count);
    unsigned n = 0;
    for (unsigned k = 0; k < fake.n_procs; k++) n += fake.procs[k].dev == d->index;
    if (*count < n || (n && !infos)) {
        *count = n;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    unsigned char *out = infos;
    *count = 0;
    for (unsigned k = 0; k < fake.n_procs; k++) {
        if (fake.procs[k].dev != d->index) continue;
        struct { nvmlProcessInfo_v2_t v2; unsigned long long cc_bytes; } row = {
            {fake.procs[k].pid, fake.procs[k].bytes, 0xFFFFFFFFu, 0xFFFFFFFFu}, 0};   /* 32 bytes */
        memcpy(out + (size_t)(*count)++ * stride, &row, stride);
    }
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_v1_t *infos)
{
    return processes("nvmlDeviceGetComputeRunningProcesses", d, count, infos, sizeof(nvmlProcessInfo_v1_t));
}
#endif /* !FAKE_NVML_MINIMAL */

#if !defined FAKE_NVML_MINIMAL && !defined FAKE_NVML_OLD
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t d, nvmlMemory_v2_t *m)
{
    DEVICE_CHECK("nvmlDeviceGetMemoryInfo_v2", d, m);
    if (m->version != NVML_MEMORY_V2_VERSION) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    m->total = total_bytes(d->index);
    m->reserved = RESERVED_BYTES;
    m->used = used_bytes(d->index);
    m->free = m->total - m->used - m->reserved;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTemperatureV(nvmlDevice_t d, nvmlTemperature_v1_t *t)
{
    DEVICE_CHECK("nvmlDeviceGetTemperatureV", d, t);
    if (t->version != NVML_TEMPERATURE_V1_VERSION) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    if (t->sensorType != NVML_TEMPERATURE_GPU) return NVML_ERROR_INVALID_ARGUMENT;
    t->temperature = 45 + d->index;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_v2_t *infos)
{
    return processes("nvmlDeviceGetComputeRunningProcesses_v2", d, count, infos, sizeof(nvmlProcessInfo_v2_t));
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_v2_t *infos)
{
    const char *rows = getenv("FAKE_NVML_V3_ROW_BYTES");
    size_t stride = rows && !strcmp(rows, "32") ? 32 : sizeof(nvmlProcessInfo_v2_t);
    return processes("nvmlDeviceGetComputeRunningProcesses_v3", d, count, infos, stride);
}
#endif
