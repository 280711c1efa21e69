/* nvml_api.h — the few NVML declarations wakesweep needs, written here so that nothing depends on
 * nvml.h (not installed on most build machines; nvtop does the same). Layouts follow the NVML
 * header of API version 13 (NVIDIA/go-nvml gen/nvml/nvml.h); the static asserts pin the x86-64
 * sizes that header gives. Shared by lib/gpu/nvml.c (the client) and tests/fake_nvml (the fake). */
#ifndef WS_GPU_NVML_API_H
#define WS_GPU_NVML_API_H

typedef int nvmlReturn_t;                         /* an enum in nvml.h; int-sized */
typedef struct nvmlDevice_st *nvmlDevice_t;       /* opaque handle */

enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_UNINITIALIZED = 1,
    NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_SUPPORTED = 3,
    NVML_ERROR_NO_PERMISSION = 4,
    NVML_ERROR_NOT_FOUND = 6,
    NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_DRIVER_NOT_LOADED = 9,
    NVML_ERROR_LIBRARY_NOT_FOUND = 12,
    NVML_ERROR_FUNCTION_NOT_FOUND = 13,
    NVML_ERROR_GPU_IS_LOST = 15,
    NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
    NVML_ERROR_UNKNOWN = 999,
};

enum { NVML_TEMPERATURE_GPU = 0 };                         /* nvmlTemperatureSensors_t */
enum { NVML_CLOCK_GRAPHICS = 0, NVML_CLOCK_SM = 1, NVML_CLOCK_MEM = 2 };  /* nvmlClockType_t */

#define NVML_DEVICE_NAME_V2_BUFFER_SIZE 96
#define NVML_VALUE_NOT_AVAILABLE_ULL (~0ULL)   /* usedGpuMemory when the driver cannot tell */

/* Versioned structs carry sizeof | version << 24 in their first field. */
#define WS_NVML_STRUCT_VERSION(type, ver) ((unsigned int)(sizeof(type) | ((unsigned int)(ver) << 24)))

typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;            /* percent */
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;    /* bytes; used includes reserved */
typedef struct {
    unsigned int version;                                                  /* nvmlMemory_v2 */
    unsigned long long total, reserved, free, used;                        /* bytes */
} nvmlMemory_v2_t;
typedef struct { unsigned int pid; unsigned long long usedGpuMemory; } nvmlProcessInfo_v1_t;
typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;                                      /* bytes */
    unsigned int gpuInstanceId, computeInstanceId;                         /* 0xFFFFFFFF without MIG */
} nvmlProcessInfo_v2_t;            /* what _v2 and (since 535.104) _v3 write: 24-byte rows */
typedef struct {
    unsigned int version;
    int sensorType;                                                        /* NVML_TEMPERATURE_GPU */
    int temperature;                                                       /* degrees C */
} nvmlTemperature_v1_t;

_Static_assert(sizeof(nvmlUtilization_t) == 8, "nvmlUtilization_t layout");
_Static_assert(sizeof(nvmlMemory_t) == 24, "nvmlMemory_t layout");
_Static_assert(sizeof(nvmlMemory_v2_t) == 40, "nvmlMemory_v2_t layout");
_Static_assert(sizeof(nvmlProcessInfo_v1_t) == 16, "nvmlProcessInfo_v1_t layout");
_Static_assert(sizeof(nvmlProcessInfo_v2_t) == 24, "nvmlProcessInfo_v2_t layout");
_Static_assert(sizeof(nvmlTemperature_v1_t) == 12, "nvmlTemperature_v1_t layout");

#define NVML_MEMORY_V2_VERSION WS_NVML_STRUCT_VERSION(nvmlMemory_v2_t, 2)          /* 0x02000028 */
#define NVML_TEMPERATURE_V1_VERSION WS_NVML_STRUCT_VERSION(nvmlTemperature_v1_t, 1) /* 0x0100000C */

/* 535.43–535.86 drivers wrote 32-byte rows through _v3 without a version bump: the client
 * allocates this many bytes per row so such a driver cannot write past the buffer. */
#define WS_NVML_PROCESS_ROW_MAX_BYTES 32

/* Function types, one per symbol family, named as the client resolves them with dlsym. */
typedef nvmlReturn_t (*nvml_init_fn)(void);
typedef nvmlReturn_t (*nvml_shutdown_fn)(void);
typedef const char *(*nvml_error_string_fn)(nvmlReturn_t);
typedef nvmlReturn_t (*nvml_get_count_fn)(unsigned int *count);
typedef nvmlReturn_t (*nvml_get_handle_fn)(unsigned int index, nvmlDevice_t *device);
typedef nvmlReturn_t (*nvml_get_name_fn)(nvmlDevice_t, char *name, unsigned int length);
typedef nvmlReturn_t (*nvml_get_utilization_fn)(nvmlDevice_t, nvmlUtilization_t *);
typedef nvmlReturn_t (*nvml_get_memory_fn)(nvmlDevice_t, nvmlMemory_t *);
typedef nvmlReturn_t (*nvml_get_memory_v2_fn)(nvmlDevice_t, nvmlMemory_v2_t *);
typedef nvmlReturn_t (*nvml_get_power_fn)(nvmlDevice_t, unsigned int *milliwatts);
typedef nvmlReturn_t (*nvml_get_temperature_fn)(nvmlDevice_t, int sensor, unsigned int *celsius);
typedef nvmlReturn_t (*nvml_get_temperature_v_fn)(nvmlDevice_t, nvmlTemperature_v1_t *);
typedef nvmlReturn_t (*nvml_get_clock_fn)(nvmlDevice_t, int clock_type, unsigned int *mhz);
typedef nvmlReturn_t (*nvml_get_processes_fn)(nvmlDevice_t, unsigned int *count, void *infos);

#endif
