/* threshold.c — Optuna's ThresholdPruner: after the warm-up, at the first report of each
 * interval, prune when the latest value is NaN or outside [lower, upper]. */
#include <math.h>
#include <stdio.h>
#include "pruner/pruner.h"

int ws_threshold_should_prune(const ws_pruner_cfg *cfg, const ws_trial *cur, ws_prune_decision *out)
{
    long long step = ws_trial_last_step(cur);   /* 64 bits, as the store keeps steps */
    if (!ws_pruner_judges_step(cfg, cur, step, out)) return 0;
    double v = cur->ivs[cur->n_ivs - 1].value;
    if (isnan(v)) {
        out->prune = 1;
        snprintf(out->reason, sizeof out->reason, "value at step %lld is NaN", step);
    } else if (v < cfg->lower || v > cfg->upper) {
        out->prune = 1;
        snprintf(out->reason, sizeof out->reason, "value %.6g at step %lld is %s %.6g", v, step,
                 v < cfg->lower ? "below the lower bound" : "above the upper bound", v < cfg->lower ? cfg->lower : cfg->upper);
    } else {
        snprintf(out->reason, sizeof out->reason, "value %.6g at step %lld is within [%g, %g]", v, step, cfg->lower, cfg->upper);
    }
    return 0;
}
