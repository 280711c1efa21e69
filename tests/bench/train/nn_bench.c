/* nn_bench.c — training throughput of lib/nn: samples per second of full training steps
 * (forward, loss, backward, Adam update) of a default dnn, cnn or dscnn on random data, for
 * tests/bench/train/run.sh to compare with PyTorch. Prints one JSON line. Not a tool: built by
 * tests/nn-bench.mk into $(BUILD)/bench/nn_bench.
 *   nn_bench MODEL THREADS [BATCH [FRAMES [MELS [SECONDS]]]] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static long arg(int argc, char **argv, int i, long def)
{
    long v = def;
    ws_err e = {0};
    if (argc > i && ws_parse_long(argv[i], "argument", &v, &e) != 0) { fprintf(stderr, "nn_bench: %s\n", e.msg); exit(2); }
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: nn_bench dnn|cnn|dscnn THREADS [BATCH [FRAMES [MELS [SECONDS]]]]\n"); return 2; }
    int threads = (int)arg(argc, argv, 2, 1), batch = (int)arg(argc, argv, 3, 64);
    int frames = (int)arg(argc, argv, 4, 101), mels = (int)arg(argc, argv, 5, 40);
    double seconds = (double)arg(argc, argv, 6, 3);
    enum { CLASSES = 12 };
    ws_err e = {0};
    char params[128];
    snprintf(params, sizeof params, "{\"model\":\"%s\",\"optimizer\":\"adam\",\"learning_rate\":0.001}", argv[1]);
    json_t *pj = json_loads(params, 0, NULL);
    nn_hparams hp;
    nn_hparams_default(&hp);
    if (!pj || nn_hparams_parse(&hp, pj, "params", &e)) { fprintf(stderr, "nn_bench: %s\n", e.msg); return 2; }
    json_decref(pj);
    nn_set_threads(threads);
    double t0 = now_s();
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
    double loss;
    if (nn_train_step(m, o, x, y, batch, &hp.loss, &loss, &e)) { fprintf(stderr, "nn_bench: %s\n", e.msg); return 3; }
    double first = now_s() - t0;
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
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"impl\":\"wakesweep\",\"model\":\"%s\",\"threads\":%d,\"batch\":%d,\"input\":[1,%d,%d],\"params\":%zu,"
           "\"steps\":%ld,\"step_ms\":%.3f,\"cpu_ms_per_step\":%.3f,\"samples_per_s\":%.1f,\"first_step_ms\":%.2f,"
           "\"model_mib\":%.1f,\"max_rss_mib\":%.1f}\n",
           argv[1], threads, batch, frames, mels, nn_model_n_params(m), steps, 1e3 * el / steps, 1e3 * cpu / steps,
           steps * batch / el, 1e3 * first, nn_model_bytes(m) / 1048576.0, ru.ru_maxrss / 1024.0);
    free(x);
    free(y);
    nn_optim_free(o);
    nn_model_free(m);
    nn_hparams_release(&hp);
    return 0;
}
