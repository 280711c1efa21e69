/* halving.c — Optuna's SuccessiveHalvingPruner (asynchronous successive halving, "stop" type).
 * Rung k of a trial is reached at step >= r eta^(s + k). On reaching it the trial's current
 * value is recorded as system attr completed_rung_k (returned in set_system_attrs: pruners stay
 * pure) and compared with every trial that recorded that rung: the trial goes on only while it
 * is among the best floor(n / eta) of the n (at least the best one); with n <= bootstrap_count
 * it is pruned. Several rungs crossed in one report are handled in turn. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "core/text.h"
#include "pruner/pruner.h"
#include "space/config.h"

/* A rung value as stored: a number, or Optuna's non-finite spellings (infinities read as the
 * +-DBL_MAX they are stored as now, so that they tie with them). */
/* A value as the reason shows it: +-DBL_MAX is the +-inf it stands for. */
static double shown(double v) { return fabs(v) == DBL_MAX ? copysign(INFINITY, v) : v; }

static int attr_number(const json_t *v, double *out)
{
    if (json_is_number(v)) { *out = json_number_value(v); return 0; }
    const char *s = json_string_value(v);
    if (!s) return -1;
    if (!strcmp(s, "Infinity")) *out = DBL_MAX;
    else if (!strcmp(s, "-Infinity")) *out = -DBL_MAX;
    else if (!strcmp(s, "NaN")) *out = NAN;
    else return -1;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int ws_halving_should_prune(long min_resource, long eta, long s, long bootstrap_count,
                            const ws_history *h, const ws_trial *cur, ws_prune_decision *out, ws_err *e)
{
    long long step = ws_trial_last_step(cur);   /* 64 bits, as the store keeps steps */
    if (step < 0) {
        snprintf(out->reason, sizeof out->reason, "no intermediate value reported");
        return 0;
    }
    char key[48];
    int rung = 0;
    for (;; rung++) {
        snprintf(key, sizeof key, "completed_rung_%d", rung);
        if (!cur->system_attrs || !json_object_get(cur->system_attrs, key)) break;
    }
    double value = cur->ivs[cur->n_ivs - 1].value;
    /* Judged as it is stored for the other trials (ws_json_real_capped: +-inf as +-DBL_MAX), so
     * that two infinite values tie at a rung as they do in Optuna (inf == inf), rather than an
     * inf losing to another trial's stored DBL_MAX. */
    if (isinf(value)) value = copysign(DBL_MAX, value);
    long r = min_resource;
    if (r <= 0) {
        const ws_trial *first = ws_pruner_first_completed(h);
        if (!first) {
            snprintf(out->reason, sizeof out->reason, "min_resource \"auto\": no trial has completed yet");
            return 0;
        }
        r = ws_trial_last_step(first) / 100;
        if (r < 1) r = 1;
    }
    size_t n_hist = h->trials ? h->trials->n : 0;
    double *comp = malloc((n_hist + 1) * sizeof *comp);
    if (!comp) return ws_err_set(e, WS_ENOMEM, "out of memory");
    int rc = 0;
    for (;; rung++) {
        double promo = (double)r * pow((double)eta, (double)(s + rung));
        if ((double)step < promo) {
            snprintf(out->reason, sizeof out->reason, "rung %d is reached at step %.0f (now step %lld)", rung, promo, step);
            break;
        }
        if (isnan(value)) {
            out->prune = 1;
            snprintf(out->reason, sizeof out->reason, "value at step %lld is NaN", step);
            break;
        }
        snprintf(key, sizeof key, "completed_rung_%d", rung);
        if (!out->set_system_attrs) out->set_system_attrs = json_object();
        /* a number, as Optuna's float; inf as its capped stand-in (ws_json_real_capped) */
        json_t *jv = ws_json_real_capped(value);
        if (!out->set_system_attrs || !jv || json_object_set_new(out->set_system_attrs, key, jv)) {
            rc = ws_err_set(e, WS_ENOMEM, "out of memory");
            break;
        }
        size_t n = 0;
        for (size_t i = 0; i < n_hist; i++) {
            const ws_trial *t = &h->trials->v[i];
            json_t *a = t->system_attrs ? json_object_get(t->system_attrs, key) : NULL;
            if (a && !attr_number(a, &comp[n])) n++;
        }
        comp[n++] = value;
        if ((long)n <= bootstrap_count) {
            out->prune = 1;
            snprintf(out->reason, sizeof out->reason, "rung %d: %zu trial%s so far, not more than bootstrap_count %ld",
                     rung, n, ws_plural(n), bootstrap_count);
            break;
        }
        long idx = (long)n / eta - 1;
        if (idx < 0) idx = 0;
        qsort(comp, n, sizeof *comp, cmp_double);
        int maximize = h->direction == WS_MAXIMIZE;
        double bar = maximize ? comp[n - 1 - (size_t)idx] : comp[idx];
        int promotable = maximize ? value >= bar : value <= bar;
        if (!promotable) {
            out->prune = 1;
            snprintf(out->reason, sizeof out->reason, "rung %d at step %.0f: %.6g is not among the best %ld of %zu (bar %.6g)",
                     rung, promo, shown(value), idx + 1, n, shown(bar));
            break;
        }
        snprintf(out->reason, sizeof out->reason, "rung %d at step %.0f: %.6g is among the best %ld of %zu, promoted",
                 rung, promo, shown(value), idx + 1, n);
    }
    free(comp);
    return rc;
}
