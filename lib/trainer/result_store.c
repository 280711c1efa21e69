/* result_store.c — a finished trial's result written to the study, and read from a result line
 * (see result_store.h). */
#include "trainer/result_store.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "core/json.h"
#include "space/config.h"

int trainer_result_store(ws_store *s, int64_t trial_id, const trainer_result *r, ws_err *e)
{
    json_t *steps = r->steps >= 0 ? json_integer((json_int_t)r->steps) : NULL;
    int rc = ws_store_trial_finish(s, trial_id, r->state, r->has_value ? &r->value : NULL, e)
             || (json_array_size(r->constraints) && ws_store_trial_attr_set(s, trial_id, 1, WS_ATTR_CONSTRAINTS, r->constraints, e))
             || (r->reason && ws_store_trial_attr_set(s, trial_id, 1, WS_ATTR_REASON, r->reason, e))
             || (r->metrics && ws_store_trial_attr_set(s, trial_id, 0, "metrics", r->metrics, e))
             || (r->seconds && ws_store_trial_attr_set(s, trial_id, 0, "seconds", r->seconds, e))
             || (steps && ws_store_trial_attr_set(s, trial_id, 0, "steps_trained", steps, e));
    json_decref(steps);
    return rc ? -1 : 0;
}

/* line's KEY: NULL where it is absent or null; else of TYPE, or refused naming it */
static int field(const json_t *line, const char *where, const char *key, json_type type, const char *expected,
                 const json_t **out, ws_err *e)
{
    const json_t *v = json_object_get(line, key);
    *out = json_is_null(v) ? NULL : v;
    if (!*out || json_typeof(v) == type || (type == JSON_REAL && json_is_number(v))) return 0;
    return ws_err_set(e, WS_EINPUT, "%s: \"%s\": expected %s, got %s", where, key, expected, ws_json_type_name(v));
}

int trainer_result_read(const json_t *line, const char *where, const char **study, int *number, trainer_result *r,
                        double *epochs, ws_err *e)
{
    const json_t *name, *trial, *state, *value, *ep;
    char got[64];
    *r = (trainer_result){.steps = -1};
    *epochs = NAN;
    if (!json_is_object(line))
        return ws_err_set(e, WS_EINPUT, "%s: expected a result line (a JSON object), got %s", where, ws_json_type_name(line));
    static const char *const required[] = {"study", "trial", "state"};
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        if (!json_object_get(line, required[i])) return ws_err_set(e, WS_EINPUT, "%s: \"%s\": missing", where, required[i]);
    /* train-trial's keys (run.c result_line; stored.c's line, tell's with fewer): another, a typo
     * ("contraints") told by hand, was dropped without a word, the trial keeping no constraints,
     * as train-trial refuses one in a trial line */
    static const char *const keys[] = {"study", "trial", "state", "value", "metrics", "constraints", "epochs",
                                       "best_epoch", "seconds", "reason", NULL};
    if (ws_json_check_keys(line, keys, where, e)) return -1;
    name = json_object_get(line, "study");
    trial = json_object_get(line, "trial");
    state = json_object_get(line, "state");
    if (!json_is_string(name))
        return ws_err_set(e, WS_EINPUT, "%s: \"study\": expected a study name (a string), got %s", where, ws_json_type_name(name));
    /* by value, as train-trial reads a trial line's "trial" (ws_json_get_int): a line that passed
     * through Python (json.dumps of a float) says 2.0, which was refused as "got 2" */
    double d = json_is_number(trial) ? json_number_value(trial) : NAN;
    if (!(d >= 0 && d <= INT32_MAX && d == floor(d))) {
        /* a real as written (1.5, not "a number"; 2147483648.5, not %g's 2.14748e+09) */
        char *shown = json_is_real(trial) ? ws_json_dump(trial, 0) : NULL;
        ws_err_set(e, WS_EINPUT, "%s: \"trial\": expected a trial number (an integer >= 0), got %s", where,
                   shown ? shown : ws_json_got(trial, JSON_INTEGER, got, sizeof got));
        free(shown);
        return -1;
    }
    if (!json_is_string(state) || ws_state_parse(json_string_value(state), &r->state) || r->state == WS_RUNNING
        || r->state == WS_WAITING)
        return ws_err_set(e, WS_EINPUT, "%s: \"state\": expected \"COMPLETE\", \"PRUNED\" or \"FAIL\", got %s", where,
                          ws_json_got(state, JSON_STRING, got, sizeof got));
    if (field(line, where, "value", JSON_REAL, "a number or null", &value, e)
        || field(line, where, "metrics", JSON_OBJECT, "an object or null", &r->metrics, e)
        || field(line, where, "seconds", JSON_OBJECT, "an object or null", &r->seconds, e)
        || field(line, where, "constraints", JSON_ARRAY, "an array of numbers or null", &r->constraints, e)
        || field(line, where, "reason", JSON_STRING, "a string or null", &r->reason, e)
        || field(line, where, "epochs", JSON_REAL, "a number >= 0 or null", &ep, e))
        return -1;
    size_t i;
    const json_t *c;
    json_array_foreach(r->constraints, i, c)
        if (!json_is_number(c))
            return ws_err_set(e, WS_EINPUT, "%s: \"constraints[%zu]\": expected a number, got %s", where, i, ws_json_type_name(c));
    /* kept as parts (steps_trained, an integer: epochs times budget.validations_per_epoch, at most
     * 1000): 1e300 rounded to no integer (llround out of range), and the trial was finished
     * without its steps, not a word said */
    if (ep && !(json_number_value(ep) >= 0 && json_number_value(ep) <= WS_RESULT_EPOCHS_MAX)) {
        /* as written: %g showed one past the limit, 9000000000001, as the limit, "9e+12" */
        char *shown = ws_json_dump(ep, 0);
        ws_err_set(e, WS_EINPUT, "%s: \"epochs\": expected a number >= 0 and at most %g (epochs the study counts "
                   "in parts), or null, got %s", where, WS_RESULT_EPOCHS_MAX, shown ? shown : "a number");
        free(shown);
        return -1;
    }
    /* as finish stores them: a COMPLETE trial has its value, a FAIL trial none (Optuna's tell) */
    if (r->state == WS_COMPLETE && !json_object_get(line, "value"))
        return ws_err_set(e, WS_EINPUT, "%s: \"value\": missing (a COMPLETE trial has one, a number)", where);
    if (r->state == WS_COMPLETE && !value)
        return ws_err_set(e, WS_EINPUT, "%s: \"value\": a COMPLETE trial has one (a number), got null", where);
    if (r->state == WS_FAIL && value)
        return ws_err_set(e, WS_EINPUT, "%s: \"value\": a FAIL trial keeps none (null), got a number", where);
    r->has_value = value != NULL;
    r->value = value ? json_number_value(value) : NAN;
    *study = json_string_value(name);
    *number = (int)d;
    if (ep) *epochs = json_number_value(ep);
    return 0;
}

long trainer_result_steps(double epochs, int per)
{
    return isnan(epochs) ? -1 : (long)llround(epochs * (per > 0 ? per : 1));
}

int trainer_steps_per_epoch(ws_store *s, const ws_study *st)
{
    ws_config cfg;
    int found = 0, per = 1;
    ws_err soft;   /* a config that cannot be read counts whole epochs, as before a study had one */
    if (!ws_store_study_config(s, st, &cfg, &found, &soft) && found) {
        per = cfg.validations_per_epoch;
        ws_config_release(&cfg);
    }
    return per;
}
