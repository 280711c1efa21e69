/* test_gpu_nvml.c — lib/gpu/nvml.c against the fake NVML (tests/fake_nvml, built by tests/gpu.mk
 * into $WS_BUILD/fake_nvml), loaded by path through the real dlopen code: every field, every
 * call failing, devices lost mid-run, old and minimal drivers, and the JSON of a sample. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gpu/nvml.h"
#include "gpu/sample.h"
#include "harness.h"

#define MiB (1LL << 20)
#define GiB (1LL << 30)

static char lib_path[512];
static char notes[2048];    /* the notes drained by the last sample_once, one per line */
static int n_notes;

/* Sets the fake's environment ("NAME=VALUE" strings, NULL-terminated) after clearing it. */
static void fake_env(const char *const *vars)
{
    const char *names[] = {"FAKE_NVML_DEVICES", "FAKE_NVML_FAIL", "FAKE_NVML_LOST", "FAKE_NVML_PROCS",
                           "FAKE_NVML_NPROCS", "FAKE_NVML_STATS", "FAKE_NVML_V3_ROW_BYTES"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) unsetenv(names[i]);
    for (; vars && *vars; vars++) {
        char name[64];
        const char *eq = strchr(*vars, '=');
        snprintf(name, sizeof name, "%.*s", (int)(eq - *vars), *vars);
        setenv(name, eq + 1, 1);
    }
}

static const char *fake_lib(const char *variant)
{
    const char *build = getenv("WS_BUILD");
    snprintf(lib_path, sizeof lib_path, "%s/fake_nvml/%s%slibnvidia-ml.so.1", build ? build : "build", variant,
             *variant ? "/" : "");
    return lib_path;
}

#define ENV(...) (const char *const[]){__VA_ARGS__, NULL}

static gpu_nvml *open_fake(const char *variant, const char *const *vars, ws_err *e)
{
    fake_env(vars);
    ws_err_clear(e);
    return gpu_nvml_open(fake_lib(variant), e);
}

/* Collects the queued notes into `notes` (replacing what was there). */
static void drain(gpu_nvml *g)
{
    notes[0] = 0;
    n_notes = 0;
    const char *n;
    while ((n = gpu_nvml_next_note(g))) {
        n_notes++;
        strncat(notes, n, sizeof notes - strlen(notes) - 2);
        strcat(notes, "\n");
    }
}

static int sample_once(gpu_nvml *g, gpu_sample *s)
{
    ws_err e = {0};
    int rc = gpu_nvml_sample(g, s, &e);
    drain(g);
    return rc;
}

static int fake_available(void)
{
    return access(fake_lib(""), R_OK) == 0;
}

#define NEED_FAKE() do { if (!fake_available()) SKIP("no fake NVML at %.300s (make check builds it)", lib_path); } while (0)

/* The fake's documented readings of device i, as the current-driver variant reports them. */
static void check_device(const gpu_device *d, int i, int old_driver)
{
    char name[32];
    snprintf(name, sizeof name, "Fake GPU %d", i);
    CHECK(d->index == i, "index %d, expected %d", d->index, i);
    CHECK(!strcmp(d->name, name), "name '%s'", d->name);
    CHECK(d->util_pct == 40 + 10 * i && d->mem_util_pct == 15 + 5 * i, "util %g mem_util %g", d->util_pct, d->mem_util_pct);
    long long used = (i + 1) * GiB + 4096 + (old_driver ? 64 * MiB : 0);
    CHECK(d->mem_used_bytes == used, "device %d mem_used %lld, expected %lld", i, d->mem_used_bytes, used);
    CHECK(d->mem_total_bytes == (i + 1) * 16 * GiB, "mem_total %lld", d->mem_total_bytes);
    CHECK_NEAR(d->power_w, (71234 + 1000 * i) / 1000.0, 1e-12);
    CHECK(d->temp_c == 45 + i && d->sm_clock_mhz == 1755 + i, "temp %g clock %g", d->temp_c, d->sm_clock_mhz);
    CHECK(d->procs_known && d->n_procs == 1, "processes: known %d n %zu", d->procs_known, d->n_procs);
    if (d->n_procs == 1)
        CHECK(d->procs[0].pid == 4000 + i && d->procs[0].gpu_mem_bytes == (i + 1) * 256 * MiB && d->procs[0].trial < 0,
              "process %ld %lld", d->procs[0].pid, d->procs[0].gpu_mem_bytes);
}

static void test_one_device_every_field(void)
{
    NEED_FAKE();
    ws_err e;
    gpu_nvml *g = open_fake("", ENV("FAKE_NVML_DEVICES=1"), &e);
    CHECK(g != NULL, "open: %s", e.msg);
    if (!g) return;
    drain(g);
    CHECK(n_notes == 0, "notes at open: %s", notes);
    gpu_sample s;
    gpu_sample_init(&s);
    for (int k = 0; k < 2; k++) {
        CHECK(sample_once(g, &s) == 0 && s.source == GPU_SOURCE_NVML && s.n_devices == 1, "sample %d", k);
        if (s.n_devices == 1) check_device(&s.devices[0], 0, 0);
        CHECK(n_notes == 0, "notes: %.400s", notes);
    }
    gpu_sample_release(&s);
    gpu_nvml_close(g);
}

static void test_two_devices(void)
{
    NEED_FAKE();
    ws_err e;
    gpu_nvml *g = open_fake("", ENV("FAKE_NVML_DEVICES=2"), &e);
    CHECK(g && gpu_nvml_device_count(g) == 2, "open: %s", e.msg);
    if (!g) return;
    gpu_sample s;
    gpu_sample_init(&s);
    CHECK(sample_once(g, &s) == 0 && s.n_devices == 2, "n_devices %zu", s.n_devices);
    for (size_t i = 0; i < s.n_devices; i++) check_device(&s.devices[i], (int)i, 0);
    gpu_sample_release(&s);
    gpu_nvml_close(g);
}

static void test_no_gpu(void)
{
    NEED_FAKE();
    ws_err e;
    CHECK(!open_fake("", ENV("FAKE_NVML_DEVICES=0"), &e) && strstr(e.msg, "no GPU found"), "0 devices: %s", e.msg);
    CHECK(!open_fake("", ENV("FAKE_NVML_FAIL=nvmlInit_v2=9"), &e) && strstr(e.msg, "nvmlInit_v2: Driver Not Loaded (9)"),
          "init: %s", e.msg);
    CHECK(!open_fake("", ENV("FAKE_NVML_FAIL=nvmlDeviceGetCount_v2=999"), &e)
          && strstr(e.msg, "nvmlDeviceGetCount_v2: Unknown Error (999)"), "count: %s", e.msg);
    CHECK(!open_fake("", ENV("FAKE_NVML_DEVICES=2", "FAKE_NVML_FAIL=nvmlDeviceGetHandleByIndex_v2=4"), &e)
          && strstr(e.msg, "no usable GPU") && strstr(e.msg, "Insufficient Permissions (4)"), "handles: %s", e.msg);
    CHECK(!open_fake("broken", NULL, &e) && strstr(e.msg, "has no nvmlInit"), "broken: %s", e.msg);
    ws_err_clear(&e);
    CHECK(!gpu_nvml_open("/nonexistent/libnvidia-ml.so.1", &e) && strstr(e.msg, "NVML: /nonexistent/libnvidia-ml.so.1: cannot open shared object file")
          && e.kind == WS_ESTATE,
          "missing: %s", e.msg);
}

static void test_handle_fails_for_one_device(void)
{
    NEED_FAKE();
    ws_err e;
    gpu_nvml *g = open_fake("", ENV("FAKE_NVML_DEVICES=2", "FAKE_NVML_FAIL=nvmlDeviceGetHandleByIndex_v2@0=8"), &e);
    CHECK(g && gpu_nvml_device_count(g) == 1, "open: %s", e.msg);
    if (!g) return;
    drain(g);
    CHECK(n_notes == 1 && strstr(notes, "device 0") && strstr(notes, "skipped"), "notes: %.400s", notes);
    gpu_sample s;
    gpu_sample_init(&s);
    CHECK(sample_once(g, &s) == 0 && s.n_devices == 1, "n_devices %zu", s.n_devices);
    if (s.n_devices == 1) check_device(&s.devices[0], 1, 0);
    gpu_sample_release(&s);
    gpu_nvml_close(g);
}

/* Each device call failing leaves only its own field unknown (JSON null), noted once, naming
 * the call (the name is read at open, the rest at every sample). */
static void check_only_field_unknown(const char *what, const gpu_sample *s, int f)
{
    const gpu_device *d = &s->devices[0];
    CHECK((f == 0) == !d->name[0], "%s: name '%s'", what, d->name);
    CHECK((f == 1) == isnan(d->util_pct) && (f == 1) == isnan(d->mem_util_pct), "%s: util %g", what, d->util_pct);
    CHECK((f == 2) == (d->mem_used_bytes < 0) && (f == 2) == (d->mem_total_bytes < 0), "%s: mem %lld", what,
          d->mem_used_bytes);
    CHECK((f == 3) == isnan(d->power_w), "%s: power %g", what, d->power_w);
    CHECK((f == 4) == isnan(d->temp_c), "%s: temp %g", what, d->temp_c);
    CHECK((f == 5) == isnan(d->sm_clock_mhz), "%s: clock %g", what, d->sm_clock_mhz);
    CHECK((f == 6) == !d->procs_known, "%s: procs_known %d", what, d->procs_known);
    static const char *const keys[] = {"name", "util", "mem_used_bytes", "power_w", "temp_c", "sm_clock_mhz", "processes"};
    json_t *j = gpu_sample_to_json(s);
    json_t *dev = json_array_get(json_object_get(j, "devices"), 0);
    CHECK(json_is_null(json_object_get(dev, keys[f])), "%s: JSON %s not null", what, keys[f]);
    json_decref(j);
}

static void test_each_call_fails(void)
{
    NEED_FAKE();
    static const struct { const char *fail; const char *noted; int field; } cases[] = {
        {"nvmlDeviceGetName=999", "nvmlDeviceGetName: Unknown Error (999)", 0},
        {"nvmlDeviceGetUtilizationRates=3", "nvmlDeviceGetUtilizationRates: Not Supported (3)", 1},
        {"nvmlDeviceGetMemoryInfo_v2=3,nvmlDeviceGetMemoryInfo=4", "nvmlDeviceGetMemoryInfo: Insufficient Permissions (4)", 2},
        {"nvmlDeviceGetPowerUsage=3", "nvmlDeviceGetPowerUsage: Not Supported (3)", 3},
        {"nvmlDeviceGetTemperatureV=999,nvmlDeviceGetTemperature=3", "nvmlDeviceGetTemperature: Not Supported (3)", 4},
        {"nvmlDeviceGetClockInfo=2", "nvmlDeviceGetClockInfo: Invalid Argument (2)", 5},
        {"nvmlDeviceGetComputeRunningProcesses_v3=4", "nvmlDeviceGetComputeRunningProcesses_v3: Insufficient Permissions", 6},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const char *what = cases[c].fail;
        char fail[160];
        snprintf(fail, sizeof fail, "FAKE_NVML_FAIL=%s", what);
        ws_err e;
        gpu_nvml *g = open_fake("", ENV("FAKE_NVML_DEVICES=1", fail), &e);
        CHECK(g != NULL, "%s: open: %s", what, e.msg);
        if (!g) continue;
        drain(g);                               /* notes at open */
        int at_open = n_notes;
        char open_notes[sizeof notes];
        snprintf(open_notes, sizeof open_notes, "%s", notes);
        gpu_sample s;
        gpu_sample_init(&s);
        CHECK(sample_once(g, &s) == 0 && s.n_devices == 1, "%s: first sample", what);
        CHECK(at_open + n_notes == 1 && (strstr(open_notes, cases[c].noted) || strstr(notes, cases[c].noted)),
              "%s: notes: %.400s%s", what, open_notes, notes);
        if (s.n_devices == 1) check_only_field_unknown(what, &s, cases[c].field);
        CHECK(sample_once(g, &s) == 0 && s.n_devices == 1 && n_notes == 0, "%s: second sample noted again: %.400s", what, notes);
        if (s.n_devices == 1) check_only_field_unknown(what, &s, cases[c].field);
        gpu_sample_release(&s);
        gpu_nvml_close(g);
    }
}

/* A newer versioned call that fails falls back to the old one, silently. */
static void test_versioned_call_falls_back(void)
{
    NEED_FAKE();
    ws_err e;
    gpu_nvml *g = open_fake("", ENV("FAKE_NVML_FAIL=nvmlDeviceGetMemoryInfo_v2=25,nvmlDeviceGetTemperatureV=3"), &e);
    CHECK(g != NULL, "%s", e.msg);
    if (!g) return;
    gpu_sample s;
    gpu_sample_init(&s);
    for (int k = 0; k < 2; k++) {
        CHECK(sample_once(g, &s) == 0 && s.n_devices == 1 && n_notes == 0, "sample %d: notes %.400s", k, notes);
        if (s.n_devices == 1) {
            CHECK(s.devices[0].mem_used_bytes == GiB + 4096 + 64 * MiB, "v1 memory %lld", s.devices[0].mem_used_bytes);
            CHECK(s.devices[0].temp_c == 45, "temp %g", s.devices[0].temp_c);
        }
    }
    gpu_sample_release(&s);
    gpu_nvml_close(g);
}

static void test_device_lost_mid_run(void)
{
    NEED_FAKE();
    static const struct { const char *lost; int gone; } cases[] = {{"FAKE_NVML_LOST=1:2", 1}, {"FAKE_NVML_LOST=0:2", 0}};
    for (size_t c = 0; c < 2; c++) {
        ws_err e;
        gpu_nvml *g = open_fake("", ENV("FAKE_NVML_DEVICES=2", cases[c].lost), &e);
        CHECK(g != NULL, "%s", e.msg);
        if (!g) continue;
        gpu_sample s;
        gpu_sample_init(&s);
        for (int k = 1; k <= 4; k++) {
            CHECK(sample_once(g, &s) == 0, "sample %d", k);
            size_t want = k <= 2 ? 2 : 1;
            CHECK(s.n_devices == want, "%s sample %d: %zu devices", cases[c].lost, k, s.n_devices);
            CHECK((k == 3) == (n_notes == 1), "%s sample %d: notes %.400s", cases[c].lost, k, notes);
            if (k == 3) CHECK(strstr(notes, "GPU is lost; no longer sampled") != NULL, "note: %.400s", notes);
            if (s.n_devices == 1) check_device(&s.devices[0], 1 - cases[c].gone, 0);
        }
        CHECK(gpu_nvml_device_count(g) == 1, "device count %zu", gpu_nvml_device_count(g));
        gpu_sample_release(&s);
        gpu_nvml_close(g);
    }
    /* every device lost: samples go on with none */
    ws_err e;
    gpu_nvml *g = open_fake("", ENV("FAKE_NVML_LOST=0:0"), &e);
    gpu_sample s;
    gpu_sample_init(&s);
    CHECK(g && sample_once(g, &s) == 0 && s.n_devices == 0, "all lost: %s", e.msg);
    gpu_sample_release(&s);
    gpu_nvml_close(g);
}

/* An old driver: unversioned symbols only, v1 memory (used includes reserved), 16-byte process rows. */
static void test_old_driver(void)
{
    NEED_FAKE();
    ws_err e;
    gpu_nvml *g = open_fake("old", ENV("FAKE_NVML_DEVICES=2"), &e);
    CHECK(g != NULL, "%s", e.msg);
    if (!g) return;
    drain(g);
    CHECK(n_notes == 0, "notes: %.400s", notes);
    gpu_sample s;
    gpu_sample_init(&s);
    CHECK(sample_once(g, &s) == 0 && s.n_devices == 2, "n_devices %zu", s.n_devices);
    for (size_t i = 0; i < s.n_devices; i++) check_device(&s.devices[i], (int)i, 1);
    gpu_sample_release(&s);
    gpu_nvml_close(g);
}

/* A driver too old for everything optional: every field null, one note per missing symbol. */
static void test_minimal_driver(void)
{
    NEED_FAKE();
    ws_err e;
    gpu_nvml *g = open_fake("minimal", ENV("FAKE_NVML_DEVICES=1"), &e);
    CHECK(g != NULL, "%s", e.msg);
    if (!g) return;
    drain(g);
    CHECK(n_notes == 7 && strstr(notes, "has no nvmlDeviceGetPowerUsage (driver too old?); power_w is null"),
          "%d notes: %.400s", n_notes, notes);
    gpu_sample s;
    gpu_sample_init(&s);
    CHECK(sample_once(g, &s) == 0 && s.n_devices == 1 && n_notes == 0, "sample: %.400s", notes);
    const gpu_device *d = &s.devices[0];
    CHECK(!d->name[0] && isnan(d->util_pct) && isnan(d->mem_util_pct) && d->mem_used_bytes < 0 && d->mem_total_bytes < 0
          && isnan(d->power_w) && isnan(d->temp_c) && isnan(d->sm_clock_mhz) && !d->procs_known, "fields not unknown");
    CHECK(!strcmp(gpu_nvml_error_string(g, 15), "GPU is lost"), "built-in error strings");
    gpu_sample_release(&s);
    gpu_nvml_close(g);
}

/* More processes than the first buffer holds: the INSUFFICIENT_SIZE protocol grows it. */
static void test_many_processes(void)
{
    NEED_FAKE();
    ws_err e;
    gpu_nvml *g = open_fake("", ENV("FAKE_NVML_DEVICES=2", "FAKE_NVML_NPROCS=100"), &e);
    CHECK(g != NULL, "%s", e.msg);
    if (!g) return;
    gpu_sample s;
    gpu_sample_init(&s);
    CHECK(sample_once(g, &s) == 0 && s.n_devices == 2, "sample");
    for (size_t i = 0; i < s.n_devices; i++) {
        const gpu_device *d = &s.devices[i];
        CHECK(d->n_procs == 100, "device %zu: %zu processes", i, d->n_procs);
        for (size_t k = 0; k < d->n_procs; k++)
            CHECK(d->procs[k].pid == (long)(10000 + 1000 * i + k) && d->procs[k].gpu_mem_bytes == (long long)(k + 1) * MiB,
                  "device %zu process %zu: %ld %lld", i, k, d->procs[k].pid, d->procs[k].gpu_mem_bytes);
    }
    gpu_sample_release(&s);
    gpu_nvml_close(g);
    g = open_fake("", ENV("FAKE_NVML_PROCS="), &e);
    gpu_sample_init(&s);
    CHECK(g && sample_once(g, &s) == 0 && s.devices[0].procs_known && s.devices[0].n_procs == 0, "no processes");
    gpu_sample_release(&s);
    gpu_nvml_close(g);
}

/* Drivers 535.43-535.86 wrote 32-byte rows through _v3: the rows are still read right. */
static void test_v3_rows_of_32_bytes(void)
{
    NEED_FAKE();
    ws_err e;
    gpu_nvml *g = open_fake("", ENV("FAKE_NVML_NPROCS=5", "FAKE_NVML_V3_ROW_BYTES=32"), &e);
    CHECK(g != NULL, "%s", e.msg);
    if (!g) return;
    gpu_sample s;
    gpu_sample_init(&s);
    CHECK(sample_once(g, &s) == 0 && s.n_devices == 1 && s.devices[0].n_procs == 5, "processes %zu", s.devices[0].n_procs);
    for (size_t k = 0; k < s.devices[0].n_procs; k++)
        CHECK(s.devices[0].procs[k].pid == (long)(10000 + k) && s.devices[0].procs[k].gpu_mem_bytes == (long long)(k + 1) * MiB,
              "process %zu: %ld %lld", k, s.devices[0].procs[k].pid, s.devices[0].procs[k].gpu_mem_bytes);
    gpu_sample_release(&s);
    gpu_nvml_close(g);
}

static void test_shutdown_on_close(void)
{
    NEED_FAKE();
    char stats[256], line[128] = "";
    snprintf(stats, sizeof stats, "%s/ws-fake-nvml-stats.%ld", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    char var[300];
    snprintf(var, sizeof var, "FAKE_NVML_STATS=%s", stats);
    ws_err e;
    gpu_nvml *g = open_fake("", ENV(var), &e);
    gpu_sample s;
    gpu_sample_init(&s);
    CHECK(g && sample_once(g, &s) == 0 && sample_once(g, &s) == 0, "%s", e.msg);
    gpu_nvml_close(g);
    FILE *f = fopen(stats, "r");
    if (f) {
        if (!fgets(line, sizeof line, f)) line[0] = 0;
        fclose(f);
    }
    int inits = -1, shutdowns = -2;
    long samples = -1;
    CHECK(sscanf(line, "init=%d shutdown=%d samples=%ld", &inits, &shutdowns, &samples) == 3 && inits == shutdowns
          && samples == 2, "stats '%s'", line);
    unlink(stats);
    gpu_sample_release(&s);
}

/* The JSON line: keys, nulls, and trial numbers copied from watched processes. */
static void test_sample_json(void)
{
    NEED_FAKE();
    ws_err e;
    gpu_nvml *g = open_fake("", ENV("FAKE_NVML_FAIL=nvmlDeviceGetPowerUsage=3"), &e);
    if (!g) { CHECK(0, "%s", e.msg); return; }
    gpu_sample s;
    gpu_sample_init(&s);
    gpu_process *w = gpu_sample_watch(&s, 4000);
    w->trial = 7;
    w->trial_id = 8;
    w->cpu_pct = 12.3456;
    w->rss_bytes = 1000;
    s.with_procs = 1;
    s.t_s = 1700000000.25;
    CHECK(sample_once(g, &s) == 0, "sample");
    gpu_sample_tag_trials(&s);
    json_t *j = gpu_sample_to_json(&s);
    json_t *d = json_array_get(json_object_get(j, "devices"), 0);
    json_t *p = json_array_get(json_object_get(d, "processes"), 0);
    json_t *wp = json_array_get(json_object_get(j, "processes"), 0);
    CHECK(json_real_value(json_object_get(j, "t")) == 1700000000.25, "t");
    CHECK(!strcmp(json_string_value(json_object_get(j, "source")), "nvml"), "source");
    CHECK(json_object_size(d) == 10 && json_is_null(json_object_get(d, "power_w")), "device keys");
    CHECK(json_number_value(json_object_get(d, "util")) == 40 && json_integer_value(json_object_get(d, "mem_total_bytes")) == 16 * GiB,
          "device values");
    CHECK(json_integer_value(json_object_get(p, "pid")) == 4000 && json_integer_value(json_object_get(p, "trial")) == 7
          && json_integer_value(json_object_get(p, "mem_used_bytes")) == 256 * MiB, "device process");
    CHECK(json_number_value(json_object_get(wp, "cpu")) == 12.35 && json_integer_value(json_object_get(wp, "rss_bytes")) == 1000
          && json_integer_value(json_object_get(wp, "trial")) == 7, "watched process");
    json_decref(j);
    s.with_procs = 0;
    j = gpu_sample_to_json(&s);
    CHECK(!json_object_get(j, "processes"), "no watched processes: no key");
    json_decref(j);
    gpu_sample_release(&s);
    gpu_nvml_close(g);
}

int main(void)
{
    RUN(test_one_device_every_field);
    RUN(test_two_devices);
    RUN(test_no_gpu);
    RUN(test_handle_fails_for_one_device);
    RUN(test_each_call_fails);
    RUN(test_versioned_call_falls_back);
    RUN(test_device_lost_mid_run);
    RUN(test_old_driver);
    RUN(test_minimal_driver);
    RUN(test_many_processes);
    RUN(test_v3_rows_of_32_bytes);
    RUN(test_shutdown_on_close);
    RUN(test_sample_json);
    return test_summary();
}
