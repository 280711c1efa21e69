/* stored.c — the result line of a trial that already finished, rebuilt from the study. A sweep
 * killed between a trial's finish in the study and the rename of its result file would
 * otherwise train that trial again on resume; each trial target tags its trial (suggest --tag)
 * and looks here first. */
#include <math.h>
#include <string.h>
#include "core/json.h"
#include "store/store.h"
#include "trainer/trainer.h"

static json_t *line_of(const ws_study *st, const ws_trial *t)
{
    json_t *reason = json_object_get(t->system_attrs, WS_ATTR_REASON);
    json_t *metrics = json_object_get(t->user_attrs, "metrics");
    json_t *secs = json_object_get(t->user_attrs, "seconds");
    return json_pack("{s:s,s:i,s:s,s:o,s:O,s:i,s:O,s:O,s:b}", "study", st->name, "trial", t->number,
                     "state", ws_state_name(t->state), "value", t->has_value ? ws_json_number(t->value) : json_null(),
                     "metrics", metrics ? metrics : json_null(), "epochs", ws_trial_last_step(t) > 0 ? ws_trial_last_step(t) : 0,
                     "seconds", secs ? secs : json_null(), "reason", reason ? reason : json_null(), "from_study", 1);
}

int trainer_stored_result(const char *db, const char *tag, json_t **line, ws_err *e)
{
    ws_store *s = NULL;
    json_t *names = NULL;
    *line = NULL;
    if (ws_store_open(&s, db, 0, e) || ws_store_study_names(s, &names, e)) { ws_store_close(s); return -1; }
    size_t i;
    json_t *name;
    json_array_foreach(names, i, name) {
        ws_study st;
        ws_trial_list l;
        if (ws_store_study_find(s, json_string_value(name), &st, e) || ws_store_trials_load(s, &st, WS_LOAD_ALL, &l, e)) break;
        for (size_t k = l.n; k-- > 0 && !*line;) {   /* the newest trial with the tag */
            const ws_trial *t = &l.v[k];
            const char *tg = json_string_value(json_object_get(t->system_attrs, WS_ATTR_TAG));
            int requeued = json_is_true(json_object_get(t->system_attrs, WS_ATTR_REQUEUED));
            if (tg && !strcmp(tg, tag) && !requeued && (t->state == WS_COMPLETE || t->state == WS_PRUNED || t->state == WS_FAIL))
                *line = line_of(&st, t);
        }
        ws_trial_list_free(&l);
        if (*line) break;
    }
    json_decref(names);
    ws_store_close(s);
    return e->msg[0] && !*line ? -1 : 0;
}
