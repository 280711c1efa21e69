/* nvml.h — NVIDIA GPUs through NVML, loaded at run time with dlopen, so wakesweep builds and runs
 * on machines without the driver. Only the library loader, init, the device count and the handle
 * lookup are required; every other function may be missing (an older driver) or fail (not
 * supported, no permission): that field is then unknown, and a note says so once. A device that
 * reports "GPU is lost" is dropped from that sample on and noted once. */
#ifndef WS_GPU_NVML_H
#define WS_GPU_NVML_H
#include <stddef.h>
#include "core/err.h"
#include "gpu/sample.h"

#define GPU_NVML_DEFAULT_LIBRARY "libnvidia-ml.so.1"

typedef struct gpu_nvml gpu_nvml;

/* Loads `library` (NULL: GPU_NVML_DEFAULT_LIBRARY, found by the dynamic loader; a name with '/'
 * is a path), initializes NVML and looks up the devices. NULL when NVML cannot be used (no
 * library, no init symbol, init failed, no GPU), with e saying why in one line. */
gpu_nvml *gpu_nvml_open(const char *library, ws_err *e);
/* Shuts NVML down and unloads it. NULL-safe. */
void gpu_nvml_close(gpu_nvml *g);
/* Devices still being sampled (lost ones excluded). */
size_t gpu_nvml_device_count(const gpu_nvml *g);
/* Fills s->devices (source NVML) with the current readings. Per-field failures leave the field
 * unknown and queue a note; returns -1 only when out of memory. */
int gpu_nvml_sample(gpu_nvml *g, gpu_sample *s, ws_err *e);
/* Next queued note ("device 0: nvmlDeviceGetPowerUsage: Not Supported; power_w is null"), or
 * NULL when none is left. The text stays valid until the next call on g. */
const char *gpu_nvml_next_note(gpu_nvml *g);
/* NVML's text for a return code (nvmlErrorString when the library has it). */
const char *gpu_nvml_error_string(const gpu_nvml *g, int code);

#endif
