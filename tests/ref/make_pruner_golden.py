#!/usr/bin/python3
"""Golden pruner decisions from Optuna (Debian's python3-optuna 3.1) for tests/unit/test_pruner_golden.c.

Each scenario runs a small in-memory study: trials are asked, report learning-curve values step
by step (some NaN or infinite, some rounded to make ties), call should_prune() after every
report, and end COMPLETE, PRUNED, FAIL or still RUNNING. Several scenarios interleave trials as
parallel workers would. Every event is written down in order with Optuna's answer and the
completed_rung_k attributes the trial holds afterwards, so the C test can replay the same
events through our pruners (which see the same trials) and compare.

    /usr/bin/python3 tests/ref/make_pruner_golden.py      # rewrites tests/ref/pruner/*.json
"""
import json
import math
import os
import warnings

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore")

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pruner")


def make_pruner(cfg):
    """Our config object -> the Optuna pruner it stands for."""
    name = cfg.get("name", "median")
    if name == "median":
        return optuna.pruners.MedianPruner(
            n_startup_trials=cfg.get("n_startup_trials", 5), n_warmup_steps=cfg.get("n_warmup_steps", 0),
            interval_steps=cfg.get("interval_steps", 1), n_min_trials=cfg.get("n_min_trials", 1))
    if name == "percentile":
        return optuna.pruners.PercentilePruner(
            cfg["percentile"], n_startup_trials=cfg.get("n_startup_trials", 5),
            n_warmup_steps=cfg.get("n_warmup_steps", 0), interval_steps=cfg.get("interval_steps", 1),
            n_min_trials=cfg.get("n_min_trials", 1))
    if name == "successive_halving":
        return optuna.pruners.SuccessiveHalvingPruner(
            min_resource=cfg.get("min_resource", "auto"), reduction_factor=cfg.get("reduction_factor", 4),
            min_early_stopping_rate=cfg.get("min_early_stopping_rate", 0),
            bootstrap_count=cfg.get("bootstrap_count", 0))
    if name == "hyperband":
        return optuna.pruners.HyperbandPruner(
            min_resource=cfg.get("min_resource", 1), max_resource=cfg.get("max_resource", "auto"),
            reduction_factor=cfg.get("reduction_factor", 3), bootstrap_count=cfg.get("bootstrap_count", 0))
    if name == "patient":
        wrapped = cfg.get("wrapped")
        return optuna.pruners.PatientPruner(make_pruner(wrapped) if wrapped else None, patience=cfg["patience"],
                                            min_delta=cfg.get("min_delta", 0.0))
    if name == "threshold":
        return optuna.pruners.ThresholdPruner(lower=cfg.get("lower"), upper=cfg.get("upper"),
                                              n_warmup_steps=cfg.get("n_warmup_steps", 0),
                                              interval_steps=cfg.get("interval_steps", 1))
    if name == "nop":
        return optuna.pruners.NopPruner()
    raise ValueError(name)


def enc(v):
    """A float for JSON: non-finite values as strings (JSON has no NaN)."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def curves(rng, n_trials, steps, direction, nan_rate=0.0, inf_rate=0.0, round_to=None, upturn=False,
           lengths=None, all_nan_trial=None):
    """Per-trial (steps, values): noisy exponential learning curves, mirrored for maximize."""
    out = []
    for i in range(n_trials):
        a, b, c = rng.uniform(0.1, 1.0), rng.uniform(0.5, 2.0), rng.uniform(0.05, 0.5)
        st = list(steps if lengths is None else steps[:lengths[i]])
        vals = []
        for k, s in enumerate(st):
            v = a + b * math.exp(-c * k) + 0.03 * rng.standard_normal()
            if upturn and k > len(st) // 2:
                v += 0.05 * (k - len(st) // 2) * rng.uniform(0, 1)
            v = round(v, 5 if round_to is None else round_to)
            if direction == "maximize":
                v = round(2.0 - v, 5 if round_to is None else round_to)
            u = rng.uniform()
            if u < nan_rate:
                v = float("nan")
            elif u < nan_rate + inf_rate:
                v = float("inf") if rng.uniform() < 0.5 else float("-inf")
            vals.append(v)
        if all_nan_trial is not None and i == all_nan_trial:
            vals = [float("nan")] * len(vals)
        out.append((st, vals))
    return out


def schedule(rng, n_trials, lens, workers):
    """Order of steps: `workers` trials run at once, each tick advances a random one."""
    order, active, nxt = [], [], 0
    pos = {}
    while nxt < n_trials or active:
        while len(active) < workers and nxt < n_trials:
            active.append(nxt)
            pos[nxt] = 0
            nxt += 1
        i = active[int(rng.integers(len(active)))] if workers > 1 else active[0]
        order.append(i)
        pos[i] += 1
        if pos[i] >= lens[i]:
            active.remove(i)
    return order


def run(name, cfg, direction, seed, n_trials=14, steps=range(12), workers=1, ends=None, **kw):
    rng = np.random.default_rng(seed)
    study_name = "%s-%s" % (name, direction)
    study = optuna.create_study(study_name=study_name, direction=direction, pruner=make_pruner(cfg))
    data = curves(rng, n_trials, list(steps), direction, **kw)
    ends = ends or {}
    order = schedule(rng, n_trials, [len(d[0]) for d in data], workers)
    trials, pos, done, events = {}, {}, set(), []
    for i in order:
        if i in done:
            continue
        if i not in trials:
            trials[i] = study.ask()
            pos[i] = 0
            events.append({"op": "ask", "trial": trials[i].number})
        t = trials[i]
        st, vals = data[i]
        k = pos[i]
        end = ends.get(i, "complete")
        if end == "fail" and k == len(st) // 2:
            study.tell(t, state=optuna.trial.TrialState.FAIL)
            events.append({"op": "tell", "trial": t.number, "state": "FAIL"})
            done.add(i)
            continue
        t.report(vals[k], st[k])
        prune = t.should_prune()
        attrs = study._storage.get_trial(t._trial_id).system_attrs
        rungs = {key: enc(v) for key, v in attrs.items() if key.startswith("completed_rung_")}
        ev = {"op": "report", "trial": t.number, "step": st[k], "value": enc(vals[k]), "prune": bool(prune)}
        if rungs:
            ev["attrs"] = rungs   # absent: the trial holds no completed_rung_k
        events.append(ev)
        pos[i] = k + 1
        if prune:
            study.tell(t, state=optuna.trial.TrialState.PRUNED)
            events.append({"op": "tell", "trial": t.number, "state": "PRUNED"})
            done.add(i)
        elif pos[i] == len(st):
            done.add(i)
            if end == "running":
                continue
            last = vals[-1]
            if math.isnan(last) or math.isinf(last):
                study.tell(t, state=optuna.trial.TrialState.FAIL)
                events.append({"op": "tell", "trial": t.number, "state": "FAIL"})
            else:
                study.tell(t, last)
                events.append({"op": "tell", "trial": t.number, "state": "COMPLETE", "value": enc(last)})
    n_prune = sum(1 for e in events if e["op"] == "report" and e["prune"])
    out = {"name": "%s/%s" % (name, direction), "study": study_name, "direction": direction, "pruner": cfg,
           "n_pruned": n_prune, "events": events}
    hb = study.pruner
    if isinstance(hb, optuna.pruners.HyperbandPruner) and hb._pruners:
        # each trial's bracket as Optuna assigns it (the sampler's view depends on it)
        out["brackets"] = [hb._get_bracket_id(study, t) for t in study.trials]
    return out


def scenarios():
    S = {}
    S["percentile"] = [
        ("median_default", {"name": "median"}, dict()),
        ("median_warmup_interval", {"name": "median", "n_startup_trials": 3, "n_warmup_steps": 2, "interval_steps": 3},
         dict(steps=range(15))),
        ("median_min_trials", {"name": "median", "n_startup_trials": 2, "n_min_trials": 3},
         dict(lengths=[12, 4, 12, 6, 12, 3, 12, 12, 8, 12, 12, 5, 12, 12])),
        ("percentile25_nan", {"name": "percentile", "percentile": 25.0, "n_startup_trials": 3},
         dict(nan_rate=0.08, all_nan_trial=6)),
        ("percentile80_ties", {"name": "percentile", "percentile": 80.0, "n_startup_trials": 2}, dict(round_to=1)),
        ("median_sparse_steps", {"name": "median", "n_startup_trials": 2, "n_warmup_steps": 3, "interval_steps": 2},
         dict(steps=range(1, 30, 2))),
        ("median_parallel", {"name": "median", "n_startup_trials": 2}, dict(workers=3, n_trials=16,
                                                                            ends={3: "fail", 9: "running"})),
        ("percentile50_min3_nan", {"name": "percentile", "percentile": 50.0, "n_startup_trials": 2, "n_min_trials": 3},
         dict(nan_rate=0.3, lengths=[12, 12, 12, 5, 12, 12, 12, 12, 12, 3, 12, 12, 12, 12])),
        ("percentile0_inf", {"name": "percentile", "percentile": 0.0, "n_startup_trials": 1},
         dict(inf_rate=0.05, nan_rate=0.05)),
    ]
    S["halving"] = [
        ("sh_default_auto", {"name": "successive_halving"}, dict(steps=range(0, 241, 20))),
        ("sh_r1_eta2_rate1_boot2", {"name": "successive_halving", "min_resource": 1, "reduction_factor": 2,
                                    "min_early_stopping_rate": 1, "bootstrap_count": 2}, dict(steps=range(16), round_to=1)),
        ("sh_r2_eta3_nan", {"name": "successive_halving", "min_resource": 2, "reduction_factor": 3},
         dict(steps=range(20), nan_rate=0.05)),
        ("sh_auto_parallel", {"name": "successive_halving", "reduction_factor": 2},
         dict(steps=range(0, 400, 25), workers=4, n_trials=16, ends={2: "running", 7: "fail"})),
        ("sh_jump_steps", {"name": "successive_halving", "min_resource": 1, "reduction_factor": 2},
         dict(steps=[0, 1, 5, 9, 20, 33], round_to=1)),
    ]
    S["hyperband"] = [
        ("hb_r27_eta3", {"name": "hyperband", "min_resource": 1, "max_resource": 27, "reduction_factor": 3},
         dict(steps=range(27), n_trials=24)),
        ("hb_auto_eta2_r2", {"name": "hyperband", "min_resource": 2, "reduction_factor": 2},
         dict(steps=range(24), n_trials=24, round_to=2)),
        ("hb_boot1_r16", {"name": "hyperband", "min_resource": 1, "max_resource": 16, "reduction_factor": 2,
                          "bootstrap_count": 1}, dict(steps=range(16), n_trials=20, workers=3)),
        ("hb_default", {"name": "hyperband"}, dict(steps=range(30), n_trials=20, nan_rate=0.03)),
    ]
    S["patient"] = [
        ("patient2", {"name": "patient", "patience": 2}, dict(upturn=True, steps=range(16))),
        ("patient0_delta", {"name": "patient", "patience": 0, "min_delta": 0.02}, dict(upturn=True, nan_rate=0.05)),
        ("patient3_median", {"name": "patient", "patience": 3, "min_delta": 0.01,
                             "wrapped": {"name": "median", "n_startup_trials": 2}}, dict(upturn=True, steps=range(18))),
        ("patient1_halving", {"name": "patient", "patience": 1,
                              "wrapped": {"name": "successive_halving", "min_resource": 1, "reduction_factor": 2}},
         dict(upturn=True, steps=range(16), round_to=2)),
    ]
    S["threshold"] = [
        ("threshold_upper", {"name": "threshold", "upper": 1.0}, dict(nan_rate=0.05)),
        ("threshold_lower", {"name": "threshold", "lower": 0.9}, dict(inf_rate=0.05)),
        ("threshold_both_gates", {"name": "threshold", "lower": 0.3, "upper": 1.2, "n_warmup_steps": 2,
                                  "interval_steps": 3}, dict(steps=range(14), nan_rate=0.05)),
        ("nop", {"name": "nop"}, dict(nan_rate=0.1)),
    ]
    return S


def main():
    os.makedirs(OUT, exist_ok=True)
    seed = 100
    for fname, items in scenarios().items():
        out = {"generator": "tests/ref/make_pruner_golden.py", "optuna": optuna.__version__, "scenarios": []}
        for name, cfg, kw in items:
            for direction in ("minimize", "maximize"):
                seed += 1
                out["scenarios"].append(run(name, cfg, direction, seed, **kw))
        path = os.path.join(OUT, fname + ".json")
        with open(path, "w") as f:
            json.dump(out, f, separators=(",", ":"))
            f.write("\n")
        n_ev = sum(len(s["events"]) for s in out["scenarios"])
        n_pr = sum(s["n_pruned"] for s in out["scenarios"])
        print("%s: %d scenarios, %d events, %d prune decisions" % (path, len(out["scenarios"]), n_ev, n_pr))


if __name__ == "__main__":
    main()
