/* nvml.c — NVML through dlopen (see nvml.h). Every symbol is resolved newest version first and
 * kept as a function pointer; a missing optional symbol leaves its field unknown. The per-call
 * checks live in one place, call_ok(): success, "GPU is lost" (the device is dropped), or any
 * other failure (the field is unknown, noted once per device and field). */
#include "gpu/nvml.h"
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/fdio.h"
#include "gpu/nvml_api.h"

enum { F_NAME, F_UTIL, F_MEMORY, F_POWER, F_TEMP, F_CLOCK, F_PROCS, F_COUNT };
static const char *const field_null[F_COUNT] = {   /* what a failure of each field means */
    "name is null", "util and mem_util are null", "mem_used_bytes and mem_total_bytes are null",
    "power_w is null", "temp_c is null", "sm_clock_mhz is null", "processes is null",
};

#define MAX_NOTES 32
#define PID_MAX_LINUX 4194304u     /* the largest pid_max the kernel accepts */

struct dev {
    nvmlDevice_t h;
    int index;                     /* NVML index */
    int lost;                      /* reported GPU_IS_LOST: no longer sampled */
    unsigned noted;                /* bit per F_*: a failure of that field was noted */
    int mem_v2_off, temp_v_off;    /* the newer call is unusable on this device: use the old one */
    char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
};

struct gpu_nvml {
    void *dl;
    char library[256];
    const char *init_name, *count_name, *handle_name, *mem_name, *temp_name, *procs_name;
    nvml_shutdown_fn shutdown;
    nvml_error_string_fn error_string;
    nvml_get_name_fn get_name;
    nvml_get_utilization_fn get_util;
    nvml_get_memory_v2_fn get_mem_v2;
    nvml_get_memory_fn get_mem;
    nvml_get_power_fn get_power;
    nvml_get_temperature_v_fn get_temp_v;
    nvml_get_temperature_fn get_temp;
    nvml_get_clock_fn get_clock;
    nvml_get_processes_fn get_procs;
    size_t procs_stride;           /* bytes per row the resolved process call writes */
    int procs_v3;                  /* the _v3 symbol: rows may be 24 or (535.43–535.86) 32 bytes */
    struct dev *devs;              /* [n_devs] */
    size_t n_devs;
    unsigned char *proc_buf;       /* [proc_rows * WS_NVML_PROCESS_ROW_MAX_BYTES] */
    unsigned proc_rows;
    char notes[MAX_NOTES][256];    /* queue drained by gpu_nvml_next_note */
    int note_head, note_count;
    char note_out[256];
};

static void note(gpu_nvml *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(gpu_nvml *g, const char *fmt, ...)
{
    if (g->note_count == MAX_NOTES) return;   /* a burst beyond the queue is dropped */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->notes[(g->note_head + g->note_count) % MAX_NOTES], sizeof g->notes[0], fmt, ap);
    va_end(ap);
    g->note_count++;
}

const char *gpu_nvml_next_note(gpu_nvml *g)
{
    if (!g || !g->note_count) return NULL;
    memcpy(g->note_out, g->notes[g->note_head], sizeof g->note_out);
    g->note_head = (g->note_head + 1) % MAX_NOTES;
    g->note_count--;
    return g->note_out;
}

static const char *builtin_error_string(int code)
{
    switch (code) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
    case NVML_ERROR_NOT_FOUND: return "Not Found";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    case NVML_ERROR_LIBRARY_NOT_FOUND: return "NVML Shared Library Not Found";
    case NVML_ERROR_FUNCTION_NOT_FOUND: return "Function Not Found";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    case NVML_ERROR_ARGUMENT_VERSION_MISMATCH: return "Argument Version Mismatch";
    default: return "Unknown Error";
    }
}

const char *gpu_nvml_error_string(const gpu_nvml *g, int code)
{
    const char *s = g && g->error_string ? g->error_string(code) : NULL;
    return s ? s : builtin_error_string(code);
}

/* The first of the NULL-terminated names the library exports; *found names it. */
static void *resolve(void *dl, const char *const *names, const char **found)
{
    for (; *names; names++) {
        void *p = dlsym(dl, *names);
        if (p) {
            if (found) *found = *names;
            return p;
        }
    }
    return NULL;
}

#define RESOLVE(g, found, ...) resolve((g)->dl, (const char *const[]){__VA_ARGS__, NULL}, found)

/* 1 when rc is success; otherwise the field stays unknown: GPU_IS_LOST drops the device, any
 * other code is noted once per device and field. */
static int call_ok(gpu_nvml *g, struct dev *d, int field, const char *fn, nvmlReturn_t rc)
{
    if (rc == NVML_SUCCESS) return 1;
    if (rc == NVML_ERROR_GPU_IS_LOST) {
        if (!d->lost) note(g, "NVML: device %d: %s: %s; no longer sampled", d->index, fn, gpu_nvml_error_string(g, rc));
        d->lost = 1;
    } else if (!(d->noted & (1u << field))) {
        d->noted |= 1u << field;
        note(g, "NVML: device %d: %s: %s (%d); %s", d->index, fn, gpu_nvml_error_string(g, rc), rc, field_null[field]);
    }
    return 0;
}

/* Codes after which a newer, versioned call will never work on this device. */
static int newer_call_unusable(nvmlReturn_t rc)
{
    return rc == NVML_ERROR_NOT_SUPPORTED || rc == NVML_ERROR_ARGUMENT_VERSION_MISMATCH
           || rc == NVML_ERROR_FUNCTION_NOT_FOUND;
}

static void resolve_optional(gpu_nvml *g)
{
    g->shutdown = (nvml_shutdown_fn)RESOLVE(g, NULL, "nvmlShutdown");
    g->error_string = (nvml_error_string_fn)RESOLVE(g, NULL, "nvmlErrorString");
    g->get_name = (nvml_get_name_fn)RESOLVE(g, NULL, "nvmlDeviceGetName");
    g->get_util = (nvml_get_utilization_fn)RESOLVE(g, NULL, "nvmlDeviceGetUtilizationRates");
    g->get_mem_v2 = (nvml_get_memory_v2_fn)RESOLVE(g, &g->mem_name, "nvmlDeviceGetMemoryInfo_v2");
    g->get_mem = (nvml_get_memory_fn)RESOLVE(g, g->get_mem_v2 ? NULL : &g->mem_name, "nvmlDeviceGetMemoryInfo");
    g->get_power = (nvml_get_power_fn)RESOLVE(g, NULL, "nvmlDeviceGetPowerUsage");
    g->get_temp_v = (nvml_get_temperature_v_fn)RESOLVE(g, &g->temp_name, "nvmlDeviceGetTemperatureV");
    g->get_temp = (nvml_get_temperature_fn)RESOLVE(g, g->get_temp_v ? NULL : &g->temp_name, "nvmlDeviceGetTemperature");
    g->get_clock = (nvml_get_clock_fn)RESOLVE(g, NULL, "nvmlDeviceGetClockInfo");
    g->get_procs = (nvml_get_processes_fn)RESOLVE(g, &g->procs_name, "nvmlDeviceGetComputeRunningProcesses_v3",
                                                  "nvmlDeviceGetComputeRunningProcesses_v2",
                                                  "nvmlDeviceGetComputeRunningProcesses");
    if (g->get_procs) {
        g->procs_v3 = !strcmp(g->procs_name, "nvmlDeviceGetComputeRunningProcesses_v3");
        g->procs_stride = strcmp(g->procs_name, "nvmlDeviceGetComputeRunningProcesses")
                          ? sizeof(nvmlProcessInfo_v2_t) : sizeof(nvmlProcessInfo_v1_t);
    }
    const struct { int present; const char *fn; int field; } need[] = {
        {g->get_name != NULL, "nvmlDeviceGetName", F_NAME},
        {g->get_util != NULL, "nvmlDeviceGetUtilizationRates", F_UTIL},
        {g->get_mem || g->get_mem_v2, "nvmlDeviceGetMemoryInfo", F_MEMORY},
        {g->get_power != NULL, "nvmlDeviceGetPowerUsage", F_POWER},
        {g->get_temp || g->get_temp_v, "nvmlDeviceGetTemperature", F_TEMP},
        {g->get_clock != NULL, "nvmlDeviceGetClockInfo", F_CLOCK},
        {g->get_procs != NULL, "nvmlDeviceGetComputeRunningProcesses", F_PROCS},
    };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (!need[i].present)
            note(g, "NVML: %s has no %s (driver too old?); %s", g->library, need[i].fn, field_null[need[i].field]);
}

static void unload(gpu_nvml *g, int initialized)
{
    if (initialized && g->shutdown) g->shutdown();
    if (g->dl) dlclose(g->dl);
    free(g->devs);
    free(g->proc_buf);
    free(g);
}

/* Looks up every device's handle and name; devices whose handle fails are skipped. */
static int open_devices(gpu_nvml *g, nvml_get_handle_fn get_handle, unsigned n, ws_err *e)
{
    g->devs = calloc(n, sizeof *g->devs);
    if (!g->devs) return ws_err_set(e, WS_ENOMEM, "NVML: out of memory");
    char last[256] = "";
    for (unsigned i = 0; i < n; i++) {
        struct dev *d = &g->devs[g->n_devs];    /* a skipped device's slot is reused */
        memset(d, 0, sizeof *d);
        d->index = (int)i;
        nvmlReturn_t rc = get_handle(i, &d->h);
        if (rc != NVML_SUCCESS) {
            snprintf(last, sizeof last, "device %u: %s: %s (%d)", i, g->handle_name, gpu_nvml_error_string(g, rc), rc);
            note(g, "NVML: %s; skipped", last);
            continue;
        }
        if (g->get_name && call_ok(g, d, F_NAME, "nvmlDeviceGetName", g->get_name(d->h, d->name, sizeof d->name)))
            d->name[sizeof d->name - 1] = 0;
        else
            d->name[0] = 0;
        if (!d->lost) g->n_devs++;
    }
    if (!g->n_devs) return ws_err_set(e, WS_ESTATE, "NVML: no usable GPU (%s)", last[0] ? last : "every device is lost");
    return 0;
}

gpu_nvml *gpu_nvml_open(const char *library, ws_err *e)
{
    gpu_nvml *g = calloc(1, sizeof *g);
    if (!g) { ws_err_set(e, WS_ENOMEM, "NVML: out of memory"); return NULL; }
    snprintf(g->library, sizeof g->library, "%s", library ? library : GPU_NVML_DEFAULT_LIBRARY);
    /* a path (a name without '/' is the loader's to find): dlopen opens a FIFO and waits for a
     * writer that never comes, with no sample taken until a signal; not a regular file is no
     * library, as a path that is not there */
    struct stat st;
    const char *what = NULL;
    int fd = strchr(g->library, '/') ? ws_open_regular(g->library, &st, &what) : -1;
    if (fd >= 0) close(fd);
    if (fd == -2) {
        ws_err_set(e, WS_ESTATE, "NVML: %s: %s, expected a shared library", g->library, what);
        unload(g, 0);
        return NULL;
    }
    g->dl = dlopen(g->library, RTLD_NOW | RTLD_LOCAL);
    if (!g->dl) {
        const char *why = dlerror();
        /* dlopen looks for a name without '/' where the dynamic loader looks, never in the
         * working folder: "No such file" of a file that is there said nothing of why */
        if (why && !strchr(g->library, '/') && access(g->library, F_OK) == 0)
            ws_err_set(e, WS_ESTATE, "NVML: %s (a name without '/' is looked for where the dynamic loader looks, not in "
                       "the working folder: ./%s names the file here)", why, g->library);
        else if (why) ws_err_set(e, WS_ESTATE, "NVML: %s (no NVIDIA driver?)", why);   /* dlerror names the library */
        else ws_err_set(e, WS_ESTATE, "NVML: cannot load %s (no NVIDIA driver?)", g->library);
        unload(g, 0);
        return NULL;
    }
    nvml_init_fn init = (nvml_init_fn)RESOLVE(g, &g->init_name, "nvmlInit_v2", "nvmlInit");
    nvml_get_count_fn get_count = (nvml_get_count_fn)RESOLVE(g, &g->count_name, "nvmlDeviceGetCount_v2", "nvmlDeviceGetCount");
    nvml_get_handle_fn get_handle = (nvml_get_handle_fn)RESOLVE(g, &g->handle_name, "nvmlDeviceGetHandleByIndex_v2",
                                                                "nvmlDeviceGetHandleByIndex");
    if (!init || !get_count || !get_handle) {
        ws_err_set(e, WS_ESTATE, "NVML: %s has no %s (not a usable NVML library)", g->library,
                   !init ? "nvmlInit" : !get_count ? "nvmlDeviceGetCount" : "nvmlDeviceGetHandleByIndex");
        unload(g, 0);
        return NULL;
    }
    resolve_optional(g);
    nvmlReturn_t rc = init();
    if (rc != NVML_SUCCESS) {
        ws_err_set(e, WS_ESTATE, "NVML: %s: %s (%d)", g->init_name, gpu_nvml_error_string(g, rc), rc);
        unload(g, 0);
        return NULL;
    }
    unsigned n = 0;
    rc = get_count(&n);
    if (rc != NVML_SUCCESS || n == 0) {
        if (rc != NVML_SUCCESS) ws_err_set(e, WS_ESTATE, "NVML: %s: %s (%d)", g->count_name, gpu_nvml_error_string(g, rc), rc);
        else ws_err_set(e, WS_ESTATE, "NVML: no GPU found");
        unload(g, 1);
        return NULL;
    }
    if (open_devices(g, get_handle, n, e)) {
        unload(g, 1);
        return NULL;
    }
    return g;
}

void gpu_nvml_close(gpu_nvml *g)
{
    if (g) unload(g, 1);
}

size_t gpu_nvml_device_count(const gpu_nvml *g)
{
    size_t n = 0;
    for (size_t i = 0; g && i < g->n_devs; i++) n += !g->devs[i].lost;
    return n;
}

static void read_memory(gpu_nvml *g, struct dev *d, gpu_device *out)
{
    nvmlReturn_t rc = NVML_ERROR_FUNCTION_NOT_FOUND;
    const char *fn = "nvmlDeviceGetMemoryInfo";
    if (g->get_mem_v2 && !d->mem_v2_off) {
        nvmlMemory_v2_t m = {.version = NVML_MEMORY_V2_VERSION};
        fn = "nvmlDeviceGetMemoryInfo_v2";
        rc = g->get_mem_v2(d->h, &m);
        if (rc == NVML_SUCCESS) {
            out->mem_used_bytes = (long long)m.used;
            out->mem_total_bytes = (long long)m.total;
            return;
        }
        if (rc == NVML_ERROR_GPU_IS_LOST) { call_ok(g, d, F_MEMORY, fn, rc); return; }
        if (newer_call_unusable(rc)) d->mem_v2_off = 1;
    }
    if (g->get_mem) {
        nvmlMemory_t m;
        fn = "nvmlDeviceGetMemoryInfo";
        rc = g->get_mem(d->h, &m);
        if (rc == NVML_SUCCESS) {
            out->mem_used_bytes = (long long)m.used;
            out->mem_total_bytes = (long long)m.total;
            return;
        }
    }
    call_ok(g, d, F_MEMORY, fn, rc);
}

static void read_temperature(gpu_nvml *g, struct dev *d, gpu_device *out)
{
    nvmlReturn_t rc = NVML_ERROR_FUNCTION_NOT_FOUND;
    const char *fn = "nvmlDeviceGetTemperature";
    if (g->get_temp_v && !d->temp_v_off) {
        nvmlTemperature_v1_t t = {.version = NVML_TEMPERATURE_V1_VERSION, .sensorType = NVML_TEMPERATURE_GPU};
        fn = "nvmlDeviceGetTemperatureV";
        rc = g->get_temp_v(d->h, &t);
        if (rc == NVML_SUCCESS) { out->temp_c = t.temperature; return; }
        if (rc == NVML_ERROR_GPU_IS_LOST) { call_ok(g, d, F_TEMP, fn, rc); return; }
        if (newer_call_unusable(rc)) d->temp_v_off = 1;
    }
    if (g->get_temp) {
        unsigned c = 0;
        fn = "nvmlDeviceGetTemperature";
        rc = g->get_temp(d->h, NVML_TEMPERATURE_GPU, &c);
        if (rc == NVML_SUCCESS) { out->temp_c = c; return; }
    }
    call_ok(g, d, F_TEMP, fn, rc);
}

/* A process row looks real: a possible pid, memory no larger than the device's (when known). */
static int row_plausible(unsigned pid, unsigned long long mem, long long total)
{
    if (pid == 0 || pid > PID_MAX_LINUX) return 0;
    return mem == NVML_VALUE_NOT_AVAILABLE_ULL || total < 0 || mem <= (unsigned long long)total;
}

/* Reads n rows of `stride` bytes; the pid and usedGpuMemory lead every row version. */
static void row_at(const unsigned char *buf, size_t stride, unsigned i, unsigned *pid, unsigned long long *mem)
{
    nvmlProcessInfo_v1_t r;
    memcpy(&r, buf + (size_t)i * stride, sizeof r);
    *pid = r.pid;
    *mem = r.usedGpuMemory;
}

/* The row size the driver used: 24 bytes, unless it is one of the 535.43–535.86 drivers that
 * wrote 32-byte rows through _v3 (then the 24-byte reading is implausible and the 32 one is not). */
static size_t process_stride(const gpu_nvml *g, unsigned n, long long total)
{
    if (!g->procs_v3 || n < 2) return g->procs_stride;
    unsigned pid;
    unsigned long long mem;
    int ok24 = 1, ok32 = 1;
    for (unsigned i = 0; i < n; i++) {
        row_at(g->proc_buf, g->procs_stride, i, &pid, &mem);
        ok24 &= row_plausible(pid, mem, total);
        row_at(g->proc_buf, WS_NVML_PROCESS_ROW_MAX_BYTES, i, &pid, &mem);
        ok32 &= row_plausible(pid, mem, total);
    }
    return !ok24 && ok32 ? WS_NVML_PROCESS_ROW_MAX_BYTES : g->procs_stride;
}

static int grow_proc_buf(gpu_nvml *g, unsigned rows)
{
    unsigned char *b = realloc(g->proc_buf, (size_t)rows * WS_NVML_PROCESS_ROW_MAX_BYTES);
    if (!b) return -1;
    g->proc_buf = b;
    g->proc_rows = rows;
    return 0;
}

static int read_processes(gpu_nvml *g, struct dev *d, gpu_device *out)
{
    if (!g->proc_rows && grow_proc_buf(g, 32)) return -1;
    nvmlReturn_t rc = NVML_ERROR_INSUFFICIENT_SIZE;
    unsigned n = 0;
    for (int attempt = 0; attempt < 4 && rc == NVML_ERROR_INSUFFICIENT_SIZE; attempt++) {
        n = g->proc_rows;
        rc = g->get_procs(d->h, &n, g->proc_buf);
        if (rc == NVML_ERROR_INSUFFICIENT_SIZE && grow_proc_buf(g, (n > g->proc_rows ? n : g->proc_rows) + 16)) return -1;
    }
    if (!call_ok(g, d, F_PROCS, g->procs_name, rc)) return 0;
    if (n > g->proc_rows) n = g->proc_rows;
    size_t stride = process_stride(g, n, out->mem_total_bytes);
    out->procs_known = 1;
    for (unsigned i = 0; i < n; i++) {
        unsigned pid;
        unsigned long long mem;
        row_at(g->proc_buf, stride, i, &pid, &mem);
        if (pid == 0 || pid > PID_MAX_LINUX) continue;
        gpu_process *p = gpu_process_push(&out->procs, &out->n_procs, &out->cap_procs);
        if (!p) return -1;
        p->pid = (long)pid;
        p->gpu_mem_bytes = mem == NVML_VALUE_NOT_AVAILABLE_ULL ? -1 : (long long)mem;
    }
    return 0;
}

/* Reads every field of one device; 0, or -1 when out of memory. d->lost tells the caller to
 * drop what was read. */
static int read_device(gpu_nvml *g, struct dev *d, gpu_device *out)
{
    gpu_device_clear(out, d->index);
    memcpy(out->name, d->name, sizeof out->name);
    if (g->get_util) {
        nvmlUtilization_t u;
        if (call_ok(g, d, F_UTIL, "nvmlDeviceGetUtilizationRates", g->get_util(d->h, &u))) {
            out->util_pct = u.gpu;
            out->mem_util_pct = u.memory;
        }
    }
    if (!d->lost && (g->get_mem || g->get_mem_v2)) read_memory(g, d, out);
    if (!d->lost && g->get_power) {
        unsigned mw;
        if (call_ok(g, d, F_POWER, "nvmlDeviceGetPowerUsage", g->get_power(d->h, &mw))) out->power_w = mw / 1000.0;
    }
    if (!d->lost && (g->get_temp || g->get_temp_v)) read_temperature(g, d, out);
    if (!d->lost && g->get_clock) {
        unsigned mhz;
        if (call_ok(g, d, F_CLOCK, "nvmlDeviceGetClockInfo", g->get_clock(d->h, NVML_CLOCK_SM, &mhz))) out->sm_clock_mhz = mhz;
    }
    if (!d->lost && g->get_procs) return read_processes(g, d, out);
    return 0;
}

int gpu_nvml_sample(gpu_nvml *g, gpu_sample *s, ws_err *e)
{
    s->source = GPU_SOURCE_NVML;
    if (gpu_sample_set_devices(s, gpu_nvml_device_count(g))) return ws_err_set(e, WS_ENOMEM, "NVML: out of memory");
    size_t k = 0;
    for (size_t i = 0; i < g->n_devs; i++) {
        struct dev *d = &g->devs[i];
        if (d->lost) continue;
        if (read_device(g, d, &s->devices[k])) return ws_err_set(e, WS_ENOMEM, "NVML: out of memory");
        if (!d->lost) k++;
    }
    s->n_devices = k;
    return 0;
}
