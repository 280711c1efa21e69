/* sample.h — one sample of the machine's load, as gpu-monitor prints it and stores it: per GPU
 * (from NVML) or, without a GPU, the CPUs and memory (from /proc), plus the processes being
 * watched (trial pids from a pidfile and from the study). Unknown values are NAN (reals) or -1
 * (integers) and become JSON null. */
#ifndef WS_GPU_SAMPLE_H
#define WS_GPU_SAMPLE_H
#include <jansson.h>
#include <stddef.h>

typedef enum { GPU_SOURCE_NVML, GPU_SOURCE_PROC } gpu_source;

typedef struct gpu_process {
    long pid;
    long trial;                  /* Optuna trial number, -1 when not a RUNNING trial's pid */
    long long trial_id;          /* Optuna trials.trial_id, -1 likewise */
    long long gpu_mem_bytes;     /* device processes: GPU memory used; -1 unknown */
    double cpu_pct;              /* watched processes: % of one core since the last sample; NAN unknown */
    long long rss_bytes;         /* watched processes: resident set; -1 unknown */
} gpu_process;

typedef struct gpu_device {
    int index;                   /* NVML index */
    char name[96];               /* "" = unknown */
    double util_pct;             /* % of the last NVML sample period a kernel ran; NAN unknown */
    double mem_util_pct;         /* % of that period device memory was read or written */
    long long mem_used_bytes, mem_total_bytes;   /* -1 unknown */
    double power_w, temp_c, sm_clock_mhz;        /* NAN unknown */
    int procs_known;             /* 0: the process list could not be read (JSON null) */
    gpu_process *procs;          /* [n_procs] compute processes on this device */
    size_t n_procs, cap_procs;
} gpu_device;

typedef struct gpu_sample {
    double t_s;                  /* epoch seconds when the sample was taken */
    gpu_source source;
    /* source NVML */
    gpu_device *devices;         /* [n_devices] */
    size_t n_devices, cap_devices;
    /* source PROC */
    double cpu_total_pct;        /* busy % of all CPUs together; NAN on the first reading */
    double *cpu_core_pct;        /* [n_cores] busy % per CPU, in /proc/stat order */
    size_t n_cores, cap_cores;
    long long mem_used_bytes, mem_total_bytes;   /* RAM: total - available */
    /* both: the watched processes (pidfile, study); with_procs = 0 leaves the key out */
    int with_procs;
    gpu_process *procs;          /* [n_procs] */
    size_t n_procs, cap_procs;
} gpu_sample;

void gpu_sample_init(gpu_sample *s);
void gpu_sample_release(gpu_sample *s);
/* Grows s->devices to hold n devices (each cleared to "unknown"); 0 or -1 (out of memory). */
int gpu_sample_set_devices(gpu_sample *s, size_t n);
/* Resets a device to "everything unknown", keeping its process buffer. */
void gpu_device_clear(gpu_device *d, int index);
/* Appends a process to a list (device or sample): a pointer to the new, cleared entry, or NULL. */
gpu_process *gpu_process_push(gpu_process **list, size_t *n, size_t *cap);
/* The watched process with this pid in s->procs, added (trial unknown) when not there yet;
 * NULL when out of memory. */
gpu_process *gpu_sample_watch(gpu_sample *s, long pid);
/* Makes dst (initialized) a copy of src, reusing dst's buffers (growing them as needed): 0, or
 * -1 when out of memory (dst then still a valid sample, part copied). */
int gpu_sample_copy(gpu_sample *dst, const gpu_sample *src);
/* Copies the trial of each watched process to the same pid's device rows (NVML). */
void gpu_sample_tag_trials(gpu_sample *s);
/* The JSON object of one sample (see gpu-monitor(1) for its keys); NULL when out of memory. */
json_t *gpu_sample_to_json(const gpu_sample *s);
/* Rounds a percentage to 0.01 (keeps lines short; NAN stays NAN). */
double gpu_round_pct(double v);

#endif
