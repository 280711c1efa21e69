/* metric_names.c — the metrics an objective or a constraint may name (see metric_names.h). */
#include "trainer/metric_names.h"
#include <stdio.h>
#include <string.h>

/* Each metric with what the others ask of it, in one row: whether it is about the wake word
 * (needs fixed.positive) and whether it is better higher (the direction its study must have). */
typedef struct {
    const char *name;
    int wake, higher;
} metric_row;

static const metric_row metrics[] = {
    {"accuracy", 0, 1},        {"macro_f1", 0, 1},
    {"f1", 1, 1},              {"fpr", 1, 0},          {"frr", 1, 0},
    {"binary_accuracy", 1, 1}, {"at_fpr.f1", 1, 1},    {"at_fpr.fpr", 1, 0}, {"at_fpr.frr", 1, 0},
    {NULL, 0, 0},
};

static const metric_row *row_of(const char *k)
{
    for (const metric_row *m = metrics; m->name; m++) if (!strcmp(m->name, k)) return m;
    return NULL;
}

const char *trainer_metric_names(void)
{
    static char buf[200];
    size_t used = 0;
    for (const metric_row *m = metrics; m->name && used < sizeof buf; m++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", m == metrics ? "" : m[1].name ? ", " : " or ",
                                 m->name);
    return buf;
}

int trainer_metric_needs_positive(const char *k)
{
    const metric_row *m = row_of(k);
    return !m || m->wake;
}

int trainer_metric_maximized(const char *k)
{
    const metric_row *m = row_of(k);
    return !m || m->higher;
}

int trainer_check_metric_names(const ws_config *c, const char *where, const char *why, ws_err *e)
{
    if (strcmp(c->objective, "value") && !row_of(c->objective))
        return ws_err_set(e, WS_EINPUT, "%s: objective: expected %s, got '%s'%s", where, trainer_metric_names(), c->objective,
                          why);
    for (size_t i = 0; i < c->n_constraints; i++)
        if (!row_of(c->constraints[i].name))
            return ws_err_set(e, WS_EINPUT, "%s: constraints.%s: not a metric (%s)%s", where, c->constraints[i].name,
                              trainer_metric_names(), why);
    return 0;
}
