#!/usr/bin/env bash
# prune-check and tell against Optuna 3.1 itself (Debian's python3-optuna), event by event: the
# same reports, in the same order, go to prune-check on a study file and to Trial.report and
# should_prune on an in-memory Optuna study with the pruner the config names, and every answer
# must be Optuna's. What tests/ref/pruner's golden histories do not hold is here: steps reported
# out of order and again (Optuna keeps the first value and judges the largest step), trials of
# different lengths, NaN and infinite values, parallel trials, trials told PRUNED, FAIL, or
# COMPLETE with NaN (FAIL), or left RUNNING. Then the study file, read by optuna.load_study, must
# hold what Optuna's study holds: states, values, intermediate values, completed_rung_k.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "replay against Optuna" optuna
cp "$WS_ROOT/tests/cli/study.json" base.json
cat >replay.py <<'EOF'
import json, math, random, sqlite3, subprocess, sys, warnings
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore")
BASE = json.load(open("base.json"))
TS = optuna.trial.TrialState


def optuna_pruner(c):
    n = c["name"]
    if n in ("median", "percentile"):
        kw = {k: c[k] for k in ("n_startup_trials", "n_warmup_steps", "interval_steps", "n_min_trials") if k in c}
        return optuna.pruners.PercentilePruner(c.get("percentile", 50.0), **kw)
    if n == "successive_halving":
        return optuna.pruners.SuccessiveHalvingPruner(**{k: v for k, v in c.items() if k != "name"})
    if n == "hyperband":
        return optuna.pruners.HyperbandPruner(**{k: v for k, v in c.items() if k != "name"})
    if n == "patient":
        w = c.get("wrapped")
        return optuna.pruners.PatientPruner(optuna_pruner(w) if w else None, c["patience"], c.get("min_delta", 0.0))
    if n == "threshold":
        return optuna.pruners.ThresholdPruner(**{k: v for k, v in c.items() if k != "name"})
    raise ValueError(n)


CONFIGS = [
    {"name": "median", "n_startup_trials": 2, "n_warmup_steps": 1},
    {"name": "median", "n_startup_trials": 1, "n_warmup_steps": 2, "interval_steps": 3, "n_min_trials": 2},
    {"name": "percentile", "percentile": 65.0, "n_startup_trials": 2},
    {"name": "percentile", "percentile": 25.0, "n_startup_trials": 0, "interval_steps": 2},
    {"name": "successive_halving", "min_resource": 1, "reduction_factor": 2},
    {"name": "successive_halving", "min_resource": 2, "reduction_factor": 3, "min_early_stopping_rate": 1,
     "bootstrap_count": 1},
    {"name": "successive_halving", "reduction_factor": 2},
    {"name": "hyperband", "min_resource": 1, "max_resource": 12, "reduction_factor": 2},
    {"name": "hyperband", "min_resource": 1, "reduction_factor": 3},
    {"name": "patient", "patience": 1, "min_delta": 0.01},
    {"name": "patient", "patience": 2, "wrapped": {"name": "median", "n_startup_trials": 1}},
    {"name": "threshold", "lower": 0.6, "upper": 1.6, "n_warmup_steps": 1, "interval_steps": 2},
]


def text(v):
    return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)


def tool(*args):
    return subprocess.run(list(args), capture_output=True, text=True)


def scenario(idx, cfg, direction, seed):
    r = random.Random(seed)
    name, db, conf = "r%d" % idx, "r%d.db" % idx, "r%d.json" % idx
    c = dict(BASE, study=name, direction=direction, pruner=cfg, budget={"epochs": 5})
    json.dump(c, open(conf, "w"))
    study = optuna.create_study(study_name=name, direction=direction, pruner=optuna_pruner(cfg))
    # "auto" resources: every trial ends at the same largest step, where Optuna and prune-check
    # agree on them (prune-check.1)
    auto = "auto" in json.dumps(cfg) or (cfg["name"] == "successive_halving" and "min_resource" not in cfg) \
        or (cfg["name"] == "hyperband" and "max_resource" not in cfg)
    maxstep = 220 if cfg["name"] == "successive_halving" and auto else 12
    plans = []
    for i in range(7):
        steps = sorted(r.sample(range(maxstep + 1), r.randint(2, 8)))
        if auto and steps[-1] != maxstep:
            steps[-1] = maxstep
        order = list(steps)
        if len(order) > 2 and r.random() < 0.5:     # one pair out of order
            a, b = r.sample(range(len(order)), 2)
            order[a], order[b] = order[b], order[a]
        if r.random() < 0.4:                        # a step reported again
            order.insert(r.randrange(1, len(order) + 1), r.choice(order))
        a_, b_, k_ = r.uniform(0.1, 1), r.uniform(0.5, 2), r.uniform(0.05, 0.5)
        vals = []
        for s in order:
            v = round(a_ + b_ * math.exp(-k_ * s) + 0.05 * r.gauss(0, 1), 2)
            v = round(2 - v, 2) if direction == "maximize" else v
            u = r.random()
            vals.append(float("nan") if u < 0.05 else r.choice([1, -1]) * float("inf") if u < 0.08 else v)
        plans.append((order, vals, r.choice(["complete"] * 5 + ["pruned", "fail", "running", "nan"])))
    active, nxt, pos, trials, fails, n_reports, n_pruned = [], 0, {}, {}, [], 0, 0
    while nxt < len(plans) or active:
        while len(active) < 2 and nxt < len(plans):
            out = tool("suggest", "--db", db, "--config", conf)
            t = study.ask()
            if out.returncode or json.loads(out.stdout)["trial"] != t.number:
                return ["suggest: %s" % out.stderr.strip()]
            trials[nxt], pos[nxt] = t, 0
            active.append(nxt)
            nxt += 1
        i = r.choice(active)
        t, (order, vals, end), k = trials[i], plans[i], pos[i]
        t.report(vals[k], order[k])
        want = t.should_prune()
        out = tool("prune-check", "--db", db, "--study", name, "--trial", str(t.number), "--step", str(order[k]),
                   "--value", text(vals[k]))
        n_reports += 1
        n_pruned += want
        if out.returncode not in (0, 1) or (out.returncode == 0) != want:
            fails.append("trial %d step %d value %s: Optuna says prune=%s, prune-check exit %d %s %s" % (
                t.number, order[k], text(vals[k]), want, out.returncode, out.stdout.strip(), out.stderr.strip()))
            return fails
        pos[i] = k + 1
        end = "pruned" if want else end if pos[i] == len(order) else None
        if not end:
            continue
        active.remove(i)
        if end == "running":
            continue
        args = ["tell", "--db", db, "--study", name, "--trial", str(t.number), "--state"]
        if end in ("pruned", "fail"):
            study.tell(t, state=TS.PRUNED if end == "pruned" else TS.FAIL)
            args.append(end)
        else:
            v = float("nan") if end == "nan" else vals[-1]
            study.tell(t, v)                        # NaN: FAIL, as tell --state complete makes it
            args += ["complete", "--value", text(v)]
        out = tool(*args)
        if out.returncode:
            return ["%s: exit %d %s" % (" ".join(args), out.returncode, out.stderr.strip())]
    ours = optuna.load_study(study_name=name, storage="sqlite:///" + db).trials
    nan = lambda d: {k: None if math.isnan(v) else v for k, v in d.items()}
    rungs = lambda d: {k: v for k, v in d.items() if k.startswith("completed_rung_")}
    for a, b in zip(study.trials, ours):
        # prune-check stores a rung value of +-inf as +-DBL_MAX (prune-check.1)
        rb = {k: math.copysign(math.inf, v) if abs(v) == 1.7976931348623157e308 else v
              for k, v in rungs(b.system_attrs).items()}
        if (a.state, a.value, nan(a.intermediate_values), rungs(a.system_attrs)) != \
                (b.state, b.value, nan(b.intermediate_values), rb):
            fails.append("trial %d: Optuna %s %s %s %s, study file %s %s %s %s" % (
                a.number, a.state.name, a.value, nan(a.intermediate_values), rungs(a.system_attrs),
                b.state.name, b.value, nan(b.intermediate_values), rb))
    if len(ours) != len(study.trials):
        fails.append("%d trials in the study file, Optuna %d" % (len(ours), len(study.trials)))
    check = sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0]
    if check != "ok":
        fails.append("integrity_check: " + check)
    print("# %s %s: %d reports, %d pruned" % (name, cfg["name"], n_reports, n_pruned), file=sys.stderr)
    if n_pruned == 0 and cfg["name"] != "patient":
        fails.append("no report was pruned: the scenario tests too little")
    return fails


for idx, cfg in enumerate(CONFIGS):      # each config once, the directions taking turns
    direction = ("minimize", "maximize")[idx % 2]
    fails = scenario(idx, cfg, direction, 1000 + idx)
    label = "%s-%d-%s" % (cfg["name"], idx, direction)
    print("ok " + label if not fails else "FAIL %s: %s" % (label, "; ".join(fails)[:600]))
EOF
test_run_cases optuna "$PY" replay.py
