/* cuda_bench.c — training throughput of the device path (nn_dtrain: data on the device,
 * augmentation, log-mel, forward, backward, update) on synthetic clips of the demo corpus's
 * shape (101 frames x 40 mels, 12 classes), next to train-trial's CPU loop on the same data.
 *   cuda_bench MODEL BATCH PRECISION SECONDS DEVICE      (DEVICE: cuda or cpu)
 * Prints one JSON line: {"device","name","model","batch","precision","samples_per_s",
 * "ms_per_step","setup_ms","t0","t1"}; t0 and t1 (Unix seconds) bound the timed part, so
 * tests/bench/gpu/run.sh can pick gpu-monitor's samples inside it. Exit 77 without a GPU. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "audio/cache.h"
#include "core/clock.h"
#include "core/rng.h"
#include "nn/device.h"
#include "trainer/data.h"

enum { FRAMES = 101, MELS = 40, K = 12, NOISE_FRAMES = 3000 };

int main(int argc, char **argv)
{
    double t_start = ws_mono_s();
    if (argc != 6) {
        fprintf(stderr, "usage: cuda_bench MODEL BATCH PRECISION SECONDS DEVICE\n");
        return 2;
    }
    const char *model = argv[1], *prec_s = argv[3], *want = argv[5];
    int B = atoi(argv[2]);
    double seconds = atof(argv[4]);
    ws_err e = {0};
    nn_precision prec;
    const nn_device *dev;
    char note[700];
    if (B < 1 || nn_precision_parse(prec_s, &prec, &e) || nn_device_select(want, prec, &dev, note, sizeof note, &e)) {
        fprintf(stderr, "cuda_bench: %s\n", e.msg[0] ? e.msg : "bad arguments");
        return !strcmp(want, "cuda") && strstr(e.msg, "no CUDA device") ? 77 : 2;
    }
    int cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
    nn_set_threads(cores > 0 ? cores : 1, 0);
    size_t n = (size_t)(B * 8 > 4096 ? B * 8 : 4096);
    ws_rng r;
    ws_rng_seed(&r, 1);
    float *feat = malloc(n * FRAMES * MELS * sizeof *feat), *noise_p = malloc((size_t)NOISE_FRAMES * MELS * sizeof *noise_p);
    int32_t *labels = malloc(n * sizeof *labels);
    int *order = malloc(n * sizeof *order);
    for (size_t i = 0; i < n * FRAMES * MELS; i++) feat[i] = (float)ws_rng_uniform(&r);
    for (size_t i = 0; i < (size_t)NOISE_FRAMES * MELS; i++) noise_p[i] = (float)ws_rng_uniform(&r);
    for (size_t i = 0; i < n; i++) { labels[i] = (int32_t)(i % K); order[i] = (int)i; }
    audio_cache cache;
    memset(&cache, 0, sizeof cache);
    cache.n_clips = n; cache.n_frames = FRAMES; cache.n_mels = MELS; cache.n_classes = K;
    cache.features = feat; cache.labels = labels;
    nn_noise noise = {noise_p, NOISE_FRAMES, MELS};
    trainer_data data;
    nn_hparams hp;
    nn_hparams_default(&hp);
    json_t *params = json_pack("{s:s}", "model", model);
    if (trainer_data_init(&data, &cache, TRAINER_LOGMEL, 13, order, n, B, &e) || nn_hparams_parse(&hp, params, "bench", &e)) {
        fprintf(stderr, "cuda_bench: %s\n", e.msg);
        return 2;
    }
    json_decref(params);
    hp.aug = (nn_augment_config){0.5, 0, 20, 5, 2, 10, 2, 5};
    nn_model *m = nn_model_create(&hp.model, K, FRAMES, MELS, 1, &e);
    long nb = (long)(n / (size_t)B);
    size_t used = (size_t)nb * (size_t)B;
    uint64_t *seeds = malloc((size_t)nb * sizeof *seeds);
    int *streams = malloc((size_t)nb * sizeof *streams);
    double *losses = malloc((size_t)nb * sizeof *losses);
    for (long b = 0; b < nb; b++) { seeds[b] = ws_seed_mix(3, (uint64_t)b); streams[b] = 0; }
    nn_dtrain *t = NULL;
    nn_optim *o = NULL;
    float *x = NULL;
    int *y = NULL;
    if (nn_device_is_cuda(dev)) {
        nn_data_desc d = {feat, labels, n, FRAMES, MELS, K, &noise, 1, 0, MELS, NULL, data.mean, data.inv_std};
        t = m ? nn_dtrain_create(dev, m, &hp, 1000000, 0, &d, B, B, used, order, 0, &e) : NULL;
    } else if (m) {
        o = nn_optim_create(m, &hp.optim, 1000000, 0, &e);
        x = malloc((size_t)B * FRAMES * MELS * sizeof *x);
        y = malloc((size_t)B * sizeof *y);
    }
    if (!m || (!t && !o)) {
        fprintf(stderr, "cuda_bench: %s\n", e.msg);
        return 1;
    }
    double setup_ms = (ws_mono_s() - t_start) * 1e3, t0 = 0, w0 = 0;
    long steps = 0;
    for (int epoch = 0;; epoch++) {
        if (epoch == 1) { t0 = ws_mono_s(); w0 = ws_now_s(); steps = 0; }   /* the first epoch warms up */
        if (t) {
            if (nn_dtrain_epoch(t, order, used, seeds, streams, &e)) break;
            for (long b = 0; b < nb; b++) if (nn_dtrain_batch(t, b, 1.0f, 1, 1, &e)) break;
            if (nn_dtrain_losses(t, losses, &e)) break;
        } else {
            for (long b = 0; b < nb; b++) {
                double loss;
                trainer_data_batch(&data, order + b * B, B, &hp.aug, &noise, seeds[b], x, y, &e);
                if (nn_train_step(m, o, x, y, B, &hp.loss, &loss, &e)) break;
            }
        }
        if (e.msg[0]) break;
        steps += nb;
        if (epoch >= 1 && ws_mono_s() - t0 >= seconds) break;
    }
    if (e.msg[0]) { fprintf(stderr, "cuda_bench: %s\n", e.msg); return 1; }
    double dt = ws_mono_s() - t0;
    printf("{\"device\":\"%s\",\"name\":\"%s\",\"model\":\"%s\",\"batch\":%d,\"precision\":\"%s\",\"samples_per_s\":%.1f,"
           "\"ms_per_step\":%.3f,\"setup_ms\":%.1f,\"t0\":%.3f,\"t1\":%.3f}\n",
           nn_device_is_cuda(dev) ? "cuda" : "cpu", nn_device_name(dev), model, B, nn_device_is_cuda(dev) ? prec_s : "fp32",
           (double)steps * B / dt, dt * 1e3 / (double)steps, setup_ms, w0, w0 + dt);
    nn_dtrain_free(t);
    nn_optim_free(o);
    nn_model_free(m);
    trainer_data_release(&data);
    nn_hparams_release(&hp);
    free(feat); free(noise_p); free(labels); free(order); free(seeds); free(streams); free(losses); free(x); free(y);
    return 0;
}
