/* trial_json.h — the JSON lines trials travel in (DESIGN: "What passes between them"): the
 * trial line suggest writes, and the params object inside it and in result lines. */
#ifndef WS_STORE_TRIAL_JSON_H
#define WS_STORE_TRIAL_JSON_H
#include <jansson.h>
#include <stdint.h>
#include "store/trial.h"

/* {"name": external value, ...} in the order given. */
json_t *ws_params_json(const ws_param *params, size_t n);
/* {"study","trial","params","budget":{"epochs":E},"seed"}; epochs <= 0 leaves budget empty. */
json_t *ws_trial_line(const char *study, int number, const ws_param *params, size_t n, long epochs, uint64_t seed);
/* A trial's seed: derived from the study seed and its number, below 2^31 so every framework
 * takes it. */
uint64_t ws_trial_seed(uint64_t study_seed, int number);

#endif
