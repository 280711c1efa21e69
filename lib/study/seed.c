/* seed.c — the study's seed (see seed.h): one rule for suggest, which draws trials from it, and
 * train-trial, which gives a line without "seed" the seed suggest would have given it. */
#include "study/seed.h"

int study_seed(ws_store *s, const ws_study *st, const ws_sampler_cfg *sampler, uint64_t *seed, int *found,
               int *stored, ws_err *e)
{
    json_t *j = NULL;
    if (ws_store_study_attr_get(s, st->id, 1, WS_ATTR_SEED, &j, e)) return -1;
    *stored = j != NULL;
    *found = sampler->has_seed || json_is_integer(j);
    *seed = sampler->has_seed ? sampler->seed : json_is_integer(j) ? (uint64_t)json_integer_value(j) : 0;
    json_decref(j);
    return 0;
}
