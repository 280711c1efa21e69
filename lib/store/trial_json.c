/* trial_json.c — trial lines (see trial_json.h). */
#include "store/trial_json.h"
#include "core/rng.h"

json_t *ws_params_json(const ws_param *params, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(o, params[i].name, ws_dist_external(&params[i].dist, params[i].internal));
    return o;
}

json_t *ws_trial_line(const char *study, int number, const ws_param *params, size_t n, long epochs, uint64_t seed)
{
    json_t *budget = json_object();
    if (epochs > 0) json_object_set_new(budget, "epochs", json_integer(epochs));
    return json_pack("{s:s,s:i,s:o,s:o,s:I}", "study", study, "trial", number, "params", ws_params_json(params, n),
                     "budget", budget, "seed", (json_int_t)seed);
}

uint64_t ws_trial_seed(uint64_t study_seed, int number)
{
    return ws_seed_mix(study_seed, (uint64_t)number) & 0x7fffffffu;
}
