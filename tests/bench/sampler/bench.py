#!/usr/bin/python3
"""Sampler benchmark: wakesweep's TPE (through driver.c) next to Optuna 3.1's samplers.

    make bench-sampler BUILD=... [BENCH_ARGS="--seeds 25 --parts quality,parallel,latency"]

quality   best-so-far regret (f(best) - f*) at 10, 25, 50 and 100 trials, median and IQR over
          the seeds, on Branin, Hartmann6, Rosenbrock-4D, a mixed space (log float, int with
          step, categorical, float) and a conditional space; Optuna's TPESampler (default,
          multivariate, and multivariate+group on the conditional space) and RandomSampler.
          Optuna's runs are cached in results/ (they take minutes); ours are rerun.
parallel  4 workers with the constant liar (the 3 others RUNNING at every suggestion): count of
          suggestions identical to a running trial, and regret next to the 1-worker run.
latency   one suggestion on a history of 100, 1000 and 5000 COMPLETE trials (mixed space):
          ws_sampler_suggest in the driver vs Optuna's study.ask() + suggest_* on the same
          history, in the same run.

Results go to stdout and results/latest.md (results/latest-PARTS.md for a partial run).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import warnings
from multiprocessing import Pool

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("WS_ROOT", os.path.abspath(os.path.join(HERE, "../../..")))
DRIVER = os.environ.get("SAMPLER_DRIVER", os.path.join(ROOT, "build/bench/sampler-driver"))
FUNCS = json.load(open(os.path.join(HERE, "functions.json")))
CHECKPOINTS = (10, 25, 50, 100)


# ---- the functions (the same as driver.c) ----

def branin(p):
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    u = p["x2"] - b * p["x1"] ** 2 + c * p["x1"] - 6
    return u * u + 10 * (1 - t) * math.cos(p["x1"]) + 10


_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
      [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
_ALPHA = [1.0, 1.2, 3.0, 3.2]


def hartmann6(p):
    x = [p["x%d" % j] for j in range(6)]
    return -sum(_ALPHA[i] * math.exp(-sum(_A[i][j] * (x[j] - _P[i][j] * 1e-4) ** 2 for j in range(6)))
                for i in range(4))


def rosenbrock4(p):
    x = [p["x%d" % j] for j in range(4)]
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(3))


def mixed(p):
    cost = {"relu": 0.3, "tanh": 0.6, "gelu": 0.0, "sigmoid": 1.0}
    u, v, d = math.log10(p["lr"]) + 2.7, (p["units"] - 144) / 80, p["dropout"] - 0.2
    return u * u + v * v + 0.5 * u * v + cost[p["act"]] + 4 * d * d


def conditional(p):
    f = (p["s"] - 0.3) ** 2
    if p["kind"] == "a":
        return f + 0.3 + (p["xa"] - 1) ** 2 / 10
    if p["kind"] == "b":
        return f + 0.2 + (math.log10(p["yb"]) + 1) ** 2 + 0.05 * (p["nb"] - 3) ** 2
    return f + 2 * (p["uc"] - 0.7) ** 2 + 2 * (p["vc"] - 0.2) ** 2


PYFUNCS = {"branin": branin, "hartmann6": hartmann6, "rosenbrock4": rosenbrock4, "mixed": mixed,
           "conditional": conditional}


def active(spec, params):
    when = spec.get("when")
    if not when:
        return True
    (parent, vals), = when.items()
    return parent in params and params[parent] in vals


def suggest(trial, name, spec):
    if spec["type"] == "float":
        return trial.suggest_float(name, spec["low"], spec["high"], log=spec.get("log", False), step=spec.get("step"))
    if spec["type"] == "int":
        return trial.suggest_int(name, spec["low"], spec["high"], step=spec.get("step", 1), log=spec.get("log", False))
    return trial.suggest_categorical(name, spec["choices"])


def objective(func):
    space, f = FUNCS[func]["space"], PYFUNCS[func]

    def obj(trial):
        params = {}
        for name, spec in space.items():
            if active(spec, params):
                params[name] = suggest(trial, name, spec)
        return f(params)
    return obj


# ---- Optuna's side ----

OPTUNA_VARIANTS = {
    "optuna-random": lambda s: ("random", {}),
    "optuna-tpe": lambda s: ("tpe", {}),
    "optuna-tpe-mv": lambda s: ("tpe", {"multivariate": True}),
    "optuna-tpe-mv-group": lambda s: ("tpe", {"multivariate": True, "group": True}),
}


def optuna_run(args):
    func, variant, seed, n_trials = args
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.filterwarnings("ignore")
    kind, kw = OPTUNA_VARIANTS[variant](seed)
    sampler = optuna.samplers.RandomSampler(seed=seed) if kind == "random" else \
        optuna.samplers.TPESampler(seed=seed, **kw)
    study = optuna.create_study(sampler=sampler)
    study.optimize(objective(func), n_trials=n_trials)
    return [t.value for t in study.trials]


def optuna_results(func, variant, seeds, n_trials, jobs):
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    path = os.path.join(HERE, "results", "%s_%s.json" % (variant, func))
    cache = json.load(open(path)) if os.path.exists(path) else {}
    todo = [s for s in range(seeds) if str(s) not in cache or len(cache[str(s)]) < n_trials]
    if todo:
        t0 = time.time()
        with Pool(jobs) as pool:
            out = pool.map(optuna_run, [(func, variant, s, n_trials) for s in todo])
        for s, v in zip(todo, out):
            cache[str(s)] = v
        json.dump(cache, open(path, "w"))
        print("  %s %s: %d runs in %.0f s" % (variant, func, len(todo), time.time() - t0), file=sys.stderr)
    return [cache[str(s)][:n_trials] for s in range(seeds)]


# ---- our side ----

def driver(*args):
    out = subprocess.run([DRIVER] + list(args), check=True, capture_output=True, text=True,
                         env=dict(os.environ, WS_ROOT=ROOT)).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def ws_results(func, sampler, seeds, n_trials, workers=1):
    rows = driver("quality", "--func", func, "--seeds", "0-%d" % (seeds - 1), "--trials", str(n_trials),
                  "--sampler", json.dumps(sampler), "--workers", str(workers))
    return [r["values"] for r in rows], sum(r["dups"] for r in rows), [sum(r["ms"]) / len(r["ms"]) for r in rows]


WS_VARIANTS = {
    "wakesweep": {"name": "tpe"},
    "ws-optuna-mode": {"name": "tpe", "mode": "optuna"},
    "ws-optuna-mode-mv": {"name": "tpe", "mode": "optuna", "multivariate": True},
}


# ---- statistics ----

def regrets(runs, optimum):
    """[seed][checkpoint] best-so-far regret."""
    return np.array([[min(v[:c]) - optimum for c in CHECKPOINTS] for v in runs])


def fmt(x):
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return "%.0f" % x
    if abs(x) >= 0.01:
        return "%.3g" % x
    return "%.1e" % x


def cell(col):
    q1, med, q3 = np.percentile(col, [25, 50, 75])
    return "%s [%s, %s]" % (fmt(med), fmt(q1), fmt(q3))


def quality(args, out):
    out.append("## Quality: best-so-far regret, median [IQR] over %d seeds\n" % args.seeds)
    out.append("| function | sampler | " + " | ".join("%d trials" % c for c in CHECKPOINTS) + " |")
    out.append("|---|---|" + "---|" * len(CHECKPOINTS))
    summary = {}
    for func in args.funcs:
        opt = FUNCS[func]["optimum"]
        rows = {}
        variants = ["optuna-random", "optuna-tpe", "optuna-tpe-mv"] + (["optuna-tpe-mv-group"] if func == "conditional" else [])
        for v in variants:
            rows[v] = regrets(optuna_results(func, v, args.seeds, args.trials, args.jobs), opt)
        for name, cfg in WS_VARIANTS.items():
            rows[name] = regrets(ws_results(func, cfg, args.seeds, args.trials)[0], opt)
        for name, r in rows.items():
            out.append("| %s | %s | %s |" % (func, name, " | ".join(cell(r[:, i]) for i in range(len(CHECKPOINTS)))))
        summary[func] = {k: np.median(v, axis=0) for k, v in rows.items()}
        print("\n".join(out[-len(rows):]), flush=True)
    out.append("")
    # the goal: at 50 and 100 trials, no worse than Optuna's best TPE variant, better on most
    out.append("Goal check (median regret, wakesweep vs Optuna's best TPE variant):\n")
    for func, s in summary.items():
        best = {c: min(v[i] for k, v in s.items() if k.startswith("optuna-tpe")) for i, c in enumerate(CHECKPOINTS)}
        ours = {c: s["wakesweep"][i] for i, c in enumerate(CHECKPOINTS)}
        out.append("- %s: 50 trials %s vs %s (%s), 100 trials %s vs %s (%s)" % (
            func, fmt(ours[50]), fmt(best[50]), "better" if ours[50] < best[50] else "tie" if ours[50] == best[50] else "WORSE",
            fmt(ours[100]), fmt(best[100]), "better" if ours[100] < best[100] else "tie" if ours[100] == best[100] else "WORSE"))
    out.append("")


def parallel(args, out):
    out.append("## Parallel: 4 workers, constant liar (wakesweep defaults)\n")
    out.append("| function | workers | identical to a running trial | regret at 50 | regret at 100 |")
    out.append("|---|---|---|---|---|")
    for func in args.funcs:
        opt = FUNCS[func]["optimum"]
        for w in (1, 4):
            runs, dups, _ = ws_results(func, WS_VARIANTS["wakesweep"], args.seeds, args.trials, workers=w)
            r = regrets(runs, opt)
            out.append("| %s | %d | %d | %s | %s |" % (func, w, dups, cell(r[:, 2]), cell(r[:, 3])))
        print("\n".join(out[-2:]), flush=True)
    out.append("")


def latency(args, out):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.filterwarnings("ignore")
    func = "mixed"
    space = FUNCS[func]["space"]
    out.append("## Latency of one suggestion (%s space, all trials COMPLETE), milliseconds, median\n" % func)
    out.append("| trials | wakesweep | ws optuna-mode | Optuna 3.1 TPE ask() | Optuna 3.1 TPE multivariate ask() | speed-up vs Optuna TPE |")
    out.append("|---|---|---|---|---|---|")
    rng = np.random.default_rng(0)
    for n in (100, 1000, 5000):
        hist = []
        for _ in range(n):
            p = {"lr": float(np.exp(rng.uniform(math.log(1e-5), math.log(1e-1)))), "units": int(rng.integers(16) * 16 + 16),
                 "act": str(rng.choice(space["act"]["choices"])), "dropout": float(rng.uniform(0, 0.5))}
            hist.append({"params": p, "value": mixed(p)})
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
            for h in hist:
                f.write(json.dumps(h) + "\n")
            path = f.name
        reps = {100: 21, 1000: 11, 5000: 5}[n]
        ours = driver("latency", "--func", func, "--history", path, "--reps", str(reps),
                      "--sampler", json.dumps(WS_VARIANTS["wakesweep"]))[0]["ms_median"]
        ours_o = driver("latency", "--func", func, "--history", path, "--reps", str(reps),
                        "--sampler", json.dumps(WS_VARIANTS["ws-optuna-mode"]))[0]["ms_median"]
        os.unlink(path)
        dists = {
            "lr": optuna.distributions.FloatDistribution(1e-5, 1e-1, log=True),
            "units": optuna.distributions.IntDistribution(16, 256, step=16),
            "act": optuna.distributions.CategoricalDistribution(space["act"]["choices"]),
            "dropout": optuna.distributions.FloatDistribution(0.0, 0.5),
        }
        times = {}
        for label, kw in (("tpe", {}), ("mv", {"multivariate": True})):
            study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0, **kw))
            study.add_trials([optuna.trial.create_trial(params=h["params"], distributions=dists, value=h["value"])
                              for h in hist])
            ts = []
            for _ in range(reps):
                t0 = time.perf_counter()
                t = study.ask()
                for name, spec in space.items():
                    suggest(t, name, spec)
                ts.append((time.perf_counter() - t0) * 1e3)
                study.tell(t, state=optuna.trial.TrialState.FAIL)   # keep the history as it was
            times[label] = float(np.median(ts))
        out.append("| %d | %.2f | %.2f | %.1f | %.1f | %.0fx |" % (n, ours, ours_o, times["tpe"], times["mv"],
                                                                  times["tpe"] / ours))
        print(out[-1], flush=True)
    out.append("")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=25)
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=2, help="processes for Optuna's runs")
    ap.add_argument("--parts", default="quality,parallel,latency")
    ap.add_argument("--funcs", default=",".join(FUNCS))
    args = ap.parse_args()
    args.funcs = args.funcs.split(",")
    import optuna
    out = ["# Sampler benchmark (%s, Optuna %s, numpy %s)\n" % (time.strftime("%Y-%m-%d"), optuna.__version__,
                                                                np.__version__)]
    parts = args.parts.split(",")
    if "quality" in parts:
        quality(args, out)
    if "parallel" in parts:
        parallel(args, out)
    if "latency" in parts:
        latency(args, out)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    name = "latest.md" if set(parts) >= {"quality", "parallel", "latency"} else "latest-%s.md" % "-".join(parts)
    with open(os.path.join(HERE, "results", name), "w") as f:
        f.write("\n".join(out) + "\n")
    print("\n".join(out))


if __name__ == "__main__":
    main()
