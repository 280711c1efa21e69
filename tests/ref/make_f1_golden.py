#!/usr/bin/python3
"""make_f1_golden.py — reference F1 values for test_nn_train.c's test_f1_exact (lib/nn/metrics.c).

F1 = 2 TP / (2 TP + FP + FN), 0 where TP is 0 (scikit-learn's zero_division=0): the exact
rational, rounded once to the nearest double (Fraction), which is also what scikit-learn 1.3's
precision_recall_fscore_support computes ((1 + beta^2) tp / ((1 + beta^2) tp + beta^2 fn + fp),
one division of exact integers). Equal F1s from other counts are then the same double, which
2 p r / (p + r) from the rounded p and r did not give them: F1 1/8 was 0.125 from TP 1, FP 3,
FN 11 and 0.12500000000000003 from TP 1, FP 4, FN 10; 1/6 was 0.16666666666666669 from TP 1,
FP 1, FN 9 and 0.16666666666666666 from TP 1, FP 2, FN 8 (the first "better" than the second).

Run: /usr/bin/python3 tests/ref/make_f1_golden.py  (prints the C table to paste)
"""
from fractions import Fraction

CASES = [  # (tp, fp, fn)
    (1, 3, 11), (1, 4, 10), (1, 1, 9), (1, 2, 8), (1, 9, 9), (1, 8, 10), (2, 3, 0), (2, 1, 2),
    (4, 6, 0), (1, 0, 1), (2, 0, 1), (3, 1, 1), (7, 4, 9), (13, 5, 8), (5, 1, 0), (0, 3, 2),
    (0, 0, 0), (1, 0, 0),
]

for tp, fp, fn in CASES:
    f1 = float(Fraction(2 * tp, 2 * tp + fp + fn)) if tp else 0.0
    print(f"        {{{tp}, {fp}, {fn}, {f1!r}}},")
