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
    float gain = nn_noise_gain(pc, pn, snr_db);
    for (int t = 0; t < frames; t++) {
        const float *nr = noise->power + ((start + (size_t)t) % noise->frames) * (size_t)mels;
        float *xr = x + (size_t)t * mels;
        for (int f = 0; f < mels; f++) xr[f] = nn_noise_mix(xr[f], nr[f], gain);
    }
}

void nn_augment_draw_power(const nn_augment_config *a, uint64_t seed, uint64_t pos, size_t noise_frames,
                           nn_power_draw *d)
{
    ws_rng r;
    ws_rng_seed(&r, ws_seed_mix(seed, pos));
    memset(d, 0, sizeof *d);
    if (a->time_shift > 0) d->shift = (int)ws_rng_below(&r, 2 * (uint64_t)a->time_shift + 1) - a->time_shift;
    d->noisy = noise_frames > 0 && a->noise_prob > 0 && ws_rng_uniform(&r) < a->noise_prob;
    if (d->noisy) {
        d->snr_db = a->snr_low + (a->snr_high - a->snr_low) * ws_rng_uniform(&r);
        d->noise_start = (size_t)ws_rng_below(&r, noise_frames);
    }
}

int nn_augment_power(const nn_augment_config *a, float *x, int n, int frames, int mels,
                     const nn_noise *noise, uint64_t seed, ws_err *e)
{
    size_t noise_frames = noise ? noise->frames : 0;
    if (noise_frames > 0 && a->noise_prob > 0 && noise->mels != mels)
        return ws_err_set(e, WS_EINPUT, "augment: noise has %d mel bands, features %d", noise->mels, mels);
    for (int b = 0; b < n; b++) {
        nn_power_draw d;
        nn_augment_draw_power(a, seed, (uint64_t)b, noise_frames, &d);
        float *xb = x + (size_t)b * frames * mels;
        if (d.shift) shift_frames(xb, frames, mels, d.shift);
        if (d.noisy) mix_noise(xb, frames, mels, noise, d.noise_start, d.snr_db);
    }
    return 0;
}

void nn_augment_mask_counts(const nn_augment_config *a, int *time_masks, int *freq_masks)
{
    *time_masks = a->time_masks > 0 && a->time_mask_width > 0 ? a->time_masks : 0;
    *freq_masks = a->freq_masks > 0 && a->freq_mask_width > 0 ? a->freq_masks : 0;
}

/* A width in [0, max_width] and a start such that the mask fits in len. */
static void draw_mask(ws_rng *r, int max_width, int len, int32_t *start_width)
{
    int w = (int)ws_rng_below(r, (uint64_t)max_width + 1);
    if (w > len) w = len;
    start_width[0] = (int32_t)ws_rng_below(r, (uint64_t)(len - w) + 1);
    start_width[1] = w;
}

void nn_augment_draw_masks(const nn_augment_config *a, uint64_t seed, uint64_t pos, int frames, int features,
                           int32_t *start_width)
{
    int tm, fm;
    nn_augment_mask_counts(a, &tm, &fm);
    ws_rng r;
    ws_rng_seed(&r, ws_seed_mix(ws_seed_mix(seed, NN_AUGMENT_MASK_STREAM), pos));
    for (int i = 0; i < tm; i++) draw_mask(&r, a->time_mask_width, frames, start_width + 2 * i);
    for (int i = 0; i < fm; i++) draw_mask(&r, a->freq_mask_width, features, start_width + 2 * (tm + i));
}

void nn_augment_masks(const nn_augment_config *a, float *x, int n, int frames, int features,
                      float fill, uint64_t seed)
{
    int tm, fm;
    nn_augment_mask_counts(a, &tm, &fm);
    int32_t sw[2 * (NN_AUGMENT_MAX_MASKS + NN_AUGMENT_MAX_MASKS)];
    for (int b = 0; b < n; b++) {
        nn_augment_draw_masks(a, seed, (uint64_t)b, frames, features, sw);
        float *xb = x + (size_t)b * frames * features;
        for (int k = 0; k < tm; k++)
            for (int t = sw[2 * k]; t < sw[2 * k] + sw[2 * k + 1]; t++)
                for (int f = 0; f < features; f++) xb[(size_t)t * features + f] = fill;
        for (int k = tm; k < tm + fm; k++)
            for (int t = 0; t < frames; t++)
                for (int f = sw[2 * k]; f < sw[2 * k] + sw[2 * k + 1]; f++) xb[(size_t)t * features + f] = fill;
    }
}
