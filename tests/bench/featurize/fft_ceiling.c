/* fft_ceiling.c — the cost of the one FFT featurize makes per frame (kiss_fftr of n_fft real
 * samples, Debian's libkissfft-float as featurize links it), timed alone on one thread: no
 * decoding, windowing, mel or writing. A clip of F frames can never be featurized faster than
 * F of these, so 1e6 / (F * us_per_fft) is the ceiling of clips per second per thread.
 *   fft_ceiling N_FFT FRAMES   -> {"n_fft","us_per_fft","frames","ceiling_clips_per_s"} */
#include <kissfft/kiss_fftr.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 512, frames = argc > 2 ? atoi(argv[2]) : 101;
    if (n < 16 || n % 2 || frames < 1) { fprintf(stderr, "usage: fft_ceiling N_FFT FRAMES\n"); return 2; }
    kiss_fftr_cfg cfg = kiss_fftr_alloc(n, 0, NULL, NULL);
    float *x = malloc(sizeof(float) * (size_t)n);
    kiss_fft_cpx *y = malloc(sizeof(kiss_fft_cpx) * (size_t)(n / 2 + 1));
    if (!cfg || !x || !y) { fprintf(stderr, "fft_ceiling: out of memory\n"); return 3; }
    for (int i = 0; i < n; i++) x[i] = (float)((i * 7919) % 1000) / 1000.0f - 0.5f;
    double best = 1e9, sink = 0;
    for (int rep = 0; rep < 5; rep++) {   /* the best of 5 rounds of 20000 */
        double t = now_s();
        for (int r = 0; r < 20000; r++) {
            x[r % n] += 1e-3f;            /* a new input each call */
            kiss_fftr(cfg, x, y);
            sink += y[3].r;
        }
        double us = (now_s() - t) / 20000 * 1e6;
        if (us < best) best = us;
    }
    printf("{\"n_fft\":%d,\"us_per_fft\":%.3f,\"frames\":%d,\"ceiling_clips_per_s\":%.0f,\"sink\":%g}\n", n, best, frames,
           1e6 / (best * frames), sink);
    kiss_fftr_free(cfg);
    free(x);
    free(y);
    return 0;
}
