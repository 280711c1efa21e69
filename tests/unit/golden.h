/* golden.h — reading the JSON reference files of tests/ref (written by the scripts there from
 * numpy, Optuna or torch, never by the code under test) for the unit tests, found under
 * $WS_ROOT (default: the current folder), and the distributions those scripts describe. */
#ifndef WS_TEST_GOLDEN_H
#define WS_TEST_GOLDEN_H
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "space/dist.h"

/* tests/ref/REL as JSON, or NULL with the reason in e. */
static inline json_t *golden_json(const char *rel, ws_err *e)
{
    const char *root = getenv("WS_ROOT");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/ref/%s", root ? root : ".", rel);
    return ws_json_load_file(path, e);
}

/* A parameter's distribution as the reference scripts write it: {"type": "float"|"int"|
 * "categorical", "low", "high", "step", "log"} or, categorical, {"n_choices": K} (choices 0..K-1;
 * d->choices is then a new array the caller releases). */
static inline void golden_dist(const json_t *j, ws_dist *d)
{
    memset(d, 0, sizeof *d);
    const char *type = json_string_value(json_object_get(j, "type"));
    if (!strcmp(type, "categorical")) {
        d->kind = WS_DIST_CATEGORICAL;
        d->choices = json_array();
        int k = (int)json_number_value(json_object_get(j, "n_choices"));
        for (int i = 0; i < k; i++) json_array_append_new(d->choices, json_integer(i));
        return;
    }
    d->kind = !strcmp(type, "int") ? WS_DIST_INT : WS_DIST_FLOAT;
    d->low = json_number_value(json_object_get(j, "low"));
    d->high = json_number_value(json_object_get(j, "high"));
    d->step = json_number_value(json_object_get(j, "step"));
    d->log = json_is_true(json_object_get(j, "log"));
}
#endif
