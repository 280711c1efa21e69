/* seed.c — the study's seed and the trial's (see seed.h): one rule for suggest, which draws
 * trials from it, and train-trial, which gives a line without "seed" the seed suggest gave it. */
#include "study/seed.h"
#include <inttypes.h>
#include <stdlib.h>
#include "core/json.h"

int study_seed(ws_store *s, const ws_study *st, const ws_sampler_cfg *sampler, uint64_t *seed, int *found,
               int *stored, ws_err *e)
{
    json_t *j = NULL;
    if (ws_store_study_attr_get(s, st->id, 1, WS_ATTR_SEED, &j, e)) return -1;
    *stored = j != NULL;
    /* A kept seed that is no study seed (an edited or damaged study) was taken for none: suggest
     * drew a fresh one on every call, never stored (the attribute is there), and train-trial used
     * seed 0, both without a word. Refused where it would be used, as --seed refuses it. */
    if (j && !sampler->has_seed && (!json_is_integer(j) || json_integer_value(j) < 0)) {
        char *text = ws_json_dump(j, 0);
        ws_err_set(e, WS_EINPUT, "%s: study '%s': system attribute %s: expected an integer in 0..%" PRId64
                   " (the study seed, as --seed takes it), got %.60s", ws_store_path(s), st->name, WS_ATTR_SEED,
                   INT64_MAX, text ? text : "?");
        free(text);
        json_decref(j);
        return -1;
    }
    *found = sampler->has_seed || json_is_integer(j);
    *seed = sampler->has_seed ? sampler->seed : json_is_integer(j) ? (uint64_t)json_integer_value(j) : 0;
    json_decref(j);
    return 0;
}

int study_trial_seed_kept(const json_t *v, int number, uint64_t *seed, ws_err *e)
{
    if (!v) return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 0x7fffffff) {
        char *text = ws_json_dump(v, 0);
        ws_err_set(e, WS_EINPUT, "trial %d: system attribute %s: expected an integer in 0..2147483647 (a trial "
                   "seed), got %.60s", number, WS_ATTR_SEED, text ? text : "?");
        free(text);
        return -1;
    }
    *seed = (uint64_t)json_integer_value(v);
    return 1;
}
