/* data.h — batches for a trial straight from the mapped feature cache: gather the clips' linear
 * mel power, augment it (noise at an SNR, time shift), take log-mel or MFCC, standardize with
 * per-feature statistics of the training split, then SpecAugment masks. Nothing touches the
 * disk per step: the cache is mapped once and the page cache shares it between trials. */
#ifndef WS_TRAINER_DATA_H
#define WS_TRAINER_DATA_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "audio/cache.h"
#include "core/err.h"
#include "nn/device.h"
#include "nn/nn.h"

typedef enum { TRAINER_LOGMEL, TRAINER_MFCC } trainer_transform;

typedef struct {
    const audio_cache *cache;
    trainer_transform transform;
    int n_mfcc;                 /* MFCC coefficients (features per frame when MFCC) */
    int frames, mels, n_feat;   /* input shape: [frames][n_feat] */
    float *dct;                 /* [mels][n_mfcc] when MFCC */
    float *mean, *inv_std;      /* [n_feat] standardization, from the training split */
    float *power;               /* [max_batch][frames][mels] scratch */
    float *scratch;             /* [mels] */
    int max_batch;
} trainer_data;

/* Prepares batches of up to max_batch clips; computes the standardization over at most 512
 * training clips (evenly spaced, no augmentation). */
int trainer_data_init(trainer_data *d, const audio_cache *c, trainer_transform t, int n_mfcc,
                      const int *train_idx, size_t n_train, int max_batch, ws_err *e);
/* Rebuilds from saved statistics (checkpoint evaluation, a study's kept ones): n_feat finite
 * means and inverse deviations, else WS_EINPUT naming features.normalize. */
int trainer_data_init_stats(trainer_data *d, const audio_cache *c, trainer_transform t, int n_mfcc,
                            const json_t *stats, int max_batch, ws_err *e);
void trainer_data_release(trainer_data *d);
/* Bytes of the buffers d holds for its batches (the power of max_batch clips, the scratch, the
 * standardization and DCT tables), as trainer_data_init allocated them: a trial's memory check
 * counts them in the need of a batch. */
size_t trainer_data_bytes(const trainer_data *d);
/* {"transform","n_mfcc","mean":[...],"inv_std":[...]} for checkpoints. */
json_t *trainer_data_stats_json(const trainer_data *d);

/* Fills x [n][frames][n_feat] and labels [n] from clips idx[0..n). With aug (may be NULL):
 * power augmentation from noise (may be NULL) and masks, deterministic from seed. */
int trainer_data_batch(trainer_data *d, const int *idx, int n, const nn_augment_config *aug,
                       const nn_noise *noise, uint64_t seed, float *x, int *labels, ws_err *e);

/* The description of the trial's data for training on a device (nn_dtrain_create): the
 * cache's arrays and d's transform. *noise (the caller frees it) holds the noise streams. */
int trainer_data_desc(const trainer_data *d, nn_data_desc *desc, nn_noise **noise, ws_err *e);

#endif
