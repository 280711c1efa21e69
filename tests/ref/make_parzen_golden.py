#!/usr/bin/python3
"""Golden values for tests/unit/test_parzen.c: the Parzen estimator of TPE computed directly from
its definition with numpy (written from the formulas in ../shared/reference/optuna.md and the
TPE papers; it imports neither Optuna nor anything of ours).

For each case: the observations (internal values) and distributions, and the expected mixture
weights, kernel centres and bandwidths (kernel space), categorical kernel rows, and the mixture
log-density at query points. Also reference values of log Phi(x) and of the log Gaussian mass
log(Phi(b) - Phi(a)), computed with a continued fraction for erfc in the far tails.

    /usr/bin/python3 tests/ref/make_parzen_golden.py    # rewrites tests/ref/parzen/golden.json
"""
import json
import math
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "parzen")


# ---- the normal distribution, from scratch ----

def log_erfc_cf(x):
    """log erfc(x) for x > 3 by the Laplace continued fraction, evaluated bottom-up."""
    t = 0.0
    for k in range(200, 0, -1):
        t = (k / 2.0) / (x + t)
    return -x * x - 0.5 * math.log(math.pi) - math.log(x + t)


def log_phi_cdf(x):
    """log of the standard normal CDF."""
    z = -x / math.sqrt(2.0)
    if z > 5:
        return math.log(0.5) + log_erfc_cf(z)
    if x > 5:
        return math.log1p(-0.5 * math.erfc(x / math.sqrt(2.0)))
    return math.log(0.5 * math.erfc(z))


def log_mass(a, b):
    """log(Phi(b) - Phi(a)) for a < b, by symmetry on the side where the tail is small."""
    if a >= b:
        return -math.inf
    if a > 0:
        a, b = -b, -a
    lb, la = log_phi_cdf(b), log_phi_cdf(a)
    if b <= 0:
        return lb + math.log1p(-math.exp(la - lb))
    # a <= 0 < b: 1 - Phi(a) - (1 - Phi(b))
    return math.log1p(-0.5 * math.erfc(-a / math.sqrt(2.0)) - 0.5 * math.erfc(b / math.sqrt(2.0)))


# ---- the estimator ----

def obs_weights(n, rule):
    if rule == "uniform" or n < 25:
        return np.ones(n)
    m = n - 25
    return np.concatenate([np.linspace(1.0 / n, 1.0, m), np.ones(25)])


def kernel_space(d, opts):
    """(low, high, cells, q, log) of a numeric distribution."""
    if d["type"] == "int" and d["log"]:
        return math.log(d["low"] - 0.5), math.log(d["high"] + 0.5), (2 if opts["log_int_cells"] else 0), 0.0, True
    if d["log"]:
        return math.log(d["low"]), math.log(d["high"]), 0, 0.0, True
    step = d.get("step", 0) or (1 if d["type"] == "int" else 0)
    if step:
        return d["low"] - step / 2.0, d["high"] + step / 2.0, 1, float(step), False
    return float(d["low"]), float(d["high"]), 0, 0.0, False


def bandwidths(mus, low, high, n_dims, opts):
    m = len(mus) - 1          # observations; the prior is last
    rng = high - low
    if opts["bandwidth"] == "scott":
        sig = np.full(len(mus), 0.2 * max(m, 1) ** (-1.0 / (n_dims + 4)) * rng)
    else:
        order = np.argsort(mus, kind="stable")
        s = np.concatenate([[low], mus[order], [high]])
        left, right = s[1:-1] - s[:-2], s[2:] - s[1:-1]
        ss = np.maximum(left, right)
        if not opts["endpoints"] and len(s) >= 4:
            ss[0] = right[0]
            ss[-1] = left[-1]
        sig = np.empty(len(mus))
        sig[order] = ss
    lo = rng / min(100.0, 1.0 + len(mus)) if opts["magic_clip"] else 1e-12
    sig = np.clip(sig * opts["bw_scale"], lo, rng)
    sig[-1] = rng
    return sig


def build(case):
    opts, dists, obs = case["opts"], case["dists"], np.asarray(case["obs"], dtype=float).reshape(-1, len(case["dists"]))
    n = obs.shape[0]
    w = np.concatenate([obs_weights(n, opts["weights"]), [opts["prior_weight"]]])
    w = w / w.sum()
    dims = []
    for j, d in enumerate(dists):
        if d["type"] == "categorical":
            C = d["n_choices"]
            rows = np.full((n + 1, C), opts["prior_weight"] * opts["cat_smoothing"] / (n + 1))
            for i in range(n):
                rows[i, int(obs[i, j])] += 1.0
            rows /= rows.sum(axis=1, keepdims=True)
            dims.append({"probs": rows})
            continue
        low, high, cells, q, lg = kernel_space(d, opts)
        x = np.log(obs[:, j]) if lg else obs[:, j]
        mus = np.concatenate([x, [(low + high) / 2.0]])
        sig = bandwidths(mus, low, high, len(dists), opts)
        dims.append({"mu": mus, "sigma": sig, "low": low, "high": high, "cells": cells, "q": q, "log": lg, "d": d,
                     "heights": opts["kernel_heights"]})
    return w, dims


def log_pdf(w, dims, point):
    terms = np.log(w).copy()
    for dim, v in zip(dims, point):
        if "probs" in dim:
            terms += np.log(dim["probs"][:, int(v)])
            continue
        low, high = dim["low"], dim["high"]
        x = math.log(v) if dim["log"] else v
        for k, (mu, s) in enumerate(zip(dim["mu"], dim["sigma"])):
            z_norm = log_mass((low - mu) / s, (high - mu) / s)
            if dim["cells"] == 0:
                z = (x - mu) / s
                # "height" kernels (Optuna 3.1.0's log-density) leave out -log(sigma)
                terms[k] += -0.5 * z * z - 0.5 * math.log(2 * math.pi) - (0 if dim["heights"] else math.log(s)) - z_norm
            else:
                if dim["cells"] == 1:
                    a, b = max(x - dim["q"] / 2, low), min(x + dim["q"] / 2, high)
                else:
                    d = dim["d"]
                    a, b = math.log(max(v - 0.5, d["low"] - 0.5)), math.log(min(v + 0.5, d["high"] + 0.5))
                terms[k] += log_mass((a - mu) / s, (b - mu) / s) - z_norm
    mx = terms.max()
    return float(mx + math.log(np.exp(terms - mx).sum()))


def grid(d, rng, k=6):
    """Query values of one distribution: range ends, grid points, a few random ones."""
    if d["type"] == "categorical":
        return list(range(d["n_choices"]))
    if d["type"] == "int" or d.get("step"):
        step = d.get("step") or 1
        pts = list(np.arange(d["low"], d["high"] + step / 2, step))
        return [float(p) for p in (pts if len(pts) <= 12 else pts[:4] + pts[-4:] + list(rng.choice(pts, 4)))]
    if d["log"]:
        return [d["low"], d["high"]] + list(np.exp(rng.uniform(math.log(d["low"]), math.log(d["high"]), k)))
    return [d["low"], d["high"]] + list(rng.uniform(d["low"], d["high"], k))


def draw(d, rng, n):
    return [rng.choice(grid(d, rng, 20)) if d["type"] != "float" or d.get("step") else
            (float(np.exp(rng.uniform(math.log(d["low"]), math.log(d["high"])))) if d["log"]
             else float(rng.uniform(d["low"], d["high"]))) for _ in range(n)]


def case(name, dists, n, opts=None, seed=0, obs=None):
    rng = np.random.default_rng(seed)
    o = {"prior_weight": 1.0, "magic_clip": True, "endpoints": False, "bandwidth": "neighbour",
         "weights": "ramp", "log_int_cells": False, "bw_scale": 1.0, "cat_smoothing": 1.0, "kernel_heights": False}
    o.update(opts or {})
    if obs is None:
        cols = [draw(d, rng, n) for d in dists]
        obs = [[float(cols[j][i]) for j in range(len(dists))] for i in range(n)]
    c = {"name": name, "opts": o, "dists": dists, "obs": obs}
    w, dims = build(c)
    if len(dists) == 1:
        points = [[v] for v in grid(dists[0], rng)]
    else:
        points = [[float(x) for x in p] for p in zip(*[draw(d, rng, 10) for d in dists])]
    c["weights"] = list(w)
    c["kernels"] = [{"probs": [list(r) for r in dm["probs"]]} if "probs" in dm else
                    {"mu": list(dm["mu"]), "sigma": list(dm["sigma"])} for dm in dims]
    c["points"] = points
    c["log_pdf"] = [log_pdf(w, dims, p) for p in points]
    return c


def main():
    F = lambda lo, hi, step=0, log=False: {"type": "float", "low": lo, "high": hi, "step": step, "log": log}
    I = lambda lo, hi, step=1, log=False: {"type": "int", "low": lo, "high": hi, "step": step, "log": log}
    C = lambda n: {"type": "categorical", "n_choices": n}
    cases = [
        case("float", [F(-5.0, 10.0)], 6, seed=1),
        case("float_endpoints", [F(-5.0, 10.0)], 6, {"endpoints": True}, seed=2),
        case("float_one_obs", [F(0.0, 1.0)], 1, seed=3),
        case("float_prior_only", [F(0.0, 1.0)], 0, seed=4),
        case("float_prior_weight", [F(0.0, 2.0)], 5, {"prior_weight": 2.5}, seed=5),
        case("float_log", [F(1e-5, 1e-1, log=True)], 7, seed=6),
        case("float_step", [F(0.0, 3.0, step=0.25)], 8, seed=7),
        case("int", [I(0, 9)], 9, seed=8, obs=[[3.0], [3.0], [7.0], [0.0], [9.0], [4.0], [3.0], [8.0], [5.0]]),
        case("int_step", [I(16, 256, step=16)], 7, seed=9),
        case("int_log_continuous", [I(1, 1000, log=True)], 6, seed=10),
        case("int_log_cells", [I(1, 64, log=True)], 6, {"log_int_cells": True}, seed=11),
        case("categorical", [C(4)], 7, seed=12),
        case("categorical_prior2", [C(3)], 5, {"prior_weight": 2.0}, seed=13),
        case("ramp_weights_40", [F(-1.0, 1.0)], 40, seed=14),
        case("uniform_weights_40", [F(-1.0, 1.0)], 40, {"weights": "uniform"}, seed=15),
        case("no_magic_clip", [F(0.0, 1.0)], 5, {"magic_clip": False}, seed=16,
             obs=[[0.5], [0.5001], [0.5002], [0.9], [0.1]]),
        case("magic_clip_dense", [F(0.0, 1.0)], 5, seed=17, obs=[[0.5], [0.5001], [0.5002], [0.9], [0.1]]),
        case("scott_3d", [F(-5.0, 10.0), I(1, 20, step=1), C(3)], 12, {"bandwidth": "scott"}, seed=18),
        case("scott_log_2d", [F(1e-4, 1.0, log=True), F(0.0, 1.0, step=0.1)], 30, {"bandwidth": "scott"}, seed=19),
        case("neighbour_4d", [F(0.0, 1.0), F(0.0, 1.0), I(0, 5, step=1), C(5)], 15, seed=20),
        case("scott_prior_only_2d", [F(0.0, 1.0), C(2)], 0, {"bandwidth": "scott"}, seed=21),
        case("heights_optuna31", [F(-5.0, 10.0), I(1, 100, log=True), I(0, 8, step=2)], 9, {"kernel_heights": True}, seed=22),
        case("wakesweep_opts", [F(1e-5, 1e-1, log=True), I(16, 256, step=16), C(4), F(0.0, 0.5)], 14,
             {"bw_scale": 0.7, "cat_smoothing": 2.0, "weights": "uniform", "log_int_cells": True}, seed=23),
        case("wakesweep_opts_40", [F(0.0, 1.0), C(3)], 40, {"bw_scale": 0.7, "cat_smoothing": 2.0, "weights": "uniform"},
             seed=24),
    ]
    xs = [-45.0, -38.5, -30.0, -20.5, -19.5, -8.0, -1.0, 0.0, 0.5, 3.0, 6.5, 9.0]
    ab = [(-1.0, 1.0), (2.0, 3.0), (-3.0, -2.0), (5.0, 6.0), (-40.0, -39.5), (30.0, 31.0), (-0.5, 40.0),
          (-60.0, 60.0), (7.0, 7.001), (-7.001, -7.0)]
    out = {"generator": "tests/ref/make_parzen_golden.py", "cases": cases,
           "log_ndtr": [[x, log_phi_cdf(x)] for x in xs],
           "log_gauss_mass": [[a, b, log_mass(a, b)] for a, b in ab]}
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "golden.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print("%s: %d cases" % (path, len(cases)))


if __name__ == "__main__":
    main()
