/* procstat.h — the /proc fallback: CPU busy % per core and in total from /proc/stat deltas, RAM
 * from /proc/meminfo, and per-process CPU % and RSS from /proc/PID/stat and statm. Readings are
 * deltas between calls, so the object keeps the previous counters. The root is a parameter
 * ("/proc" normally) so tests can feed a crafted tree. */
#ifndef WS_GPU_PROCSTAT_H
#define WS_GPU_PROCSTAT_H
#include "core/err.h"
#include "gpu/sample.h"

typedef struct gpu_proc gpu_proc;

/* Opens the fallback on `root` (NULL: "/proc") and takes the first CPU reading, which the first
 * sample is measured against. NULL with e filled when /proc/stat or /proc/meminfo is unreadable. */
gpu_proc *gpu_proc_open(const char *root, ws_err *e);
void gpu_proc_close(gpu_proc *p);
/* Fills s (source PROC): cpu_total_pct and cpu_core_pct since the previous call (NAN for a CPU
 * with no earlier reading or no ticks elapsed), and RAM used (MemTotal - MemAvailable) / total. */
int gpu_proc_sample_system(gpu_proc *p, gpu_sample *s, ws_err *e);
/* For every process in s->procs (pid filled in): cpu_pct (utime + stime since that pid's previous
 * reading, as % of one core, over mono_s elapsed; NAN at its first reading) and rss_bytes.
 * Processes that no longer exist are removed from the list. -1 only when out of memory. */
int gpu_proc_sample_processes(gpu_proc *p, gpu_sample *s, double mono_s, ws_err *e);

/* Parsers, exposed for the unit tests. Each returns 0, or -1 when the text does not parse. */
/* A /proc/PID/stat line: utime + stime in clock ticks and the start time (ticks after boot). */
int gpu_proc_parse_pid_stat(const char *line, unsigned long long *cpu_ticks, unsigned long long *start_ticks);

#endif
