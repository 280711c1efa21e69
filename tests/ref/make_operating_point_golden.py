#!/usr/bin/python3
"""make_operating_point_golden.py — reference operating points for test_nn_train.c's
test_operating_point_nan (lib/nn/metrics.c, nn_operating_point_at_fpr), from the definition in
train-trial(1): the lowest score threshold t whose false-positive rate is at most max_fpr, a clip
accepted when score >= t. A NaN score is >= no threshold: such a clip is never accepted (a
false rejection when positive), yet counts in the positives or negatives. No threshold at all:
t = inf, nothing accepted (FPR 0, FRR 1). F1 with sklearn's zero_division=0, as 2 TP / (2 TP + FP + FN) (make_f1_golden.py).

Run: /usr/bin/python3 tests/ref/make_operating_point_golden.py  (prints the C table to paste)
"""
import math

import numpy as np

NAN = float("nan")
CASES = [  # (max_fpr, scores, is_positive)
    (1.0, [0.0, 0.7, 0.1, NAN], [0, 0, 0, 1]),
    (1.0, [1.0, NAN, 0.2, 0.1], [1, 1, 1, 1]),
    (1.0, [0.5, NAN, 0.2, 0.1], [1, 0, 0, 1]),
    (0.4, [0.5, NAN, 0.2, 0.1], [1, 0, 0, 1]),
    (1.0, [NAN, NAN, NAN], [1, 0, 1]),
]


def div(a, b):
    return a / b if b else 0.0


def operating_point(max_fpr, scores, pos):
    s = np.array(scores, dtype=np.float32)
    pos = np.array(pos, dtype=bool)
    npos, nneg = int(pos.sum()), int((~pos).sum())
    best = (math.inf, 0, 0)
    for t in sorted({float(v) for v in s if not np.isnan(v)}, reverse=True):
        acc = s >= np.float32(t)  # False for NaN
        tp, fp = int((acc & pos).sum()), int((acc & ~pos).sum())
        if div(fp, nneg) <= max_fpr:
            best = (t, tp, fp)
    t, tp, fp = best
    return t, div(fp, nneg), div(npos - tp, npos), div(2 * tp, tp + fp + npos)


for mf, s, p in CASES:
    t, fpr, frr, f1 = operating_point(mf, s, p)
    sc = ", ".join("NAN" if math.isnan(v) else f"{v}f" for v in s)
    print(f"    {{{mf}, {len(s)}, {{{sc}}}, {{{', '.join(map(str, p))}}}, "
          f"{'INFINITY' if math.isinf(t) else str(np.float32(t)) + 'f'}, {fpr!r}, {frr!r}, {f1!r}}},")
