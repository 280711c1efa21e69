/* sample.c — the sample record and its JSON line (see sample.h). Buffers are kept between
 * samples, so a monitor running for days allocates only when a list grows. */
#include "gpu/sample.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"

void gpu_sample_init(gpu_sample *s)
{
    memset(s, 0, sizeof *s);
    s->cpu_total_pct = NAN;
    s->mem_used_bytes = s->mem_total_bytes = -1;
}

void gpu_sample_release(gpu_sample *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->cap_devices; i++) free(s->devices[i].procs);
    free(s->devices);
    free(s->cpu_core_pct);
    free(s->procs);
    gpu_sample_init(s);
}

void gpu_device_clear(gpu_device *d, int index)
{
    gpu_process *procs = d->procs;
    size_t cap = d->cap_procs;
    memset(d, 0, sizeof *d);
    d->procs = procs;
    d->cap_procs = cap;
    d->index = index;
    d->util_pct = d->mem_util_pct = d->power_w = d->temp_c = d->sm_clock_mhz = NAN;
    d->mem_used_bytes = d->mem_total_bytes = -1;
}

int gpu_sample_set_devices(gpu_sample *s, size_t n)
{
    if (n > s->cap_devices) {
        gpu_device *d = realloc(s->devices, n * sizeof *d);
        if (!d) return -1;
        memset(d + s->cap_devices, 0, (n - s->cap_devices) * sizeof *d);
        s->devices = d;
        s->cap_devices = n;
    }
    for (size_t i = 0; i < n; i++) gpu_device_clear(&s->devices[i], (int)i);
    s->n_devices = n;
    return 0;
}

gpu_process *gpu_process_push(gpu_process **list, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        size_t want = *cap ? *cap * 2 : 8;
        gpu_process *p = realloc(*list, want * sizeof *p);
        if (!p) return NULL;
        *list = p;
        *cap = want;
    }
    gpu_process *p = &(*list)[(*n)++];
    p->pid = 0;
    p->trial = -1;
    p->trial_id = -1;
    p->gpu_mem_bytes = -1;
    p->cpu_pct = NAN;
    p->rss_bytes = -1;
    return p;
}

/* n processes into *dst, growing it to hold them. */
static int copy_procs(gpu_process **dst, size_t *cap, const gpu_process *src, size_t n)
{
    if (n > *cap) {
        gpu_process *p = realloc(*dst, n * sizeof *p);
        if (!p) return -1;
        *dst = p;
        *cap = n;
    }
    if (n) memcpy(*dst, src, n * sizeof **dst);
    return 0;
}

int gpu_sample_copy(gpu_sample *dst, const gpu_sample *src)
{
    if (gpu_sample_set_devices(dst, src->n_devices)) return -1;
    for (size_t i = 0; i < src->n_devices; i++) {
        gpu_device *d = &dst->devices[i];
        gpu_process *procs = d->procs;   /* dst's own buffer, kept */
        size_t cap = d->cap_procs;
        *d = src->devices[i];
        d->procs = procs;
        d->cap_procs = cap;
        if (copy_procs(&d->procs, &d->cap_procs, src->devices[i].procs, src->devices[i].n_procs)) {
            d->n_procs = 0;
            return -1;
        }
    }
    if (src->n_cores > dst->cap_cores) {
        double *c = realloc(dst->cpu_core_pct, src->n_cores * sizeof *c);
        if (!c) return -1;
        dst->cpu_core_pct = c;
        dst->cap_cores = src->n_cores;
    }
    if (src->n_cores) memcpy(dst->cpu_core_pct, src->cpu_core_pct, src->n_cores * sizeof *src->cpu_core_pct);
    dst->n_cores = src->n_cores;
    if (copy_procs(&dst->procs, &dst->cap_procs, src->procs, src->n_procs)) return -1;
    dst->n_procs = src->n_procs;
    dst->t_s = src->t_s;
    dst->source = src->source;
    dst->cpu_total_pct = src->cpu_total_pct;
    dst->mem_used_bytes = src->mem_used_bytes;
    dst->mem_total_bytes = src->mem_total_bytes;
    dst->with_procs = src->with_procs;
    return 0;
}

gpu_process *gpu_sample_watch(gpu_sample *s, long pid)
{
    for (size_t i = 0; i < s->n_procs; i++)
        if (s->procs[i].pid == pid) return &s->procs[i];
    gpu_process *p = gpu_process_push(&s->procs, &s->n_procs, &s->cap_procs);
    if (p) p->pid = pid;
    return p;
}

void gpu_sample_tag_trials(gpu_sample *s)
{
    for (size_t d = 0; d < s->n_devices; d++)
        for (size_t i = 0; i < s->devices[d].n_procs; i++) {
            gpu_process *p = &s->devices[d].procs[i];
            for (size_t w = 0; w < s->n_procs; w++)
                if (s->procs[w].pid == p->pid && s->procs[w].trial >= 0) {
                    p->trial = s->procs[w].trial;
                    p->trial_id = s->procs[w].trial_id;
                }
        }
}

double gpu_round_pct(double v)
{
    return isfinite(v) ? round(v * 100.0) / 100.0 : v;
}

/* Sets key to an integer, or null when v < 0 (unknown). Returns -1 when out of memory. */
static int set_count(json_t *o, const char *key, long long v)
{
    return json_object_set_new(o, key, v < 0 ? json_null() : json_integer(v));
}

static int set_real(json_t *o, const char *key, double v)
{
    return json_object_set_new(o, key, ws_json_number(v));
}

/* Device processes carry GPU memory; watched processes carry CPU and RSS. */
static json_t *processes_json(const gpu_process *p, size_t n, int on_device)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        json_t *o = json_object();
        int bad = !o || json_array_append_new(a, o)
                  || json_object_set_new(o, "pid", json_integer(p[i].pid));
        if (!bad && p[i].trial >= 0) bad = json_object_set_new(o, "trial", json_integer(p[i].trial));
        if (!bad && on_device) bad = set_count(o, "mem_used_bytes", p[i].gpu_mem_bytes);
        if (!bad && !on_device)
            bad = set_real(o, "cpu", gpu_round_pct(p[i].cpu_pct)) || set_count(o, "rss_bytes", p[i].rss_bytes);
        if (bad) { json_decref(a); return NULL; }
    }
    return a;
}

static json_t *device_json(const gpu_device *d)
{
    json_t *o = json_object();
    if (!o) return NULL;
    int bad = json_object_set_new(o, "index", json_integer(d->index))
              || json_object_set_new(o, "name", d->name[0] ? json_string(d->name) : json_null())
              || set_real(o, "util", d->util_pct) || set_real(o, "mem_util", d->mem_util_pct)
              || set_count(o, "mem_used_bytes", d->mem_used_bytes)
              || set_count(o, "mem_total_bytes", d->mem_total_bytes)
              || set_real(o, "power_w", d->power_w) || set_real(o, "temp_c", d->temp_c)
              || set_real(o, "sm_clock_mhz", d->sm_clock_mhz)
              || json_object_set_new(o, "processes", d->procs_known
                                     ? processes_json(d->procs, d->n_procs, 1) : json_null());
    if (bad) { json_decref(o); return NULL; }
    return o;
}

static int add_proc_fields(json_t *o, const gpu_sample *s)
{
    json_t *cpu = json_object();            /* the *_set_new calls take the reference even on failure */
    if (json_object_set_new(o, "cpu", cpu) || set_real(cpu, "total", gpu_round_pct(s->cpu_total_pct)))
        return -1;
    json_t *cores = json_array();
    if (json_object_set_new(cpu, "per_core", cores)) return -1;
    for (size_t i = 0; i < s->n_cores; i++)
        if (json_array_append_new(cores, ws_json_number(gpu_round_pct(s->cpu_core_pct[i])))) return -1;
    return set_count(o, "mem_used_bytes", s->mem_used_bytes)
           || set_count(o, "mem_total_bytes", s->mem_total_bytes);
}

json_t *gpu_sample_to_json(const gpu_sample *s)
{
    json_t *o = json_object();
    if (!o) return NULL;
    int bad = json_object_set_new(o, "t", json_real(s->t_s))
              || json_object_set_new(o, "source", json_string(s->source == GPU_SOURCE_NVML ? "nvml" : "proc"));
    if (!bad && s->source == GPU_SOURCE_NVML) {
        json_t *devs = json_array();
        bad = !devs || json_object_set_new(o, "devices", devs);
        for (size_t i = 0; !bad && i < s->n_devices; i++) bad = json_array_append_new(devs, device_json(&s->devices[i]));
    } else if (!bad) {
        bad = add_proc_fields(o, s);
    }
    if (!bad && (s->with_procs || s->source == GPU_SOURCE_PROC))
        bad = json_object_set_new(o, "processes", processes_json(s->procs, s->n_procs, 0));
    if (bad) { json_decref(o); return NULL; }
    return o;
}
