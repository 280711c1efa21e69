/* param_order.c — one order for a report's parameters (see param_order.h). */
#include "report/param_order.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "space/config.h"

/* strcmp's order is the UTF-8 bytes', which is the code points' (Python's, so Optuna's). */
static int cmp_names(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

json_t *ws_param_order(const ws_trial_list *l, const ws_config *cfg)
{
    json_t *names = json_array(), *seen = json_object();
    const char **rest = NULL;
    size_t n_rest = 0, cap = 0;
    if (!names || !seen) goto oom;
    for (size_t i = 0; cfg && i < cfg->space.n; i++) {
        const char *n = cfg->space.v[i].name;
        int used = 0;   /* only parameters some trial holds */
        for (size_t t = 0; t < l->n && !used; t++) used = ws_trial_param(&l->v[t], n) != NULL;
        if (!used || json_object_get(seen, n)) continue;
        if (json_object_set_new(seen, n, json_true()) || json_array_append_new(names, json_string(n))) goto oom;
    }
    for (size_t t = 0; t < l->n; t++)
        for (size_t k = 0; k < l->v[t].n_params; k++) {
            const char *n = l->v[t].params[k].name;
            if (json_object_get(seen, n)) continue;
            if (json_object_set_new(seen, n, json_true())) goto oom;
            if (n_rest == cap) {
                const char **r = realloc(rest, (cap = cap ? 2 * cap : 16) * sizeof *r);
                if (!r) goto oom;
                rest = r;
            }
            rest[n_rest++] = n;
        }
    if (n_rest) qsort(rest, n_rest, sizeof *rest, cmp_names);
    for (size_t i = 0; i < n_rest; i++)
        if (json_array_append_new(names, json_string(rest[i]))) goto oom;
    free(rest);
    json_decref(seen);
    return names;
oom:
    free(rest);
    json_decref(seen);
    json_decref(names);
    return NULL;
}

/* name's place in the order (ws_param_order_apply's rank object); past the end where it has none */
static size_t order_rank(const char *name, const void *rank)
{
    const json_t *r = json_object_get(rank, name);
    return r ? (size_t)json_integer_value(r) : SIZE_MAX;
}

int ws_param_order_apply(ws_trial_list *l, const json_t *names)
{
    json_t *rank = json_object();
    size_t i;
    json_t *n;
    if (!rank) return -1;
    json_array_foreach(names, i, n)
        if (json_object_set_new(rank, json_string_value(n), json_integer((json_int_t)i))) { json_decref(rank); return -1; }
    /* stable: a name names one param of a trial, as Optuna's schema has it; were there two, they
     * would keep their order */
    for (size_t t = 0; t < l->n; t++) ws_params_sort(l->v[t].params, l->v[t].n_params, order_rank, rank);
    json_decref(rank);
    return 0;
}
