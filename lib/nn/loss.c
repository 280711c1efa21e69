/* loss.c — the classification loss on host arrays (validation loss, tests) and balanced class
 * weights. The math is the backend's xent (nn/elementwise.h's focal term); see nn.h. */
#include <math.h>
#include <stdlib.h>
#include "nn/backend.h"
#include "nn/nn.h"

double nn_loss(const float *logits, const int *labels, int n, int k, const nn_loss_config *lc,
               float *dlogits, ws_err *e)
{
    static const nn_loss_config plain = {0};
    if (!lc) lc = &plain;
    for (int i = 0; i < n; i++)
        if (labels[i] < 0 || labels[i] >= k) {
            ws_err_set(e, WS_EINPUT, "loss: label %d of sample %d outside [0, %d)", labels[i], i, k);
            return NAN;
        }
    if (lc->class_weights && lc->n_class_weights != k) {
        ws_err_set(e, WS_EINPUT, "loss: %d class weights for %d classes", lc->n_class_weights, k);
        return NAN;
    }
    float *d = dlogits ? dlogits : malloc((size_t)n * k * sizeof *d + 1);
    if (!d) { ws_err_set(e, WS_ENOMEM, "loss: out of memory"); return NAN; }
    double l = nn_backend_cpu()->xent(n, k, logits, labels, lc->class_weights, (float)lc->label_smoothing,
                                      (float)lc->focal_gamma, 1.0f, d);
    if (!dlogits) free(d);
    return l;
}

int nn_loss_balance(nn_loss_config *lc, const long *class_counts, int k, ws_err *e)
{
    long total = 0;
    for (int c = 0; c < k; c++) total += class_counts[c];
    float *w = malloc((size_t)k * sizeof *w);
    if (!w) return ws_err_set(e, WS_ENOMEM, "loss: out of memory");
    for (int c = 0; c < k; c++)
        w[c] = class_counts[c] > 0 ? (float)((double)total / ((double)k * class_counts[c])) : 0.0f;
    free(lc->class_weights);
    lc->class_weights = w;
    lc->n_class_weights = k;
    return 0;
}
