/* fft_ceiling.c — the cost of the FFTs featurize makes, timed alone on one thread: audio_fft4_power
 * (lib/audio/fft4.h: kissfft's SIMD build, four or sixteen frames of n_fft real samples per call,
 * and their power spectra), as featurize calls it; no decoding, windowing, mel or writing. A clip
 * of F frames takes ceil(F / L) calls of L frames, so it can never be featurized faster than
 * that many, and 1e6 / (ceil(F / L) * L * us_per_fft) is the ceiling of clips per second per
 * thread. us_per_fft_scalar: one kiss_fftr call of Debian's scalar libkissfft-float, which
 * featurize used before 2026-12-05, timed the same way.
 *   fft_ceiling N_FFT FRAMES
 *     -> {"n_fft","fft","us_per_fft","us_per_fft_scalar","frames","ceiling_clips_per_s"} */
#include <kissfft/kiss_fftr.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "audio/fft4.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct job {
    audio_fft4 *f;
    float *power;
    kiss_fftr_cfg cfg;
    float *x;
    kiss_fft_cpx *y;
    int n;
    double sink;
} job;

static void fft4_call(job *j, int r) { audio_fft4_power(j->f, j->power); j->sink += j->power[3 + r % 4]; }
/* a new input each call, as featurize's frames are */
static void scalar_call(job *j, int r) { j->x[r % j->n] += 1e-3f; kiss_fftr(j->cfg, j->x, j->y); j->sink += j->y[3].r; }

/* microseconds per frame: the best of 5 rounds of `calls` calls of `frames_per_call` frames */
static double best_of_5(void (*call)(job *, int), job *j, int calls, int frames_per_call)
{
    double best = 1e9;
    for (int rep = 0; rep < 5; rep++) {
        double t = now_s();
        for (int r = 0; r < calls; r++) call(j, r);
        double us = (now_s() - t) / calls / frames_per_call * 1e6;
        if (us < best) best = us;
    }
    return best;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 512, frames = argc > 2 ? atoi(argv[2]) : 101;
    if (n < 16 || n % 2 || frames < 1) { fprintf(stderr, "usage: fft_ceiling N_FFT FRAMES\n"); return 2; }
    audio_fft4 *f = audio_fft4_alloc(n);
    if (!f) { fprintf(stderr, "fft_ceiling: out of memory\n"); return 3; }
    int lanes = audio_fft4_lanes(f);
    float *x = malloc(sizeof(float) * (size_t)n * (size_t)lanes), *window = malloc(sizeof(float) * (size_t)n);
    float *power = malloc(sizeof(float) * (size_t)(n / 2 + 1) * (size_t)lanes);
    kiss_fft_cpx *y = malloc(sizeof(kiss_fft_cpx) * (size_t)(n / 2 + 1));
    kiss_fftr_cfg cfg = kiss_fftr_alloc(n, 0, NULL, NULL);
    if (!x || !window || !power || !y || !cfg) { fprintf(stderr, "fft_ceiling: out of memory\n"); return 3; }
    for (int i = 0; i < n * lanes; i++) x[i] = (float)((i * 7919) % 1000) / 1000.0f - 0.5f;
    for (int i = 0; i < n; i++) window[i] = 1.0f;
    audio_fft4_window(f, x, (size_t)n, window, n, 0, lanes);
    job j = {f, power, cfg, x, y, n, 0};
    double us = best_of_5(fft4_call, &j, 20000 / lanes, lanes), us_scalar = best_of_5(scalar_call, &j, 20000, 1);
    /* a clip's last call is a whole call, however few of its lanes hold frames */
    int calls = (frames + lanes - 1) / lanes;
    printf("{\"n_fft\":%d,\"fft\":\"%s\",\"us_per_fft\":%.3f,\"us_per_fft_scalar\":%.3f,\"frames\":%d,"
           "\"ceiling_clips_per_s\":%.0f,\"sink\":%g}\n",
           n, audio_fft4_kind(f), us, us_scalar, frames, 1e6 / (us * lanes * calls), j.sink);
    audio_fft4_free(f);
    kiss_fftr_free(cfg);
    free(x); free(window); free(power); free(y);
    return 0;
}
