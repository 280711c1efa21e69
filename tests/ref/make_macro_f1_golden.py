#!/usr/bin/python3
"""make_macro_f1_golden.py — reference macro F1 values for test_nn_train.c's test_macro_f1_numpy
(lib/nn/metrics.c, nn_metrics_macro_f1).

scikit-learn 1.3's f1_score(average="macro") is numpy.mean over the per-class F1 array
(np.average without weights), and numpy (1.24 here) sums a float64 array pairwise: eight running
sums for 8 to 128 elements, halves (at a multiple of 8) above that, left to right below 8. So
for 8 classes or more the mean can differ in its last digit from a left-to-right sum. Each
per-class F1 is 2 TP / (2 TP + FP + FN), 0 without a true positive, one division of exact
integers (make_f1_golden.py). The confusions are made by a formula the C test repeats
(confusion below), so that the table holds only K, SEED and the mean.

Run: /usr/bin/python3 tests/ref/make_macro_f1_golden.py  (prints the C table to paste)
"""
from fractions import Fraction
import numpy as np


def confusion(k, seed):
    """k x k counts [true][predicted], 0..12 off the diagonal's extra; some classes never right."""
    c = [[(seed * 31 + t * 17 + p * 7 + t * p) % 5 for p in range(k)] for t in range(k)]
    for t in range(k):
        c[t][t] = 0 if (t + seed) % 7 == 3 else c[t][t] + (t * 5 + seed) % 9
    return c


def f1s(c):
    k = len(c)
    out = []
    for i in range(k):
        tp, pred, real = c[i][i], sum(c[t][i] for t in range(k)), sum(c[i])
        out.append(float(Fraction(2 * tp, pred + real)) if tp else 0.0)
    return out


def left_to_right_mean(f):
    s = 0.0
    for x in f:
        s += x
    return s / len(f)


differ = 0
rows = []
for k in (1, 2, 5, 7, 8, 9, 12, 16, 17, 24, 35, 64, 128, 129, 200):
    for seed in range(3):
        m = float(np.mean(np.array(f1s(confusion(k, seed)), dtype=np.float64)))
        differ += m != left_to_right_mean(f1s(confusion(k, seed)))
        rows.append(f"        {{{k}, {seed}, {m!r}}},")
print("\n".join(rows))
print(f"/* {differ} of {len(rows)} differ from a left-to-right sum's mean */")
