#!/usr/bin/python3
"""make_numsum_golden.py — reference sums for test_core.c's test_sum_numpy (lib/core/numsum.c,
ws_sum_numpy): numpy 1.24's np.add.reduce of a contiguous float64 array, of arrays made by a
formula the C test repeats (value below: one division of two small integers, rounded alike by
Python and C), so that the table holds only N and the sum. Sizes up to past numpy's buffer of
8192 elements, which its reduction adds one after the other, each summed pairwise.

Run: /usr/bin/python3 tests/ref/make_numsum_golden.py  (prints the C table to paste)
"""
import numpy as np


def value(i):
    """the C test's v[i]: (i * 7919 % 1009 + 1) / (i * 31 % 97 + 1), every third negative"""
    v = (i * 7919 % 1009 + 1) / (i * 31 % 97 + 1)
    return -v if i % 3 == 0 else v


def left_to_right(a):
    s = 0.0
    for x in a:
        s += x
    return s


sizes = (0, 1, 7, 8, 9, 127, 128, 129, 200, 1000, 8191, 8192, 8193, 8200, 12000, 16384, 16385, 20000,
         40000, 100001)
rows, differ = [], 0
for n in sizes:
    a = np.array([value(i) for i in range(n)], dtype=np.float64)
    s = float(np.add.reduce(a))
    differ += s != left_to_right(a)
    rows.append(f"        {{{n}, {s.hex()}}},")
print("\n".join(rows))
print(f"/* numpy {np.__version__}; {differ} of {len(rows)} differ from a left-to-right sum */")
