/* finished.c — see finished.h. */
#include <stdio.h>
#include <string.h>
#include "study/finished.h"

void study_say_finished(ws_store *s, const ws_study *st, int number, ws_err *e)
{
    ws_trial t;
    ws_err ignore;
    if (e->kind != WS_ESTATE || ws_store_trial_load(s, st, number, WS_LOAD_ATTRS, &t, &ignore)) return;
    const json_t *reason = json_object_get(t.system_attrs, WS_ATTR_REASON);
    if (json_is_string(reason)) {
        size_t len = strlen(e->msg);
        snprintf(e->msg + len, sizeof e->msg - len, " (the study's reason: %s%s)", json_string_value(reason),
                 json_is_true(json_object_get(t.system_attrs, WS_ATTR_REQUEUED)) ? "; queued again as a new trial" : "");
    }
    ws_trial_release(&t);
}
