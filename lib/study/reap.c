/* reap.c — failing and retrying trials whose process died (see reap.h). */
#include "study/reap.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/json.h"
#include "core/proc.h"

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

/* wakesweep's own system attributes (wakesweep:reason, :died, :requeued, :pid, :host,
 * :pid_start, :owner_pid, :owner_start, :tag) tell how the failed trial ran and ended, not what
 * its retry is: a retry holding wakesweep:requeued never counted as its target's result, and one holding the dead
 * process's wakesweep:pid, claimed by an Optuna worker, would be failed by the next --reap while
 * it runs. Optuna's callback copies them (it knows no key); the retry here starts without. */
static int own_attr(const char *key)
{
    /* but the trial's seed (suggest claims it with the retry): the retry trains as the failed
     * trial would have, its weights, batches, augmentation and dropout drawn alike */
    return !strncmp(key, "wakesweep:", 10) && strcmp(key, WS_ATTR_SEED);
}

/* Marks failed trial t queued again (wakesweep:requeued: not its pipeline target's result) and
 * makes its WAITING copy as Optuna 3.1's RetryFailedTrialCallback does: what every failing of a
 * trial whose process stopped (or never got it) ends with. The callback's
 * create_trial(params=trial.params, distributions=trial.distributions, user_attrs=...,
 * system_attrs={"failed_trial": n, "retry_history": [], **trial.system_attrs}) is written in
 * add_trial's order: the params as trial_params rows (an Optuna worker's suggest returns a param
 * the trial holds, and Optuna's trials list shows them), the user attributes, then failed_trial,
 * retry_history + [n] and every other system attribute, the rungs successive halving and
 * hyperband recorded (completed_rung_k, judged from the next rung on) and an enqueued trial's
 * fixed_params among them, but for wakesweep's own (own_attr). No intermediate values: the
 * callback's inherit_intermediate_values is False unless asked. */
static int requeue(ws_store *s, const ws_study *st, const ws_trial *t, ws_err *e)
{
    json_t *yes = json_true();
    int marked = ws_store_trial_attr_set(s, t->trial_id, 1, WS_ATTR_REQUEUED, yes, e);
    json_decref(yes);
    if (marked) return -1;
    int64_t id;
    int number;
    json_t *hist = json_object_get(t->system_attrs, "retry_history");
    json_t *history = json_is_array(hist) ? json_deep_copy(hist) : json_array();
    json_array_append_new(history, json_integer(t->number));
    json_t *failed = json_integer(t->number);
    int rc = ws_store_trial_create(s, st, WS_WAITING, t->params, t->n_params, &id, &number, e);
    const char *key;
    json_t *v;
    json_object_foreach(t->user_attrs, key, v) {
        if (rc) break;
        rc = copy_attr(s, id, t, 0, key, v, e);
    }
    /* a retry that fails again keeps naming the original trial: the failed trial's own
     * failed_trial wins over its number (retried_trial_number's contract) */
    if (!rc) rc = json_object_get(t->system_attrs, "failed_trial")
                      ? copy_attr(s, id, t, 1, "failed_trial", json_object_get(t->system_attrs, "failed_trial"), e)
                      : ws_store_trial_attr_set(s, id, 1, "failed_trial", failed, e);
    if (!rc) rc = ws_store_trial_attr_set(s, id, 1, "retry_history", history, e);
    json_object_foreach(t->system_attrs, key, v) {
        if (rc) break;
        if (strcmp(key, "failed_trial") && strcmp(key, "retry_history") && !own_attr(key))
            rc = copy_attr(s, id, t, 1, key, v, e);
    }
    json_decref(history);
    json_decref(failed);
    return rc ? -1 : 0;
}

int study_budget_number(const json_t *system_attrs, int number)
{
    const json_t *f = json_object_get(system_attrs, "failed_trial");
    return json_is_integer(f) && json_integer_value(f) >= 0 && json_integer_value(f) <= INT_MAX
               ? (int)json_integer_value(f) : number;
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

/* 1 when process pid of this host, recorded as started at `start` (a JSON integer, else not
 * known), is gone: no such process, or one of that pid that started at another time. */
static int process_gone(long long pid, const json_t *start)
{
    if (ws_process_gone(pid)) return 1;
    return json_is_integer(start) && ws_process_reused(pid, json_integer_value(start));
}

int study_recorded_process_gone(const json_t *system_attrs, long long pid)
{
    return process_gone(pid, json_object_get(system_attrs, WS_ATTR_PID_START));
}

int study_clear_owner(ws_store *s, int64_t trial_id, const json_t *system_attrs, ws_err *e)
{
    /* only where one is named: a trial never owned gets no attributes it did not have */
    const json_t *owner = json_object_get(system_attrs, WS_ATTR_OWNER_PID);
    if (!owner || json_is_null(owner)) return 0;
    json_t *none = json_null();
    int rc = ws_store_trial_attr_set(s, trial_id, 1, WS_ATTR_OWNER_PID, none, e)
             || ws_store_trial_attr_set(s, trial_id, 1, WS_ATTR_OWNER_START, none, e);
    json_decref(none);
    return rc ? -1 : 0;
}

int study_keep_owner(ws_store *s, int64_t trial_id, const json_t *system_attrs, ws_err *e)
{
    const char *host = json_string_value(json_object_get(system_attrs, WS_ATTR_HOST));
    json_t *pid = json_object_get(system_attrs, WS_ATTR_PID);
    long long p = json_is_integer(pid) ? json_integer_value(pid) : 0;
    /* An ancestor, not any process that lives: the owner is kept only where it waits for this
     * train-trial's exit and acts on it (pipelines/trial.sh runs it in a subshell: a grandparent).
     * A train-trial run by hand, its trial claimed with another process's --pid (or none), keeps
     * none: its trial is reaped once it is gone, as before owners. The recorded start time too:
     * a pid taken since by another process is not the one suggest recorded. */
    if (host && !strcmp(host, ws_hostname()) && p > 0 && p != (long long)getpid() && ws_process_ancestor(p)
        && !study_recorded_process_gone(system_attrs, p)) {
        json_t *start = json_object_get(system_attrs, WS_ATTR_PID_START);
        return ws_store_trial_attr_set(s, trial_id, 1, WS_ATTR_OWNER_PID, pid, e)
                       || ws_store_trial_attr_set(s, trial_id, 1, WS_ATTR_OWNER_START, start ? start : json_null(), e)
                   ? -1 : 0;
    }
    return study_clear_owner(s, trial_id, system_attrs, e);
}

/* The trial's owner (WS_ATTR_OWNER_PID, on the trial's host, which --reap has checked is this
 * one) when it still lives, else 0. */
static long long live_owner(const json_t *system_attrs)
{
    json_t *owner = json_object_get(system_attrs, WS_ATTR_OWNER_PID);
    if (!json_is_integer(owner) || json_integer_value(owner) <= 0) return 0;
    long long p = json_integer_value(owner);
    return process_gone(p, json_object_get(system_attrs, WS_ATTR_OWNER_START)) ? 0 : p;
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
            || !study_recorded_process_gone(t->system_attrs, json_integer_value(pid)) || live_owner(t->system_attrs))
            continue;
        char why[400];
        json_t *owner = json_object_get(t->system_attrs, WS_ATTR_OWNER_PID);
        if (json_is_integer(owner) && json_integer_value(owner) > 0)
            snprintf(why, sizeof why, "process %lld on %s is gone, and so is %lld, which ran it (suggest --pid)",
                     (long long)json_integer_value(pid), host, (long long)json_integer_value(owner));
        else snprintf(why, sizeof why, "process %lld on %s is gone", (long long)json_integer_value(pid), host);
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

/* Fails RUNNING trial_id with reason why, queueing it again when again is set. */
static int fail_with_reason(ws_store *s, const ws_study *st, int64_t trial_id, const char *why, int again, ws_err *e)
{
    ws_trial t;
    if (ws_store_begin(s, e)) return -1;
    if (ws_store_trial_load_id(s, st, trial_id, WS_LOAD_PARAMS | WS_LOAD_ATTRS, &t, e)) {
        ws_store_rollback(s);
        return -1;
    }
    json_t *reason = ws_json_text(why);   /* an error quoting a file name: any bytes */
    int rc = !reason ? ws_err_set(e, WS_ENOMEM, "out of memory")
             : ws_store_trial_finish(s, t.trial_id, WS_FAIL, NULL, e)
                   || ws_store_trial_attr_set(s, t.trial_id, 1, WS_ATTR_REASON, reason, e)
                   || (again && requeue(s, st, &t, e));
    json_decref(reason);
    ws_trial_release(&t);
    if (rc) {
        ws_store_rollback(s);
        return -1;
    }
    return ws_store_commit(s, e);
}

int study_fail_requeue(ws_store *s, const ws_study *st, int64_t trial_id, const char *why, ws_err *e)
{
    return fail_with_reason(s, st, trial_id, why, 1, e);
}

int study_fail_refused(ws_store *s, const ws_study *st, int64_t trial_id, const char *why, ws_err *e)
{
    return fail_with_reason(s, st, trial_id, why, 0, e);
}
