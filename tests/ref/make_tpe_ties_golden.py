#!/usr/bin/python3
"""Golden values for tests/unit/test_sampler_ties.c: how Optuna 3.1's TPE breaks ties among
kernel centres, from numpy and Optuna themselves (Debian's python3-numpy 1.24 and python3-optuna
3.1; nothing of ours is imported).

Optuna 3.1's _ParzenEstimator gives each kernel the distance to its farther neighbour among the
centres sorted by np.argsort(mus), numpy's default sort, which is not stable: of equal centres,
which gets the gap below and which the gap above is that sort's doing. Written here:

  argsort: arrays (ties, NaN, sorted, reversed, and one that drives numpy's introsort into its
           heapsort fallback) with the permutation np.argsort returns;
  parzen:  univariate observation sets full of ties, with the bandwidths Optuna 3.1's own
           _ParzenEstimator gives them (the prior's last).

    /usr/bin/python3 tests/ref/make_tpe_ties_golden.py   # rewrites tests/ref/sampler/ties.json
"""
import json
import math
import os

import numpy as np
import optuna
from optuna.distributions import FloatDistribution, IntDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sampler", "ties.json")


def enc(v):
    return "nan" if math.isnan(v) else float(v)


def median_of_3_killer(n):
    """An input on which the median-of-three pivot keeps making lopsided parts."""
    k = n // 2
    a = np.zeros(n)
    for i in range(0, k, 2):
        a[i] = i + 1
        if i + 1 < k:
            a[i + 1] = k + i + 1
    for i in range(k):
        a[k + i] = 2 * (i + 1)
    return a


def arrays():
    rng = np.random.default_rng(7)
    out = []
    for n in list(range(0, 41)) + [47, 64, 100, 129, 257]:
        out.append(rng.integers(0, 3, n).astype(float))
        out.append(rng.integers(0, 12, n).astype(float))
        out.append(np.where(rng.random(n) < 0.2, np.nan, rng.integers(0, 5, n).astype(float)))
    for n in (20, 33, 90):
        out.append(np.sort(rng.integers(0, 6, n)).astype(float))
        out.append(np.sort(rng.integers(0, 6, n)).astype(float)[::-1].copy())
        out.append(rng.normal(size=n))
    out.append(median_of_3_killer(1024))
    return out


def parzen_cases():
    D = {"int_1_9": ({"type": "int", "low": 1, "high": 9, "step": 1, "log": False}, IntDistribution(1, 9),
                     lambda r: float(r.integers(1, 10))),
         "int_0_10_prior_tie": ({"type": "int", "low": 0, "high": 10, "step": 1, "log": False}, IntDistribution(0, 10),
                                lambda r: float(r.integers(0, 11))),
         "int_step16": ({"type": "int", "low": 16, "high": 128, "step": 16, "log": False},
                        IntDistribution(16, 128, step=16), lambda r: float(16 * r.integers(1, 9))),
         "float_step": ({"type": "float", "low": 0.0, "high": 0.5, "step": 0.1, "log": False},
                        FloatDistribution(0.0, 0.5, step=0.1), lambda r: float(r.integers(0, 6)) / 10),
         "int_log": ({"type": "int", "low": 1, "high": 64, "step": 1, "log": True}, IntDistribution(1, 64, log=True),
                     lambda r: float(2 ** r.integers(0, 7)))}
    rng = np.random.default_rng(11)
    out = []
    for name, (ours, dist, draw) in D.items():
        for n in (12, 16, 17, 40, 75):
            obs = [draw(rng) for _ in range(n)]
            for endpoints in (False, True):
                p = _ParzenEstimatorParameters(True, 1.0, True, endpoints, default_weights, False)
                pe = _ParzenEstimator({"x": np.asarray(obs)}, {"x": dist}, p)
                out.append({"name": "%s_%d%s" % (name, n, "_endpoints" if endpoints else ""), "dist": ours,
                            "endpoints": endpoints, "obs": obs, "sigma": [float(s) for s in pe._sigmas["x"]],
                            "mu": [float(m) for m in pe._mus["x"]]})
    return out


def main():
    arr = [{"v": [enc(x) for x in a], "idx": [int(i) for i in np.argsort(a)]} for a in arrays()]
    out = {"generator": "tests/ref/make_tpe_ties_golden.py", "numpy": np.__version__, "optuna": optuna.__version__,
           "argsort": arr, "parzen": parzen_cases()}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print("%s: %d arrays, %d estimators" % (OUT, len(out["argsort"]), len(out["parzen"])))


if __name__ == "__main__":
    main()
