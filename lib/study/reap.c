/* reap.c — failing and retrying trials whose process died (see reap.h). */
#include "study/reap.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/proc.h"
#include "core/json.h"
#include "store/trial_json.h"

/* Attribute key of t set on trial id as t holds it: a value_json that is not strict JSON (what
 * Python wrote: NaN, Infinity, an integer past 64 bits) as its text, for t's value is only a
 * stand-in for it (null, the largest double, a string), which the retry would have kept instead
 * of what the callback's copy keeps, the value itself. */
static int copy_attr(ws_store *s, int64_t id, const ws_trial *t, int system, const char *key, const json_t *v,
                     ws_err *e)
{
    const char *text = ws_trial_attr_text(t, system, key);
    return text ? ws_store_attr_set_text(s, "trial", id, system, key, text, e)
                : ws_store_trial_attr_set(s, id, system, key, v, e);
}

/* fixed_params of t's retry as Python writes it when a categorical parameter took an infinite or
 * NaN choice: its bare Infinity, -Infinity or NaN (json.dumps), which an Optuna worker's
 * to_internal_repr finds among the choices; their stand-ins (the largest double, null) are none
 * of them, and it raised ValueError. NULL when no parameter took one (or out of memory). */
static char *params_text(const ws_trial *t)
{
    const char **token = calloc(t->n_params + 1, sizeof *token);
    json_t **marked = calloc(t->n_params + 1, sizeof *marked);
    int any = 0;
    for (size_t i = 0; token && marked && i < t->n_params; i++) {
        const ws_dist *d = &t->params[i].dist;
        if (d->kind != WS_DIST_CATEGORICAL || !d->text) continue;
        marked[i] = ws_json_load_python_marked(json_string_value(d->text));
        const char *c = json_string_value(json_array_get(json_object_get(json_object_get(marked[i], "attributes"), "choices"),
                                                         (size_t)t->params[i].internal));
        if (c && c[0] == '\x01') { token[i] = c + 1; any = 1; }
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = any ? open_memstream(&text, &len) : NULL;
    for (size_t i = 0; f && i < t->n_params; i++) {
        json_t *key = json_string(t->params[i].name), *v = ws_dist_external(&t->params[i].dist, t->params[i].internal);
        char *k = ws_json_dump(key, WS_JSON_PYTHON), *vt = token[i] ? NULL : ws_json_dump(v, WS_JSON_PYTHON);
        fprintf(f, "%s%s: %s", i ? ", " : "{", k ? k : "", token[i] ? token[i] : vt ? vt : "");
        free(k); free(vt); json_decref(key); json_decref(v);
    }
    if (f && fputs(t->n_params ? "}" : "{}", f) < 0) { fclose(f); free(text); text = NULL; f = NULL; }
    if (f) fclose(f);
    for (size_t i = 0; marked && i < t->n_params; i++) json_decref(marked[i]);
    free(marked);
    free(token);
    return text;
}

/* Marks failed trial t queued again (wakesweep:requeued: not its pipeline target's result) and
 * makes its WAITING copy with its params and user attributes, as Optuna's RetryFailedTrialCallback: what every
 * failing of a trial whose process stopped (or never got it) ends with. */
static int requeue(ws_store *s, const ws_study *st, const ws_trial *t, ws_err *e)
{
    json_t *yes = json_true();
    int marked = ws_store_trial_attr_set(s, t->trial_id, 1, WS_ATTR_REQUEUED, yes, e);
    json_decref(yes);
    if (marked) return -1;
    int64_t id;
    int number;
    json_t *params = ws_params_json(t->params, t->n_params);
    char *ptext = params_text(t);
    json_t *hist = json_object_get(t->system_attrs, "retry_history");
    json_t *history = json_is_array(hist) ? json_deep_copy(hist) : json_array();
    json_array_append_new(history, json_integer(t->number));
    /* a retry that fails again keeps naming the original trial, as Optuna's callback copies the
     * failed trial's own failed_trial over the new number (retried_trial_number's contract) */
    json_t *orig = json_object_get(t->system_attrs, "failed_trial");
    json_t *failed = json_is_integer(orig) ? json_incref(orig) : json_integer(t->number);
    int rc = ws_store_trial_create(s, st, WS_WAITING, NULL, 0, &id, &number, e)
             || (ptext ? ws_store_attr_set_text(s, "trial", id, 1, "fixed_params", ptext, e)
                       : ws_store_trial_attr_set(s, id, 1, "fixed_params", params, e))
             || ws_store_trial_attr_set(s, id, 1, "failed_trial", failed, e)
             || ws_store_trial_attr_set(s, id, 1, "retry_history", history, e);
    /* the callback's create_trial(user_attrs=trial.user_attrs): what an Optuna worker set on the
     * trial (trial.set_user_attr) goes with its retry */
    const char *key;
    json_t *v;
    json_object_foreach(t->user_attrs, key, v) {
        if (rc) break;
        rc = copy_attr(s, id, t, 0, key, v, e);
    }
    /* and its system_attrs={..., **trial.system_attrs}: the rungs successive halving and
     * hyperband recorded for the failed trial (completed_rung_k) go with the retry, which Optuna's
     * pruner then judges from the next rung on only; without them it was judged again at rungs
     * its earlier run had passed, against that run's own values, and pruned where Optuna goes on */
    json_object_foreach(t->system_attrs, key, v) {
        if (rc) break;
        if (!strncmp(key, "completed_rung_", 15)) rc = copy_attr(s, id, t, 1, key, v, e);
    }
    json_decref(params);
    free(ptext);
    json_decref(history);
    json_decref(failed);
    return rc ? -1 : 0;
}

int study_record_process(ws_store *s, int64_t trial_id, long long pid, ws_err *e)
{
    long long started = ws_process_start(pid == (long long)getpid() ? 0 : pid);
    json_t *p = json_integer(pid), *host = json_string(ws_hostname());
    json_t *start = started >= 0 ? json_integer(started) : json_null();
    int rc = ws_store_trial_attr_set(s, trial_id, 1, WS_ATTR_PID, p, e) || ws_store_trial_attr_set(s, trial_id, 1, WS_ATTR_HOST, host, e)
             || ws_store_trial_attr_set(s, trial_id, 1, WS_ATTR_PID_START, start, e);
    json_decref(p);
    json_decref(host);
    json_decref(start);
    return rc ? -1 : 0;
}

int study_recorded_process_gone(const json_t *system_attrs, long long pid)
{
    if (ws_process_gone(pid)) return 1;
    json_t *start = json_object_get(system_attrs, WS_ATTR_PID_START);
    return json_is_integer(start) && ws_process_reused(pid, json_integer_value(start));
}

int study_reap_dead(ws_store *s, const ws_study *st, json_t **failed, ws_err *e)
{
    ws_trial_list l = {0};
    json_t *list = json_array();
    if (ws_store_begin(s, e)) { json_decref(list); return -1; }
    if (ws_store_trials_load(s, st, WS_LOAD_PARAMS | WS_LOAD_ATTRS, &l, e)) goto fail;
    for (size_t i = 0; i < l.n; i++) {
        const ws_trial *t = &l.v[i];
        const char *host = json_string_value(json_object_get(t->system_attrs, WS_ATTR_HOST));
        json_t *pid = json_object_get(t->system_attrs, WS_ATTR_PID);
        if (t->state != WS_RUNNING || !host || strcmp(host, ws_hostname()) || !json_is_integer(pid)
            || !study_recorded_process_gone(t->system_attrs, json_integer_value(pid)))
            continue;
        char why[320];
        snprintf(why, sizeof why, "process %lld on %s is gone", (long long)json_integer_value(pid), host);
        if (ws_store_trial_finish(s, t->trial_id, WS_FAIL, NULL, e) || ws_store_trial_mark_died(s, t->trial_id, why, e)
            || requeue(s, st, t, e))
            goto fail;
        json_array_append_new(list, json_integer(t->number));
    }
    ws_trial_list_free(&l);
    if (ws_store_commit(s, e)) { json_decref(list); return -1; }
    if (failed) *failed = list; else json_decref(list);
    return 0;
fail:
    ws_store_rollback(s);
    ws_trial_list_free(&l);
    json_decref(list);
    return -1;
}

int study_fail_stale(ws_store *s, const ws_study *st, double grace_s, json_t **failed, ws_err *e)
{
    json_t *list = NULL;
    if (ws_store_fail_stale(s, st, grace_s, &list, e)) return -1;
    int rc = 0;
    /* by trial id, as Optuna's fail_stale_trials: by number, a number that deleted rows left to
     * two trials was refused as ambiguous at every suggest, and the sweep stuck */
    for (size_t i = 0; !rc && i < json_array_size(list); i++) {
        ws_trial t;
        if ((rc = ws_store_trial_load_id(s, st, json_integer_value(json_array_get(list, i)),
                                         WS_LOAD_PARAMS | WS_LOAD_ATTRS, &t, e)))
            break;
        rc = requeue(s, st, &t, e);
        json_array_set_new(list, i, json_integer(t.number));   /* the callers say numbers */
        ws_trial_release(&t);
    }
    if (rc || !failed) json_decref(list); else *failed = list;
    return rc ? -1 : 0;
}

int study_fail_requeue(ws_store *s, const ws_study *st, int64_t trial_id, const char *why, ws_err *e)
{
    ws_trial t;
    if (ws_store_begin(s, e)) return -1;
    if (ws_store_trial_load_id(s, st, trial_id, WS_LOAD_PARAMS | WS_LOAD_ATTRS, &t, e)) {
        ws_store_rollback(s);
        return -1;
    }
    json_t *reason = json_string(why);
    int rc = ws_store_trial_finish(s, t.trial_id, WS_FAIL, NULL, e)
             || ws_store_trial_attr_set(s, t.trial_id, 1, WS_ATTR_REASON, reason, e) || requeue(s, st, &t, e);
    json_decref(reason);
    ws_trial_release(&t);
    if (rc) {
        ws_store_rollback(s);
        return -1;
    }
    return ws_store_commit(s, e);
}
