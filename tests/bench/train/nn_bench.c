/* nn_bench.c — training throughput of lib/nn: samples per second of full training steps
 * (forward, loss, backward, Adam update) of a default dnn, cnn or dscnn on random data, for
 * tests/bench/train/run.sh to compare with PyTorch. Prints one JSON line. Not a tool: built by
 * tests/nn-bench.mk into $(BUILD)/bench/nn_bench.
 *   nn_bench MODEL THREADS [BATCH [FRAMES [MELS [SECONDS [ARCH]]]]]
 * SHARES (environment): the shares each operation is cut into (nn_set_threads; default the
 * threads), to time the fixed split that lets a trial grow its threads (train-trial --grow-threads).
 * ARCH: a JSON object of architecture parameters over the model's defaults, e.g.
 * '{"channels":64,"blocks":3}' (the kws-default study's dscnn); torch_bench.py takes the same.
 * Start-up: BENCH_LAUNCH_NS (CLOCK_REALTIME nanoseconds, set by run.sh just before it starts
 * this process) marks the launch; setup_ms is launch to the start of the first training step
 * (loading, model and optimizer built, data ready), first_step_ms launch to its end. Without
 * it both count from main(). setup_cpu_ms: the process's CPU time up to that first step (all
 * threads, dynamic loading included), which other load on the machine hardly changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <sys/resource.h>
#include <time.h>
#include "core/json.h"
#include "core/parse.h"
#include "core/rng.h"
#include "nn/nn.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double real_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Seconds since the launch (BENCH_LAUNCH_NS) or since main() started (t_main, realtime). */
static double since_launch(double t_main)
{
    const char *v = getenv("BENCH_LAUNCH_NS");
    double launch = v && *v ? strtod(v, NULL) * 1e-9 : t_main;
    return real_s() - launch;
}

static long arg(int argc, char **argv, int i, long def)
{
    long v = def;
    ws_err e = {0};
    if (argc > i && ws_parse_long(argv[i], "argument", &v, &e) != 0) { fprintf(stderr, "nn_bench: %s\n", e.msg); exit(2); }
    return v;
}

int main(int argc, char **argv)
{
    double t_main = real_s();
    if (argc < 3) { fprintf(stderr, "usage: nn_bench dnn|cnn|dscnn THREADS [BATCH [FRAMES [MELS [SECONDS [ARCH]]]]]\n"); return 2; }
    int threads = (int)arg(argc, argv, 2, 1), batch = (int)arg(argc, argv, 3, 64);
    int frames = (int)arg(argc, argv, 4, 101), mels = (int)arg(argc, argv, 5, 40);
    double seconds = (double)arg(argc, argv, 6, 3);
    enum { CLASSES = 12 };
    ws_err e = {0};
    char params[128];
    snprintf(params, sizeof params, "{\"model\":\"%s\",\"optimizer\":\"adam\",\"learning_rate\":0.001}", argv[1]);
    json_t *pj = json_loads(params, 0, NULL), *arch = argc > 7 ? json_loads(argv[7], 0, NULL) : NULL;
    if (argc > 7 && !json_is_object(arch)) { fprintf(stderr, "nn_bench: ARCH: expected a JSON object\n"); return 2; }
    if (arch) json_object_update(pj, arch);
    json_decref(arch);
    nn_hparams hp;
    nn_hparams_default(&hp);
    if (!pj || nn_hparams_parse(&hp, pj, "params", &e)) { fprintf(stderr, "nn_bench: %s\n", e.msg); return 2; }
    json_decref(pj);
    const char *shares = getenv("SHARES");
    nn_set_threads(threads, shares ? atoi(shares) : 0);
    nn_model *m = nn_model_create(&hp.model, CLASSES, frames, mels, 1, &e);
    nn_optim *o = m ? nn_optim_create(m, &hp.optim, 1000000, 0, &e) : NULL;
    if (!o) { fprintf(stderr, "nn_bench: %s\n", e.msg); return 3; }
    size_t nx = (size_t)batch * frames * mels;
    float *x = malloc(nx * sizeof *x);
    int *y = malloc((size_t)batch * sizeof *y);
    ws_rng g;
    ws_rng_seed(&g, 1);
    for (size_t i = 0; i < nx; i++) x[i] = (float)ws_rng_normal(&g);
    for (int i = 0; i < batch; i++) y[i] = (int)ws_rng_below(&g, CLASSES);
    double loss, setup = since_launch(t_main), setup_cpu = cpu_s();
    if (nn_train_step(m, o, x, y, batch, &hp.loss, &loss, &e)) { fprintf(stderr, "nn_bench: %s\n", e.msg); return 3; }
    double first = since_launch(t_main);
    nn_train_step(m, o, x, y, batch, &hp.loss, &loss, &e);   /* warm-up */
    long steps = 0;
    double start = now_s(), start_cpu = cpu_s(), el;
    do {
        nn_train_step(m, o, x, y, batch, &hp.loss, &loss, &e);
        steps++;
        el = now_s() - start;
    } while (el < seconds || steps < 3);
    double cpu = cpu_s() - start_cpu;
    struct rusage ru;
    char kernels[256];   /* linking nn_blas_kernels links lib/nn's choice of kernels at start-up, as in train-trial */
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"impl\":\"wakesweep\",\"model\":\"%s\",\"threads\":%d,\"batch\":%d,\"input\":[1,%d,%d],\"params\":%zu,"
           "\"steps\":%ld,\"step_ms\":%.3f,\"cpu_ms_per_step\":%.3f,\"samples_per_s\":%.1f,\"setup_ms\":%.2f,\"setup_cpu_ms\":%.2f,\"first_step_ms\":%.2f,"
           "\"model_mib\":%.1f,\"max_rss_mib\":%.1f,\"blas_core\":\"%s\",\"blas_kernels\":\"%s\"}\n",
           argv[1], threads, batch, frames, mels, nn_model_n_params(m), steps, 1e3 * el / steps, 1e3 * cpu / steps,
           steps * batch / el, 1e3 * setup, 1e3 * setup_cpu, 1e3 * first, nn_model_bytes(m) / 1048576.0, ru.ru_maxrss / 1024.0,
           openblas_get_corename(), nn_blas_kernels(kernels, sizeof kernels));
    free(x);
    free(y);
    nn_optim_free(o);
    nn_model_free(m);
    nn_hparams_release(&hp);
    return 0;
}
