/* seed.h — the study's seed, from which suggest derives each trial's (ws_trial_seed). */
#ifndef WS_STUDY_SEED_H
#define WS_STUDY_SEED_H
#include <stdint.h>
#include "sampler/sampler.h"
#include "store/store.h"

/* The seed of study st without a --seed: the config's sampler.seed, else the one the study
 * stored (WS_ATTR_SEED, written by the first suggest); *found 0 (and *seed 0) when it has
 * neither. *stored: whether the study holds a seed attribute at all. */
int study_seed(ws_store *s, const ws_study *st, const ws_sampler_cfg *sampler, uint64_t *seed, int *found,
               int *stored, ws_err *e);

#endif
