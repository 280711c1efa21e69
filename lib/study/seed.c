/* seed.c — the study's seed and the trial's (see seed.h): one rule for suggest, which draws
 * trials from it, and train-trial, which gives a line without "seed" the seed suggest gave it. */
#include "study/seed.h"
#include <stdlib.h>

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

int study_trial_seed_kept(const json_t *v, int number, uint64_t *seed, ws_err *e)
{
    if (!v) return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 0x7fffffff) {
        char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        ws_err_set(e, WS_EINPUT, "trial %d: system attribute %s: expected an integer in 0..2147483647 (a trial "
                   "seed), got %.60s", number, WS_ATTR_SEED, text ? text : "?");
        free(text);
        return -1;
    }
    *seed = (uint64_t)json_integer_value(v);
    return 1;
}
