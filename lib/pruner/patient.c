/* patient.c — Optuna's PatientPruner: with more than patience+1 reported steps, compare the
 * best value before the last patience+1 steps with the best of those steps; when the recent
 * ones did not improve by more than min_delta, prune (or ask the wrapped pruner). NaNs are
 * ignored; when either side is all NaN there is no verdict (numpy's nanmin gives NaN, and Optuna compares
 * NaN as false, so it keeps the trial). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "core/text.h"
#include "pruner/pruner.h"
#include "space/config.h"

static double best_of(const ws_iv *v, size_t n, int maximize)
{
    double b = NAN;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i].value)) continue;
        if (isnan(b) || (maximize ? v[i].value > b : v[i].value < b)) b = v[i].value;
    }
    return b;
}

int ws_patient_should_prune(const ws_pruner_cfg *cfg, const ws_history *h, const ws_trial *cur,
                            ws_prune_decision *out, ws_err *e)
{
    if (cur->n_ivs == 0) { snprintf(out->reason, sizeof out->reason, "no intermediate value reported"); return 0; }
    size_t keep = (size_t)cfg->patience + 1;
    if (cur->n_ivs <= keep) {
        snprintf(out->reason, sizeof out->reason, "patience: %zu step%s reported, need more than %zu", cur->n_ivs, ws_plural(cur->n_ivs), keep);
        return 0;
    }
    int maximize = h->direction == WS_MAXIMIZE;
    size_t nb = cur->n_ivs - keep;   /* ivs are sorted by step */
    double before = best_of(cur->ivs, nb, maximize), after = best_of(cur->ivs + nb, keep, maximize);
    if (isnan(before) || isnan(after)) {   /* no comparison: not stalled, as Optuna's NaN compares false */
        if (isnan(after)) snprintf(out->reason, sizeof out->reason, "no verdict: the last %zu step%s reported only NaN", keep, ws_plural(keep));
        else snprintf(out->reason, sizeof out->reason, "no verdict: the steps before the last %zu reported only NaN", keep);
        return 0;
    }
    int stalled = maximize ? before - cfg->min_delta > after : before + cfg->min_delta < after;
    if (!stalled) {
        snprintf(out->reason, sizeof out->reason, "improving: best of the last %zu step%s %.6g vs %.6g before", keep, ws_plural(keep), after, before);
        return 0;
    }
    if (!cfg->wrapped) {
        out->prune = 1;
        snprintf(out->reason, sizeof out->reason, "no improvement over %ld step%s (best %.6g vs %.6g before)",
                 cfg->patience, ws_plural((size_t)cfg->patience), after, before);
        return 0;
    }
    if (ws_pruner_should_prune(cfg->wrapped, h, cur, out, e)) return -1;
    char tmp[sizeof out->reason];
    snprintf(tmp, sizeof tmp, "no improvement over %ld step%s; %.24s: %.180s", cfg->patience, ws_plural((size_t)cfg->patience), cfg->wrapped->name, out->reason);
    memcpy(out->reason, tmp, sizeof tmp);
    return 0;
}
