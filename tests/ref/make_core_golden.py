#!/usr/bin/env python3
"""Golden files for lib/core and lib/space, from the independent references: Python's repr of
floats (what json.dumps writes) and the distribution JSON that Optuna 3.1 itself writes.
Run with Debian's /usr/bin/python3:  /usr/bin/python3 tests/ref/make_core_golden.py"""
import json, os, random, struct

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "core")
os.makedirs(here, exist_ok=True)

rng = random.Random(20261123)
values = [0.0, -0.0, 1.0, 0.1, 0.93, 1e-4, 1e-5, 123456789.0, 1e16, 1e22, 2.5e-300, 5e-324,
          1.7976931348623157e308, 0.1 + 0.2, 1 / 3, 100.0, 0.000316045386860447]
values += [rng.uniform(-1, 1) * 10 ** rng.randint(-12, 12) for _ in range(400)]
values += [struct.unpack("<d", struct.pack("<Q", rng.getrandbits(62)))[0] for _ in range(100)]
with open(os.path.join(here, "float_repr.txt"), "w") as f:
    for v in values:
        f.write("%016x %s\n" % (struct.unpack("<Q", struct.pack("<d", v))[0], json.dumps(v)))

import optuna.distributions as D
dists = [
    D.FloatDistribution(1e-4, 1e-2, log=True), D.FloatDistribution(0.0, 1.0, step=0.1),
    D.FloatDistribution(-5, 5), D.IntDistribution(16, 128, step=16), D.IntDistribution(1, 1024, log=True),
    D.CategoricalDistribution([32, 64, 128]), D.CategoricalDistribution(["adam", None, 1.5, True, "é"]),
]
with open(os.path.join(here, "optuna_dists.txt"), "w") as f:
    for d in dists:
        f.write(D.distribution_to_json(d) + "\n")
