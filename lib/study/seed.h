/* seed.h — the study's seed, from which suggest derives each trial's (ws_trial_seed), and the
 * trial's own, kept in the study. */
#ifndef WS_STUDY_SEED_H
#define WS_STUDY_SEED_H
#include <stdint.h>
#include "sampler/sampler.h"
#include "store/store.h"

/* The seed of study st without a --seed: the config's sampler.seed, else the one the study
 * stored (WS_ATTR_SEED, written by the first suggest); *found 0 (and *seed 0) when it has
 * neither. *stored: whether the study holds a seed attribute at all. -1 (WS_EINPUT, naming the
 * study and the attribute) when the config sets none and the kept one is no study seed (an
 * integer in 0..2^63-1, as --seed takes them). */
int study_seed(ws_store *s, const ws_study *st, const ws_sampler_cfg *sampler, uint64_t *seed, int *found,
               int *stored, ws_err *e);

/* The seed trial number keeps (v: its system attribute WS_ATTR_SEED, NULL when it has none):
 * suggest records the seed of each trial line there, and a retry (--grace, --reap, Optuna's
 * RetryFailedTrialCallback) carries it over, so that the retry trains as the trial it retries.
 * 1 and *seed when v holds one, 0 when v is NULL, -1 (WS_EINPUT, naming the trial) when v is not
 * a trial seed (an integer in 0..2^31-1, as ws_trial_seed makes them). */
int study_trial_seed_kept(const json_t *v, int number, uint64_t *seed, ws_err *e);

#endif
