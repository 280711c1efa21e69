/* augment.c — per-batch augmentation, deterministic from a seed: time shift and background
 * noise on linear mel power (before the caller's log-mel/MFCC), SpecAugment masks after it.
 * Each clip draws from its own stream ws_seed_mix(seed, clip), so a batch's result does not
 * depend on how it is split across threads or devices. */
#include <math.h>
#include <string.h>
#include "core/rng.h"
#include "nn/elementwise.h"
#include "nn/nn.h"

/* Shifts the frames of one clip by s (positive: later), filling with silence. */
static void shift_frames(float *x, int frames, int mels, int s)
{
    size_t row = (size_t)mels;
    if (s >= frames || -s >= frames) { memset(x, 0, (size_t)frames * row * sizeof *x); return; }
    if (s > 0) {
        memmove(x + (size_t)s * row, x, (size_t)(frames - s) * row * sizeof *x);
        memset(x, 0, (size_t)s * row * sizeof *x);
    } else if (s < 0) {
        memmove(x, x + (size_t)(-s) * row, (size_t)(frames + s) * row * sizeof *x);
        memset(x + (size_t)(frames + s) * row, 0, (size_t)(-s) * row * sizeof *x);
    }
}

static void mix_noise(float *x, int frames, int mels, const nn_noise *noise, size_t start, double snr_db)
{
    size_t len = (size_t)frames * mels;
    double pc = 0, pn = 0;
    for (size_t i = 0; i < len; i++) pc += x[i];
    for (int t = 0; t < frames; t++) {
        const float *nr = noise->power + ((start + (size_t)t) % noise->frames) * (size_t)mels;
        for (int f = 0; f < mels; f++) pn += nr[f];
    }
    if (!(pn > 0)) return;   /* silent noise: nothing to mix */
    float gain = (float)(pow(10.0, -snr_db / 10.0) * pc / pn);   /* the lengths cancel in the means */
    for (int t = 0; t < frames; t++) {
        const float *nr = noise->power + ((start + (size_t)t) % noise->frames) * (size_t)mels;
        float *xr = x + (size_t)t * mels;
        for (int f = 0; f < mels; f++) xr[f] = nn_noise_mix(xr[f], nr[f], gain);
    }
}

int nn_augment_power(const nn_augment_config *a, float *x, int n, int frames, int mels,
                     const nn_noise *noise, uint64_t seed, ws_err *e)
{
    int use_noise = noise && noise->frames > 0 && a->noise_prob > 0;
    if (use_noise && noise->mels != mels)
        return ws_err_set(e, WS_EINPUT, "augment: noise has %d mel bands, features %d", noise->mels, mels);
    for (int b = 0; b < n; b++) {
        ws_rng r;
        ws_rng_seed(&r, ws_seed_mix(seed, (uint64_t)b));
        float *xb = x + (size_t)b * frames * mels;
        if (a->time_shift > 0) {
            int s = (int)ws_rng_below(&r, 2 * (uint64_t)a->time_shift + 1) - a->time_shift;
            shift_frames(xb, frames, mels, s);
        }
        if (use_noise && ws_rng_uniform(&r) < a->noise_prob) {
            double snr = a->snr_low + (a->snr_high - a->snr_low) * ws_rng_uniform(&r);
            size_t start = (size_t)ws_rng_below(&r, noise->frames);
            mix_noise(xb, frames, mels, noise, start, snr);
        }
    }
    return 0;
}

/* A width in [0, max_width] and a start such that the mask fits in len. */
static void draw_mask(ws_rng *r, int max_width, int len, int *start, int *width)
{
    int w = (int)ws_rng_below(r, (uint64_t)max_width + 1);
    if (w > len) w = len;
    *width = w;
    *start = (int)ws_rng_below(r, (uint64_t)(len - w) + 1);
}

void nn_augment_masks(const nn_augment_config *a, float *x, int n, int frames, int features,
                      float fill, uint64_t seed)
{
    uint64_t base = ws_seed_mix(seed, 0x6d61736b);   /* "mask": a stream apart from nn_augment_power's */
    for (int b = 0; b < n; b++) {
        ws_rng r;
        ws_rng_seed(&r, ws_seed_mix(base, (uint64_t)b));
        float *xb = x + (size_t)b * frames * features;
        for (int k = 0; k < a->time_masks && a->time_mask_width > 0; k++) {
            int s, w;
            draw_mask(&r, a->time_mask_width, frames, &s, &w);
            for (int t = s; t < s + w; t++)
                for (int f = 0; f < features; f++) xb[(size_t)t * features + f] = fill;
        }
        for (int k = 0; k < a->freq_masks && a->freq_mask_width > 0; k++) {
            int s, w;
            draw_mask(&r, a->freq_mask_width, features, &s, &w);
            for (int t = 0; t < frames; t++)
                for (int f = s; f < s + w; f++) xb[(size_t)t * features + f] = fill;
        }
    }
}
