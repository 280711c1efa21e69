/* sample_rows.c — a sample as the rows of the samples table (see sample_rows.h). */
#include "gpu/sample_rows.h"
#include <math.h>

const char *gpu_sample_source_name(const gpu_sample *s) { return s->source == GPU_SOURCE_NVML ? "nvml" : "proc"; }

static gpu_sample_row empty_row(const char *kind)
{
    return (gpu_sample_row){.kind = kind, .device = -1, .util = NAN, .mem_util = NAN, .power_w = NAN, .temp_c = NAN,
                            .sm_clock_mhz = NAN, .cpu = NAN, .mem_used_bytes = -1, .mem_total_bytes = -1,
                            .rss_bytes = -1, .trial_id = -1};
}

/* A process: on a GPU (device >= 0) its memory there; a watched one (device -1) its CPU and RSS. */
static gpu_sample_row process_row(const gpu_process *p, int device)
{
    gpu_sample_row r = empty_row("process");
    r.device = device;
    r.pid = p->pid;
    r.trial_id = p->trial_id;
    if (device >= 0) r.mem_used_bytes = p->gpu_mem_bytes;
    else {
        r.cpu = gpu_round_pct(p->cpu_pct);
        r.rss_bytes = p->rss_bytes;
    }
    return r;
}

int gpu_sample_rows(const gpu_sample *s, int (*row)(const gpu_sample_row *r, void *ctx), void *ctx)
{
    int rc;
    if (s->source == GPU_SOURCE_NVML) {
        for (size_t i = 0; i < s->n_devices; i++) {
            const gpu_device *g = &s->devices[i];
            gpu_sample_row r = empty_row("device");
            r.device = g->index;
            r.name = g->name[0] ? g->name : NULL;
            r.util = g->util_pct;
            r.mem_util = g->mem_util_pct;
            r.mem_used_bytes = g->mem_used_bytes;
            r.mem_total_bytes = g->mem_total_bytes;
            r.power_w = g->power_w;
            r.temp_c = g->temp_c;
            r.sm_clock_mhz = g->sm_clock_mhz;
            if ((rc = row(&r, ctx))) return rc;
            for (size_t k = 0; k < g->n_procs; k++) {
                gpu_sample_row p = process_row(&g->procs[k], g->index);
                if ((rc = row(&p, ctx))) return rc;
            }
        }
    } else {   /* /proc: one device row for all CPUs and the RAM */
        gpu_sample_row r = empty_row("device");
        r.util = gpu_round_pct(s->cpu_total_pct);
        r.mem_used_bytes = s->mem_used_bytes;
        r.mem_total_bytes = s->mem_total_bytes;
        if ((rc = row(&r, ctx))) return rc;
    }
    for (size_t k = 0; k < s->n_procs; k++) {
        gpu_sample_row p = process_row(&s->procs[k], -1);
        if ((rc = row(&p, ctx))) return rc;
    }
    return 0;
}
