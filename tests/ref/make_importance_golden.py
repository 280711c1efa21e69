#!/usr/bin/python3
"""Golden values for tests/unit/test_report_importance.c: PED-ANOVA importances (Watanabe et al.
2023) computed with numpy straight from the definition in lib/report/importance.h, for fixed
sample sets. It imports nothing of ours (and not Optuna, whose 3.1 has no PED-ANOVA); the C
code never writes this file.

Definition (importance.h): per parameter, the Pearson divergence sum((p_top - p_all)^2 / p_all)
between two 1-D Parzen estimators, one of the top-quantile trials, one of all trials:
  numeric: on u in [0, 1] (log-transformed for log params), Gaussian kernels truncated to [0, 1]
           with Scott's bandwidth max(0.05, 1.059 * min(sd, IQR/1.34) * m^-0.2) (sd when IQR = 0,
           0.05 when m < 2) plus a uniform prior of weight 1, integrated over 64 equal cells;
  categorical: (count + 1/K) / (m + 1).
Importances are the divergences normalised over the searched (non-single) parameters.

    /usr/bin/python3 tests/ref/make_importance_golden.py   # rewrites tests/ref/report/importance_golden.json
"""
import json
import math
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "report", "importance_golden.json")
CELLS, PRIOR, MIN_BW = 64, 1.0, 0.05
TOP_QUANTILE, MIN_TOP = 0.1, 5

erf = np.vectorize(math.erf)


def norm_cdf(z):
    return 0.5 * (1.0 + erf(np.asarray(z) / math.sqrt(2.0)))


def to_unit(p, v):
    lo, hi = p["low"], p["high"]
    if p.get("log"):
        lo, hi, v = math.log(lo), math.log(hi), math.log(v)
    return min(1.0, max(0.0, (v - lo) / (hi - lo)))


def scott(u):
    m = len(u)
    if m < 2:
        return MIN_BW
    sd = np.std(u, ddof=1)
    iqr = np.percentile(u, 75) - np.percentile(u, 25)
    spread = min(sd, iqr / 1.34) if iqr > 0 else sd
    return max(MIN_BW, 1.059 * spread * m ** -0.2)


def numeric_pmf(u):
    u = np.asarray(u, dtype=float)
    edges = np.linspace(0.0, 1.0, CELLS + 1)
    pmf = np.full(CELLS, PRIOR / CELLS)
    if len(u):
        h = scott(u)
        cdf = norm_cdf((edges[None, :] - u[:, None]) / h)          # (m, CELLS + 1)
        inside = cdf[:, -1] - cdf[:, 0]
        pmf += ((cdf[:, 1:] - cdf[:, :-1]) / inside[:, None]).sum(axis=0)
    return pmf / (len(u) + PRIOR)


def categorical_pmf(c, k):
    counts = np.bincount(np.asarray(c, dtype=int), minlength=k).astype(float)
    return (counts + PRIOR / k) / (len(c) + PRIOR)


def divergence(p, col, top):
    held = [i for i, v in enumerate(col) if v is not None]
    held_top = [i for i in held if top[i]]
    if not held_top or single(p):
        return 0.0
    if p["type"] == "categorical":
        pa = categorical_pmf([col[i] for i in held], p["n_choices"])
        pt = categorical_pmf([col[i] for i in held_top], p["n_choices"])
    else:
        pa = numeric_pmf([to_unit(p, col[i]) for i in held])
        pt = numeric_pmf([to_unit(p, col[i]) for i in held_top])
    return float(np.sum((pt - pa) ** 2 / pa))


def single(p):
    return p["n_choices"] <= 1 if p["type"] == "categorical" else not p["high"] > p["low"]


def case(name, params, rows, loss):
    n = len(rows)
    k = min(n, max(MIN_TOP, math.ceil(TOP_QUANTILE * n)))
    order = sorted(range(n), key=lambda i: (loss[i], i))
    rank = {i: r for r, i in enumerate(order)}
    top = [rank[i] < k for i in range(n)]
    divs = [divergence(p, [r[j] for r in rows], top) for j, p in enumerate(params)]
    searched = [not single(p) for p in params]
    total = sum(d for d, s in zip(divs, searched) if s)
    n_s = sum(searched)
    imps = [(d / total if total > 0 else 1.0 / n_s) if s else 0.0 for d, s in zip(divs, searched)]
    return {"name": name, "params": params, "x": rows, "is_top": [int(t) for t in top], "n_top": k,
            "divergence": divs, "importance": imps}


def mixed(rng, n):
    params = [
        {"name": "x", "type": "float", "low": -1.0, "high": 1.0, "log": False},
        {"name": "lr", "type": "float", "low": 1e-4, "high": 1e-1, "log": True},
        {"name": "channels", "type": "int", "low": 16, "high": 128, "step": 16, "log": False},
        {"name": "optimizer", "type": "categorical", "n_choices": 3},
        {"name": "momentum", "type": "float", "low": 0.8, "high": 0.99, "log": False},
        {"name": "model", "type": "categorical", "n_choices": 1},
        {"name": "batch", "type": "int", "low": 8, "high": 256, "log": True},
    ]
    rows, loss = [], []
    for _ in range(n):
        x = float(rng.uniform(-1, 1))
        lr = float(math.exp(rng.uniform(math.log(1e-4), math.log(1e-1))))
        ch = int(16 * rng.integers(1, 9))
        opt = int(rng.integers(0, 3))
        mom = float(rng.uniform(0.8, 0.99)) if opt == 2 else None
        batch = int(round(math.exp(rng.uniform(math.log(8), math.log(256)))))
        f = x * x + 0.5 * (opt != 1) + 0.05 * abs(math.log10(lr) + 2.5) + 0.001 * ch
        if mom is not None:
            f += 0.3 * (0.99 - mom)
        rows.append([x, lr, ch, opt, mom, 0, batch])
        loss.append(f)
    return params, rows, loss


def main():
    rng = np.random.default_rng(20230421)
    cases = []
    for name, n in (("mixed-60", 60), ("mixed-200", 200), ("mixed-12", 12)):
        params, rows, loss = mixed(rng, n)
        cases.append(case(name, params, rows, loss))
    # one-dimensional edge cases: every value the same, and a top set at the domain's edge
    p = [{"name": "a", "type": "float", "low": 0.0, "high": 1.0, "log": False},
         {"name": "b", "type": "float", "low": 0.0, "high": 1.0, "log": False}]
    rows = [[0.5, float(i) / 19] for i in range(20)]
    cases.append(case("constant-and-edge", p, rows, [float(i) for i in range(20)]))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"method": "PED-ANOVA", "cells": CELLS, "prior_weight": PRIOR, "min_bandwidth": MIN_BW,
                   "top_quantile": TOP_QUANTILE, "min_top": MIN_TOP, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
