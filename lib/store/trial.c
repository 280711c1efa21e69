/* trial.c — trial records (see trial.h). */
#include "store/trial.h"
#include "store/store.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const state_names[] = {"RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING"};

const char *ws_state_name(ws_state s)
{
    return (unsigned)s < 5 ? state_names[s] : "UNKNOWN";
}

int ws_state_parse(const char *text, ws_state *s)
{
    for (int i = 0; i < 5; i++)
        if (text && !strcasecmp(text, state_names[i])) { *s = (ws_state)i; return 0; }
    return -1;
}

void ws_trial_release(ws_trial *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n_params; i++) {
        free(t->params[i].name);
        ws_dist_release(&t->params[i].dist);
    }
    free(t->params);
    free(t->ivs);
    json_decref(t->system_attrs);
    json_decref(t->user_attrs);
    json_decref(t->attr_texts);
    t->attr_texts = NULL;
    t->params = NULL; t->ivs = NULL; t->n_params = t->n_ivs = 0;
    t->system_attrs = t->user_attrs = NULL;
}

void ws_trial_list_free(ws_trial_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) ws_trial_release(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

const char *ws_trial_attr_text(const ws_trial *t, int system, const char *key)
{
    return json_string_value(json_object_get(json_object_get(t->attr_texts, system ? "system" : "user"), key));
}

int ws_trial_attr_null(const ws_trial *t, int system, const char *key)
{
    return json_is_null(json_object_get(json_object_get(t->attr_texts, system ? "system" : "user"), key));
}

const ws_param *ws_trial_param(const ws_trial *t, const char *name)
{
    for (size_t i = 0; i < t->n_params; i++)
        if (!strcmp(t->params[i].name, name)) return &t->params[i];
    return NULL;
}

void ws_params_sort(ws_param *p, size_t n, size_t (*rank)(const char *name, const void *ctx), const void *ctx)
{
    for (size_t k = 1; k < n; k++) {
        ws_param x = p[k];
        size_t rx = rank(x.name, ctx), j = k;
        for (; j > 0 && rank(p[j - 1].name, ctx) > rx; j--) p[j] = p[j - 1];
        p[j] = x;
    }
}

int64_t ws_trial_last_step(const ws_trial *t)
{
    return t->n_ivs ? t->ivs[t->n_ivs - 1].step : -1;
}

long ws_trial_value_iv(const ws_trial *t)
{
    if (t->state != WS_COMPLETE || !t->has_value || !isfinite(t->value)) return -1;
    for (size_t k = 0; k < t->n_ivs; k++)
        if (t->ivs[k].value == t->value) return (long)k;
    return -1;
}

int ws_trial_iv_at(const ws_trial *t, int64_t step, double *value)
{
    size_t lo = 0, hi = t->n_ivs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->ivs[mid].step < step) lo = mid + 1; else hi = mid;
    }
    if (lo < t->n_ivs && t->ivs[lo].step == step) { *value = t->ivs[lo].value; return 0; }
    return -1;
}

int ws_trial_is_result_of(const ws_trial *t, const char *tag)
{
    const char *tg = json_string_value(json_object_get(t->system_attrs, WS_ATTR_TAG));
    int requeued = json_is_true(json_object_get(t->system_attrs, WS_ATTR_REQUEUED));
    return tg && !strcmp(tg, tag) && !requeued && (t->state == WS_COMPLETE || t->state == WS_PRUNED || t->state == WS_FAIL);
}

double ws_constraint_value(const json_t *x)
{
    if (json_is_number(x)) return json_number_value(x);
    if (json_is_boolean(x)) return json_is_true(x);
    return NAN;
}
