/* stored.c — the result line of a trial that already finished, rebuilt from the study. A sweep
 * killed between a trial's finish in the study and the rename of its result file would
 * otherwise train that trial again on resume; each trial target tags its trial (suggest --tag)
 * and looks here first. */
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "space/config.h"
#include "store/store.h"
#include "trainer/result_store.h"
#include "trainer/trainer.h"

/* The step of the best validation, as train-trial counts it (run.c, after_validation): the
 * first reported value sets the best and only a strictly better one moves it; 0 without one. */
static long best_step_of(const ws_study *st, const ws_trial *t)
{
    long step = 0;
    double best = 0;
    for (size_t i = 0; i < t->n_ivs; i++) {
        double v = t->ivs[i].value;
        if (!i || (st->direction == WS_MAXIMIZE ? v > best : v < best)) { step = t->ivs[i].step; best = v; }
    }
    return step;
}

/* train-trial's "seconds" in its result line: the study's copy, which the line carries whole
 * (threads too); null when the study has none (a trial that tell failed). */
static json_t *seconds_of(const ws_trial *t)
{
    json_t *secs = json_object_get(t->user_attrs, "seconds");
    return json_is_object(secs) ? json_incref(secs) : json_null();
}

/* The same keys, in the same order, as train-trial's result line (run.c, result_line). */
static json_t *line_of(const ws_study *st, int per, const ws_trial *t)
{
    json_t *reason = json_object_get(t->system_attrs, WS_ATTR_REASON);
    json_t *metrics = json_object_get(t->user_attrs, "metrics");
    json_t *cons = json_object_get(t->system_attrs, WS_ATTR_CONSTRAINTS);
    /* the parts trained as train-trial recorded them; a study written before it did, or a trial
     * tell finished after prune-check's steps: the last step. A trial tell finished with neither
     * trained nothing this study knows of: null, not 0 (which is a trial that trained no epoch),
     * for both, as its "seconds" is null. best_epoch is null too for a trial with no intermediate
     * value (train-trial's: it ended before its first validation), as train-trial's line says. */
    json_t *trained = json_object_get(t->user_attrs, "steps_trained");
    int known = json_is_integer(trained) || t->n_ivs > 0;
    long steps = json_is_integer(trained) ? (long)json_integer_value(trained)
                 : ws_trial_last_step(t) > 0 ? ws_trial_last_step(t) : 0;
    return json_pack("{s:s,s:i,s:s,s:o,s:O,s:O,s:o,s:o,s:o,s:O}", "study", st->name, "trial", t->number,
                     "state", ws_state_name(t->state), "value", t->has_value ? ws_json_number_capped(t->value) : json_null(),
                     "metrics", metrics ? metrics : json_null(), "constraints", cons ? cons : json_null(),
                     "epochs", known ? trainer_epochs_json(steps, per) : json_null(),
                     "best_epoch", known && t->n_ivs > 0 ? trainer_epochs_json(best_step_of(st, t), per) : json_null(),
                     "seconds", seconds_of(t), "reason", reason ? reason : json_null());
}

int trainer_stored_result(const char *db, const char *study, const char *tag, json_t **line, ws_err *e)
{
    ws_store *s = NULL;
    ws_study st;
    ws_trial_list l;
    int found;
    *line = NULL;
    /* no such study yet is no result (a sweep's first trial: nothing is finished) */
    if (ws_store_open(&s, db, WS_STORE_READ, e) || ws_store_study_pick(s, study, &st, &found, e)) { ws_store_close(s); return -1; }
    if (found && ws_store_trials_load(s, &st, WS_LOAD_ALL, &l, e)) { ws_store_close(s); return -1; }
    /* steps are parts of an epoch under the study config's budget.validations_per_epoch */
    int per = found ? trainer_steps_per_epoch(s, &st) : 1;
    for (size_t k = found ? l.n : 0; k-- > 0 && !*line;) {   /* the newest trial with the tag */
        if (ws_trial_is_result_of(&l.v[k], tag)) *line = line_of(&st, per, &l.v[k]);
    }
    if (found) ws_trial_list_free(&l);
    ws_store_close(s);
    return 0;
}
