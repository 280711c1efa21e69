/* percentile.c — Optuna's PercentilePruner (MedianPruner = 50th percentile), step by step as
 * pruners/_percentile.py does it: start-up and warm-up gates, the interval gate, the trial's
 * best value so far against the q-th percentile (numpy's linear interpolation, NaNs ignored)
 * of COMPLETE trials' values at the same step. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "core/text.h"
#include "pruner/pruner.h"
#include "space/config.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* numpy.percentile(v, q) with the default "linear" method, as numpy 1.24 computes it: virtual
 * index (n-1) q/100, then _lerp, which for fractions >= 0.5 interpolates from the upper end. */
static double percentile_linear(double *v, size_t n, double q)
{
    qsort(v, n, sizeof *v, cmp_double);
    double pos = (double)(n - 1) * (q / 100.0);
    double fl = floor(pos);
    size_t lo = (size_t)fl, hi = lo + 1 < n ? lo + 1 : n - 1;
    double t = pos - fl, a = v[lo], b = v[hi], diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

int ws_percentile_should_prune(const ws_pruner_cfg *cfg, const ws_history *h, const ws_trial *cur,
                               ws_prune_decision *out)
{
    long long step = ws_trial_last_step(cur);   /* 64 bits, as the store keeps steps */
    size_t n_complete = 0, n_hist = h->trials ? h->trials->n : 0;
    for (size_t i = 0; i < n_hist; i++) n_complete += h->trials->v[i].state == WS_COMPLETE;
    if (n_complete == 0 && cfg->n_startup_trials == 0) {
        /* "startup: 0 of 0 completed trials" read as a start-up done: Optuna judges nothing before
         * a first trial completes, whatever n_startup_trials says */
        snprintf(out->reason, sizeof out->reason, "no completed trial yet to compare with");
        return 0;
    }
    if (n_complete == 0 || (long)n_complete < cfg->n_startup_trials) {
        snprintf(out->reason, sizeof out->reason, "startup: %zu of %ld completed trials", n_complete, cfg->n_startup_trials);
        return 0;
    }
    if (!ws_pruner_judges_step(cfg, cur, step, out)) return 0;
    double best = NAN;
    for (size_t i = 0; i < cur->n_ivs; i++) {
        double v = cur->ivs[i].value;
        if (isnan(v)) continue;
        if (isnan(best) || (h->direction == WS_MAXIMIZE ? v > best : v < best)) best = v;
    }
    if (isnan(best)) {
        out->prune = 1;
        snprintf(out->reason, sizeof out->reason, "all intermediate values are NaN");
        return 0;
    }
    double *vals = malloc((n_complete + 1) * sizeof *vals);
    size_t n_at_step = 0, n = 0;   /* Optuna counts NaN values towards n_min_trials */
    for (size_t i = 0; vals && i < n_hist; i++) {
        double v;
        const ws_trial *t = &h->trials->v[i];
        if (t->state != WS_COMPLETE || ws_trial_iv_at(t, step, &v)) continue;
        n_at_step++;
        if (!isnan(v)) vals[n++] = v;
    }
    if ((long)n_at_step < cfg->n_min_trials || n == 0) {
        snprintf(out->reason, sizeof out->reason, "%zu completed trial%s reported step %lld (need %ld%s)", n_at_step, ws_plural(n_at_step), step,
                 cfg->n_min_trials, n_at_step && !n ? ", all NaN" : "");
        free(vals);
        return 0;
    }
    double q = h->direction == WS_MAXIMIZE ? 100 - cfg->percentile : cfg->percentile;
    double p = percentile_linear(vals, n, q);
    free(vals);
    out->prune = h->direction == WS_MAXIMIZE ? best < p : best > p;
    if (isnan(p)) {   /* numpy's lerp next to an infinite value (inf - inf, inf * 0): nothing compares */
        snprintf(out->reason, sizeof out->reason, "best %.6g kept: the %g%% percentile of %zu completed trial%s at step %lld "
                 "is NaN (numpy interpolates it next to an infinite value), so nothing is %s it", best, cfg->percentile, n,
                 ws_plural(n), step, h->direction == WS_MAXIMIZE ? "below" : "above");
        return 0;
    }
    snprintf(out->reason, sizeof out->reason, "best %.6g %s the %g%% percentile %.6g of %zu completed trial%s at step %lld",
             best, out->prune ? (h->direction == WS_MAXIMIZE ? "below" : "above") : "within", cfg->percentile, p, n,
             ws_plural(n), step);
    return 0;
}
