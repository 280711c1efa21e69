/* metric_names.c — the metrics an objective or a constraint may name (see metric_names.h). */
#include "trainer/metric_names.h"
#include <stdio.h>
#include <string.h>

/* Every one but the first two is about the wake word, so needs fixed.positive. */
static const char *const metric_keys[] = {"accuracy", "macro_f1", "f1", "fpr", "frr", "binary_accuracy",
                                          "at_fpr.f1", "at_fpr.fpr", "at_fpr.frr", NULL};

const char *trainer_metric_names(void)
{
    static char buf[200];
    size_t used = 0;
    for (const char *const *m = metric_keys; *m && used < sizeof buf; m++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", m == metric_keys ? "" : m[1] ? ", " : " or ", *m);
    return buf;
}

int trainer_is_metric(const char *k)
{
    for (const char *const *m = metric_keys; *m; m++) if (!strcmp(*m, k)) return 1;
    return 0;
}

int trainer_metric_needs_positive(const char *k) { return strcmp(k, "accuracy") && strcmp(k, "macro_f1"); }

int trainer_metric_maximized(const char *k)
{
    return strcmp(k, "fpr") && strcmp(k, "frr") && strcmp(k, "at_fpr.fpr") && strcmp(k, "at_fpr.frr");
}
