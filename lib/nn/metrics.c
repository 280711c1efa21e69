/* metrics.c — classification metrics from a confusion matrix: accuracy, per-class precision,
 * recall and F1 (0 where undefined, like sklearn's zero_division=0), the positive class against
 * the rest (F1, false-positive and false-rejection rates), and an operating point at a maximum
 * false-positive rate from positive-class scores (train-trial's validations and --evaluate). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "core/numsum.h"
#include "nn/nn.h"

int nn_metrics_init(nn_metrics *mt, int k, ws_err *e)
{
    mt->k = k;
    mt->confusion = k > 0 ? calloc((size_t)k * k, sizeof *mt->confusion) : NULL;
    if (!mt->confusion) return ws_err_set(e, k > 0 ? WS_EINTERNAL : WS_EINPUT, "metrics: cannot hold %d classes", k);
    return 0;
}

void nn_metrics_release(nn_metrics *mt)
{
    free(mt->confusion);
    mt->confusion = NULL;
}

void nn_metrics_reset(nn_metrics *mt) { memset(mt->confusion, 0, (size_t)mt->k * mt->k * sizeof *mt->confusion); }

void nn_metrics_add_one(nn_metrics *mt, int label, int predicted)
{
    if (label < 0 || label >= mt->k || predicted < 0 || predicted >= mt->k) return;
    mt->confusion[(size_t)label * mt->k + predicted]++;
}

int nn_argmax(const float *z, int k)
{
    int best = 0;
    for (int c = 1; c < k; c++) if (z[c] > z[best]) best = c;
    return best;
}

void nn_metrics_add(nn_metrics *mt, const float *logits, const int *labels, int n)
{
    for (int i = 0; i < n; i++) nn_metrics_add_one(mt, labels[i], nn_argmax(logits + (size_t)i * mt->k, mt->k));
}

long nn_metrics_total(const nn_metrics *mt)
{
    long s = 0;
    for (size_t i = 0; i < (size_t)mt->k * mt->k; i++) s += mt->confusion[i];
    return s;
}

double nn_metrics_accuracy(const nn_metrics *mt)
{
    long total = nn_metrics_total(mt), right = 0;
    for (int c = 0; c < mt->k; c++) right += mt->confusion[(size_t)c * mt->k + c];
    return total ? (double)right / (double)total : 0.0;
}

static double ratio(long a, long b) { return b ? (double)a / (double)b : 0.0; }

/* F1 from the counts, 2 TP / (2 TP + FP + FN), one rounding as scikit-learn 1.3 has it, 0 without
 * a true positive (zero_division=0). 2 p r / (p + r) from the rounded precision and recall gave
 * equal F1s as different doubles (1/8 as 0.125 or 0.12500000000000003, by the counts), so that a
 * validation or trial no better than another won the tie by that last bit (early stopping, the
 * best weights, the best trial). */
static double f1_of(long tp, long fp, long fn) { return tp ? (2.0 * (double)tp) / (double)(2 * tp + fp + fn) : 0.0; }

void nn_metrics_class(const nn_metrics *mt, int c, double *precision, double *recall, double *f1)
{
    long tp = mt->confusion[(size_t)c * mt->k + c], pred = 0, real = 0;
    for (int i = 0; i < mt->k; i++) {
        pred += mt->confusion[(size_t)i * mt->k + c];
        real += mt->confusion[(size_t)c * mt->k + i];
    }
    if (precision) *precision = ratio(tp, pred);
    if (recall) *recall = ratio(tp, real);
    if (f1) *f1 = f1_of(tp, pred - tp, real - tp);
}

/* The mean F1 over every class as scikit-learn 1.3's f1_score(average="macro"): numpy.mean of
 * the per-class F1s, summed in numpy's order (ws_sum_numpy), so that from 8 classes on the last
 * digit is numpy's too (a left-to-right sum differed there for some confusions). */
double nn_metrics_macro_f1(const nn_metrics *mt)
{
    if (mt->k < 1) return 0.0;
    double *f = malloc((size_t)mt->k * sizeof *f);
    if (!f) return NAN;   /* written as null: no mean rather than another one */
    for (int c = 0; c < mt->k; c++) nn_metrics_class(mt, c, NULL, NULL, &f[c]);
    double mean = ws_sum_numpy(f, (size_t)mt->k) / mt->k;
    free(f);
    return mean;
}

void nn_metrics_positive(const nn_metrics *mt, int pos, double *f1, double *fpr, double *frr)
{
    long tp = 0, fp = 0, fn = 0, tn = 0;
    for (int t = 0; t < mt->k; t++)
        for (int p = 0; p < mt->k; p++) {
            long v = mt->confusion[(size_t)t * mt->k + p];
            if (t == pos) { if (p == pos) tp += v; else fn += v; }
            else { if (p == pos) fp += v; else tn += v; }
        }
    if (f1) *f1 = f1_of(tp, fp, fn);
    if (fpr) *fpr = ratio(fp, fp + tn);
    if (frr) *frr = ratio(fn, tp + fn);
}

double nn_metrics_binary_accuracy(const nn_metrics *mt, int pos)
{
    long wrong = 0;
    for (int t = 0; t < mt->k; t++)
        for (int p = 0; p < mt->k; p++)
            if ((t == pos) != (p == pos)) wrong += mt->confusion[(size_t)t * mt->k + p];
    long n = nn_metrics_total(mt);
    return ratio(n - wrong, n);
}

json_t *nn_metrics_json(const nn_metrics *mt, const char *const *names, int positive)
{
    json_t *j = json_object(), *per = json_object(), *conf = json_array();
    if (!j || !per || !conf) { json_decref(j); json_decref(per); json_decref(conf); return NULL; }
    json_object_set_new(j, "accuracy", ws_json_number(nn_metrics_accuracy(mt)));
    json_object_set_new(j, "macro_f1", ws_json_number(nn_metrics_macro_f1(mt)));
    for (int c = 0; c < mt->k; c++) {
        double p, r, f;
        long support = 0;
        char fallback[32];
        nn_metrics_class(mt, c, &p, &r, &f);
        for (int i = 0; i < mt->k; i++) support += mt->confusion[(size_t)c * mt->k + i];
        snprintf(fallback, sizeof fallback, "%d", c);
        json_object_set_new(per, names ? names[c] : fallback,
                            json_pack("{s:o,s:o,s:o,s:I}", "precision", ws_json_number(p), "recall", ws_json_number(r),
                                      "f1", ws_json_number(f), "support", (json_int_t)support));
        json_t *row = json_array();
        for (int i = 0; i < mt->k; i++) json_array_append_new(row, json_integer(mt->confusion[(size_t)c * mt->k + i]));
        json_array_append_new(conf, row);
    }
    json_object_set_new(j, "per_class", per);
    json_object_set_new(j, "confusion", conf);
    if (positive >= 0 && positive < mt->k) nn_metrics_wake_json(j, mt, positive);
    return j;
}

void nn_metrics_wake_json(json_t *j, const nn_metrics *mt, int positive)
{
    double f1, fpr, frr;
    long pos = 0, n = nn_metrics_total(mt);
    for (int p = 0; p < mt->k; p++) pos += mt->confusion[(size_t)positive * mt->k + p];
    nn_metrics_positive(mt, positive, &f1, &fpr, &frr);
    json_object_set_new(j, "f1", pos ? ws_json_number(f1) : json_null());
    json_object_set_new(j, "fpr", n - pos ? ws_json_number(fpr) : json_null());
    json_object_set_new(j, "frr", pos ? ws_json_number(frr) : json_null());
    /* of no clip at all: undefined, as accuracy is (it read 0.0, "every clip wrong") */
    json_object_set_new(j, "binary_accuracy", n ? ws_json_number(nn_metrics_binary_accuracy(mt, positive)) : json_null());
}

typedef struct { float s; int pos, nan; } scored;

/* Highest score first; NaN scores last, together (NaN equals nothing, so they cannot be
 * compared as scores: qsort would get no order and the tie groups below would never end). */
static int by_score_desc(const void *a, const void *b)
{
    const scored *p = a, *q = b;
    if (p->nan || q->nan) return p->nan - q->nan;
    return (p->s < q->s) - (p->s > q->s);
}

int nn_operating_point_at_fpr(const float *scores, const int *is_positive, size_t n, double max_fpr,
                              nn_operating_point *out, ws_err *e)
{
    scored *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return ws_err_set(e, WS_ENOMEM, "metrics: out of memory");
    long npos = 0, nneg = 0;
    for (size_t i = 0; i < n; i++) {
        v[i].s = scores[i];
        v[i].nan = isnan(scores[i]) != 0;
        v[i].pos = is_positive[i] != 0;
        if (v[i].pos) npos++; else nneg++;
    }
    qsort(v, n, sizeof *v, by_score_desc);
    /* Lower the threshold group by group (ties together) while the FPR stays within bounds. A
     * NaN score (weights gone bad) is >= no threshold: its clip is never accepted, a false
     * rejection when it is the wake word, so the search ends where the NaN scores begin (it took
     * them for -inf and accepted them at a threshold of -inf, which reads null: nothing accepted). */
    long tp = 0, fp = 0, best_tp = 0, best_fp = 0;
    double thr = INFINITY;
    for (size_t i = 0; i < n && !v[i].nan;) {
        size_t j = i;
        long gtp = 0, gfp = 0;
        while (j < n && !v[j].nan && v[j].s == v[i].s) { if (v[j].pos) gtp++; else gfp++; j++; }
        if (ratio(fp + gfp, nneg) > max_fpr) break;
        tp += gtp; fp += gfp;
        best_tp = tp; best_fp = fp;
        thr = v[i].s;
        i = j;
    }
    free(v);
    out->threshold = thr;
    out->fpr = ratio(best_fp, nneg);
    out->frr = npos ? ratio(npos - best_tp, npos) : 0.0;
    out->f1 = f1_of(best_tp, best_fp, npos - best_tp);
    return 0;
}

json_t *nn_operating_point_json(const float *scores, const int *is_positive, size_t n, double max_fpr, ws_err *e)
{
    nn_operating_point op;
    size_t npos = 0;
    for (size_t i = 0; i < n; i++) npos += is_positive[i] != 0;
    /* no clip at all: nothing to set a threshold on, every value but the limit asked for is
     * undefined (null), as each is without the clips it needs; the object keeps its keys */
    if (!n)
        return json_pack("{s:o,s:n,s:n,s:n,s:n}", "max_fpr", ws_json_number(max_fpr), "threshold", "f1", "fpr", "frr");
    if (nn_operating_point_at_fpr(scores, is_positive, n, max_fpr, &op, e)) return json_null();
    /* the threshold is +inf when no score keeps the false positives under the limit: null */
    return json_pack("{s:o,s:o,s:o,s:o,s:o}", "max_fpr", ws_json_number(max_fpr), "threshold", ws_json_number(op.threshold),
                     "f1", npos ? ws_json_number(op.f1) : json_null(), "fpr", npos < n ? ws_json_number(op.fpr) : json_null(),
                     "frr", npos ? ws_json_number(op.frr) : json_null());
}

void nn_positive_scores(float *logits, int n, int k, int positive, float *scores)
{
    nn_softmax(logits, n, k, logits);
    for (int i = 0; i < n; i++) scores[i] = logits[(size_t)i * (size_t)k + (size_t)positive];
}
