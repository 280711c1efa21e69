/* data.c — batches from the feature cache (see data.h). */
#include "trainer/data.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "audio/transform.h"
#include "core/json.h"
#include "core/rng.h"

static int alloc_scratch(trainer_data *d, int max_batch, ws_err *e)
{
    d->max_batch = max_batch;
    d->power = malloc((size_t)max_batch * (size_t)d->frames * (size_t)d->mels * sizeof *d->power);
    d->scratch = malloc((size_t)d->mels * sizeof *d->scratch);
    d->mean = calloc((size_t)d->n_feat, sizeof *d->mean);
    d->inv_std = malloc((size_t)d->n_feat * sizeof *d->inv_std);
    if (d->transform == TRAINER_MFCC) {
        d->dct = malloc((size_t)d->mels * (size_t)d->n_mfcc * sizeof *d->dct);
        if (d->dct) audio_dct_matrix(d->n_mfcc, d->mels, d->dct);
    }
    if (!d->power || !d->scratch || !d->mean || !d->inv_std || (d->transform == TRAINER_MFCC && !d->dct))
        return ws_err_set(e, WS_ENOMEM, "out of memory");
    for (int i = 0; i < d->n_feat; i++) d->inv_std[i] = 1.0f;
    return 0;
}

size_t trainer_data_bytes(const trainer_data *d)
{
    size_t floats = (size_t)d->max_batch * (size_t)d->frames * (size_t)d->mels + (size_t)d->mels + 2 * (size_t)d->n_feat;
    if (d->transform == TRAINER_MFCC) floats += (size_t)d->mels * (size_t)d->n_mfcc;
    return floats * sizeof(float);
}

static int setup(trainer_data *d, const audio_cache *c, trainer_transform t, int n_mfcc, int max_batch, ws_err *e)
{
    memset(d, 0, sizeof *d);
    d->cache = c;
    d->transform = t;
    d->frames = c->n_frames;
    d->mels = c->n_mels;
    d->n_mfcc = n_mfcc;
    if (t == TRAINER_MFCC && (n_mfcc < 1 || n_mfcc > c->n_mels))
        return ws_err_set(e, WS_EINPUT, "n_mfcc: expected 1..%d (the cache's n_mels), got %d", c->n_mels, n_mfcc);
    d->n_feat = t == TRAINER_MFCC ? n_mfcc : c->n_mels;
    return alloc_scratch(d, max_batch, e);
}

/* Power [frames][mels] → features [frames][n_feat], before standardization. */
static void transform_clip(trainer_data *d, const float *p, float *out)
{
    size_t n = (size_t)d->frames * (size_t)d->mels;
    if (d->transform == TRAINER_MFCC)
        audio_mfcc_from_power(p, (size_t)d->frames, d->mels, d->dct, d->n_mfcc, AUDIO_LOG_EPS, d->scratch, out);
    else
        audio_logmel(p, out, n, AUDIO_LOG_EPS);
}

int trainer_data_init(trainer_data *d, const audio_cache *c, trainer_transform t, int n_mfcc,
                      const int *train_idx, size_t n_train, int max_batch, ws_err *e)
{
    if (setup(d, c, t, n_mfcc, max_batch, e)) { trainer_data_release(d); return -1; }
    size_t take = n_train < 512 ? n_train : 512, per = (size_t)d->frames * (size_t)d->n_feat;
    double *sum = calloc((size_t)d->n_feat, sizeof *sum), *sq = calloc((size_t)d->n_feat, sizeof *sq);
    float *f = malloc(per * sizeof *f), *lo = malloc((size_t)d->n_feat * sizeof *lo), *hi = malloc((size_t)d->n_feat * sizeof *hi);
    if (!sum || !sq || !f || !lo || !hi) {
        free(sum); free(sq); free(f); free(lo); free(hi);
        trainer_data_release(d);
        return ws_err_set(e, WS_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < take; k++) {
        transform_clip(d, audio_cache_clip(c, (size_t)train_idx[k * n_train / take]), f);
        for (size_t i = 0; i < per; i++) {
            size_t j = i % (size_t)d->n_feat;
            sum[j] += f[i];
            sq[j] += (double)f[i] * f[i];
            if ((k == 0 && i < (size_t)d->n_feat) || f[i] < lo[j]) lo[j] = f[i];
            if ((k == 0 && i < (size_t)d->n_feat) || f[i] > hi[j]) hi[j] = f[i];
        }
    }
    double cnt = (double)take * d->frames;
    for (int j = 0; take && j < d->n_feat; j++) {
        double m = sum[j] / cnt, var = sq[j] / cnt - m * m;
        d->mean[j] = (float)m;
        /* A feature constant over the training clips (a mel band that is silent in every one:
         * log(0 + 1e-6), or audio band-limited below f_max) has no spread to scale to 1: it is
         * left as it is, scale 1, as scikit-learn's StandardScaler leaves a zero-variance
         * feature. Its floored scale, 1e4, made any clip with power in that band (a validation
         * or test clip unlike the training ones) ten thousand times larger than the rest. */
        d->inv_std[j] = lo[j] == hi[j] ? 1.0f : (float)(1.0 / sqrt(var > 1e-8 ? var : 1e-8));
    }
    free(sum); free(sq); free(f); free(lo); free(hi);
    return 0;
}

int trainer_data_init_stats(trainer_data *d, const audio_cache *c, trainer_transform t, int n_mfcc,
                            const json_t *stats, int max_batch, ws_err *e)
{
    if (setup(d, c, t, n_mfcc, max_batch, e)) { trainer_data_release(d); return -1; }
    json_t *mean = json_object_get(stats, "mean"), *inv = json_object_get(stats, "inv_std");
    if (json_array_size(mean) != (size_t)d->n_feat || json_array_size(inv) != (size_t)d->n_feat) {
        int n_feat = d->n_feat;   /* the release zeroes it: the message said "expected 0" */
        trainer_data_release(d);
        return ws_err_set(e, WS_EINPUT, "features.normalize: expected %d means and scales", n_feat);
    }
    for (int j = 0; j < d->n_feat; j++) {
        /* a string read as 0 and a NaN scale made every feature NaN, without a word */
        const json_t *mj = json_array_get(mean, (size_t)j), *ij = json_array_get(inv, (size_t)j);
        double mv = json_number_value(mj), iv = json_number_value(ij);
        if (!json_is_number(mj) || !json_is_number(ij) || !isfinite(mv) || !isfinite(iv)) {
            trainer_data_release(d);
            return ws_err_set(e, WS_EINPUT, "features.normalize: %s[%d]: expected a finite number",
                              !json_is_number(mj) || !isfinite(mv) ? "mean" : "inv_std", j);
        }
        d->mean[j] = (float)mv;
        d->inv_std[j] = (float)iv;
    }
    return 0;
}

void trainer_data_release(trainer_data *d)
{
    free(d->dct); free(d->mean); free(d->inv_std); free(d->power); free(d->scratch);
    memset(d, 0, sizeof *d);
}

json_t *trainer_data_stats_json(const trainer_data *d)
{
    json_t *mean = json_array(), *inv = json_array();
    for (int j = 0; j < d->n_feat; j++) {
        json_array_append_new(mean, json_real(d->mean[j]));
        json_array_append_new(inv, json_real(d->inv_std[j]));
    }
    return json_pack("{s:s,s:i,s:o,s:o}", "transform", d->transform == TRAINER_MFCC ? "mfcc" : "logmel",
                     "n_mfcc", d->n_mfcc, "mean", mean, "inv_std", inv);
}

int trainer_data_batch(trainer_data *d, const int *idx, int n, const nn_augment_config *aug,
                       const nn_noise *noise, uint64_t seed, float *x, int *labels, ws_err *e)
{
    size_t clip = (size_t)d->frames * (size_t)d->mels, per = (size_t)d->frames * (size_t)d->n_feat;
    if (n > d->max_batch) return ws_err_set(e, WS_EINTERNAL, "batch of %d above the prepared %d", n, d->max_batch);
    for (int b = 0; b < n; b++) {
        memcpy(d->power + (size_t)b * clip, audio_cache_clip(d->cache, (size_t)idx[b]), clip * sizeof *d->power);
        labels[b] = d->cache->labels[idx[b]];
    }
    if (aug && nn_augment_power(aug, d->power, n, d->frames, d->mels, noise, seed, e)) return -1;
    for (int b = 0; b < n; b++) {
        float *f = x + (size_t)b * per;
        transform_clip(d, d->power + (size_t)b * clip, f);
        /* frame by frame: the feature's index without a division per value (i % n_feat was a
         * 64-bit div for each of a clip's frames x features, and kept the loop from vectorizing) */
        for (float *row = f; row < f + per; row += d->n_feat)
            for (int j = 0; j < d->n_feat; j++) row[j] = (row[j] - d->mean[j]) * d->inv_std[j];
    }
    /* masked values become 0, the training mean after standardization */
    if (aug) nn_augment_masks(aug, x, n, d->frames, d->n_feat, 0.0f, ws_seed_mix(seed, NN_AUGMENT_MASK_STREAM));
    return 0;
}
