#!/usr/bin/python3
"""sweep_ref.py — the Python side of tests/bench/sweep/run.sh: the setup users start from.

Optuna 3.1 + PyTorch on the CPU, reading the same wakesweep feature cache (lib/audio/cache.h) with
numpy, trials run one after another, a torch DataLoader (num_workers 0 by default) built per
trial over a Dataset that takes log-mel and standardizes clip by clip, no pruning. The training
follows what train-trial does for the study (lib/trainer/run.c, lib/trainer/data.c, lib/nn):
  input    log(mel power + 1e-6), standardized per mel band with the mean and standard deviation
           of at most 512 evenly spaced training clips; shape [1, frames, mels]
  model    dscnn as lib/nn/models.c builds it: conv0 (kernel 10x4, stride 2x2, padding 5x2, no
           bias) + BN + ReLU; `blocks` x [depthwise 3x3 (padding 1, no bias) + BN + ReLU,
           pointwise 1x1 (no bias) + BN + ReLU]; global average pool; dropout (when > 0); linear
  loss     cross-entropy; optimizer SGD/Adam/AdamW as the params say (AdamW's weight decay 1e-2
           when none is given), learning rate constant or cosine over all steps, per step
  epochs   the study's budget.epochs; validation after every epoch; the trial's value is the best
           validation objective (F1 of the positive class against the rest, argmax decisions; or
           at_fpr.f1: F1 at the lowest threshold on the positive class's softmax probability whose
           false-positive rate is at most fixed.max_fpr, 0.05)
Search space, sampler (TPE: seed, n_startup_trials, multivariate, constant_liar, the study's
constraints as constraints_func) and fixed settings come from the study config. Only what the
shipped studies without augmentation use is supported; anything else is refused (exit 2).

    sweep_ref.py --features CACHE --config STUDY.json --params PARAMS.json   one training (P1)
    sweep_ref.py --features CACHE --config STUDY.json --trials N             an N-trial sweep (PS)
Options: --threads T (torch threads; default: all cores), --workers W (DataLoader workers, 0),
--seed S (torch.manual_seed of the one training, --params; default 1; a sweep's trial N uses N+1).
Prints one JSON line: wall seconds (from process start, imports included), per-trial seconds,
values, the BLAS library torch mapped; --params adds each epoch's validation metrics ("history",
the validation's mean cross-entropy as "loss" among them; tests/bench/train/quality.sh reads them).
"""
import argparse
import json
import math
import os
import struct
import sys
import time

T_START = time.monotonic()

import numpy as np  # noqa: E402
import optuna  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from torch.utils.data import DataLoader, Dataset  # noqa: E402

LOG_EPS = 1e-6          # AUDIO_LOG_EPS, lib/audio/transform_math.h
SPLIT_TRAIN, SPLIT_VALIDATION = 0, 1

# Keys this reference implements; every other key of params/fixed is refused.
SUPPORTED = {"model", "channels", "blocks", "kernel", "stride", "inner_kernel", "dropout", "optimizer",
             "learning_rate", "momentum", "weight_decay", "beta1", "beta2", "eps", "schedule",
             "batch_size", "epochs", "positive", "max_fpr", "features"}


def die(msg):
    print("sweep_ref.py: " + msg, file=sys.stderr)
    sys.exit(2)


# ---------------------------------------------------------------------------------------- cache
def read_cache(path):
    """The feature cache (layout in lib/audio/cache.h): header, then memory-mapped arrays."""
    with open(path, "rb") as f:
        hdr = f.read(256)
    if len(hdr) < 256 or hdr[:8] != b"WSFCACHE":
        die("%s: not a wakesweep feature cache (wrong magic)" % path)
    version, header_bytes = struct.unpack_from("<II", hdr, 8)
    _checksum, file_bytes, _inputs_hash, n_clips = struct.unpack_from("<QQQQ", hdr, 16)
    n_frames, n_mels, n_classes, n_noise, dtype, _flags = struct.unpack_from("<6I", hdr, 48)
    if version != 1 or header_bytes != 256 or dtype != 1:
        die("%s: cache version %d, header %d, dtype %d: this reader knows version 1, float32"
            % (path, version, header_bytes, dtype))
    if os.path.getsize(path) != file_bytes:
        die("%s: truncated: the header says %d bytes" % (path, file_bytes))
    sec = [struct.unpack_from("<QQ", hdr, 72 + 16 * s) for s in range(7)]  # features labels splits paths strings noise meta
    (f_off, f_len), (l_off, _), (s_off, _), _, _, _, (m_off, m_len) = sec
    if f_len != n_clips * n_frames * n_mels * 4:
        die("%s: features section has %d bytes, expected %d" % (path, f_len, n_clips * n_frames * n_mels * 4))
    feats = np.memmap(path, dtype="<f4", mode="r", offset=f_off, shape=(n_clips, n_frames, n_mels))
    labels = np.fromfile(path, dtype="<i4", count=n_clips, offset=l_off)
    splits = np.fromfile(path, dtype="<i4", count=n_clips, offset=s_off)
    with open(path, "rb") as f:
        f.seek(m_off)
        meta = json.loads(f.read(m_len))
    classes = meta["classes"]
    if len(classes) != n_classes:
        die("%s: %d class names for %d classes" % (path, len(classes), n_classes))
    return {"features": feats, "labels": labels, "splits": splits, "classes": classes,
            "frames": n_frames, "mels": n_mels, "meta": meta}


def norm_stats(cache, train_idx):
    """lib/trainer/data.c: per-band mean and 1/std of log-mel over <= 512 evenly spaced train clips."""
    n = len(train_idx)
    take = min(n, 512)
    pick = [train_idx[k * n // take] for k in range(take)]
    x = np.log(np.asarray(cache["features"][pick], dtype=np.float32) + np.float32(LOG_EPS)).astype(np.float64)
    x = x.reshape(-1, cache["mels"])
    mean = x.mean(0)
    var = (x * x).mean(0) - mean * mean
    inv_std = 1.0 / np.sqrt(np.maximum(var, 1e-8))
    return mean.astype(np.float32), inv_std.astype(np.float32)


class CacheDataset(Dataset):
    """Clips of one split; log-mel and standardization per item, as a user's Dataset does."""

    def __init__(self, cache, idx, mean, inv_std):
        self.f, self.labels, self.idx = cache["features"], cache["labels"], idx
        self.mean, self.inv_std = mean, inv_std

    def __len__(self):
        return len(self.idx)

    def __getitem__(self, i):
        j = self.idx[i]
        x = (np.log(self.f[j] + np.float32(LOG_EPS)) - self.mean) * self.inv_std
        return torch.from_numpy(x[None].astype(np.float32)), int(self.labels[j])


# ---------------------------------------------------------------------------------------- model
def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def dscnn(channels, blocks, dropout, n_classes, kernel=(10, 4), stride=(2, 2), inner=(3, 3)):
    """lib/nn/models.c build_dscnn, layer for layer."""
    C = channels
    layers = [nn.Conv2d(1, C, kernel, stride, (kernel[0] // 2, kernel[1] // 2), bias=False),
              nn.BatchNorm2d(C), nn.ReLU()]
    for _ in range(blocks):
        layers += [nn.Conv2d(C, C, inner, 1, (inner[0] // 2, inner[1] // 2), groups=C, bias=False),
                   nn.BatchNorm2d(C), nn.ReLU(),
                   nn.Conv2d(C, C, 1, bias=False), nn.BatchNorm2d(C), nn.ReLU()]
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    if dropout > 0:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(C, n_classes))
    return nn.Sequential(*layers)


def positive_metrics(conf, pos):
    """lib/nn/metrics.c nn_metrics_positive: F1, FPR of the positive class against the rest."""
    tp = conf[pos, pos]
    fn = conf[pos].sum() - tp
    fp = conf[:, pos].sum() - tp
    tn = conf.sum() - tp - fn - fp
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0   # scikit-learn 1.3's one division
    return float(f1), float(fp / (fp + tn) if fp + tn else 0.0), float(fn / (tp + fn) if tp + fn else 0.0)


def at_fpr(scores, is_pos, max_fpr):
    """F1, FPR and FRR at the lowest score threshold whose false-positive rate stays within
    max_fpr, clips of equal score taken or left together (what nn_operating_point_at_fpr means)."""
    scores = np.where(np.isnan(scores), -np.inf, scores)   # NaN ranks last and ties with NaN, as in C
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], is_pos[order]
    npos, nneg = int(y.sum()), int(len(y) - y.sum())
    tp = fp = 0
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        gtp = int(y[i:j].sum())
        if nneg and (fp + (j - i - gtp)) / nneg > max_fpr:
            break
        tp, fp, i = tp + gtp, fp + (j - i - gtp), j
    return {"f1": 2 * tp / (tp + fp + npos) if tp else 0.0, "fpr": fp / nneg if nneg else 0.0,
            "frr": (npos - tp) / npos if npos else 0.0}


# ---------------------------------------------------------------------------------------- train
class Data:
    def __init__(self, cache, positive):
        self.cache = cache
        self.train_idx = np.flatnonzero(cache["splits"] == SPLIT_TRAIN)
        self.val_idx = np.flatnonzero(cache["splits"] == SPLIT_VALIDATION)
        if not len(self.train_idx) or not len(self.val_idx):
            die("the cache needs clips in the training and validation splits")
        self.mean, self.inv_std = norm_stats(cache, self.train_idx)
        if positive not in cache["classes"]:
            die("the positive class '%s' is not among the cache's classes" % positive)
        self.pos = cache["classes"].index(positive)


def budget_epochs(cfg, number):
    b = cfg.get("budget", {}).get("epochs", cfg.get("fixed", {}).get("epochs", 10))
    if isinstance(b, list):   # [[until_trial, epochs], ..., [null, epochs]]
        for until, e in b:
            if until is None or number < until:
                return int(e)
    return int(b)


def train_one(data, settings, epochs, seed, workers, objective="f1", constraint_max=None, history=None):
    """One trial; returns (best value, metrics of the best epoch, seconds). The metrics hold the
    validation's mean cross-entropy too ("loss"); each epoch's are appended to history (a list)."""
    t0 = time.monotonic()
    s = settings
    unknown = sorted(set(s) - SUPPORTED)
    if unknown:
        die("setting(s) %s: not implemented by the Python reference" % ", ".join(unknown))
    if s.get("model", "dscnn") != "dscnn":
        die("model %s: the Python reference builds dscnn only" % s.get("model"))
    torch.manual_seed(seed)
    bs = int(s.get("batch_size", 64))
    train_dl = DataLoader(CacheDataset(data.cache, data.train_idx, data.mean, data.inv_std), batch_size=bs,
                          shuffle=True, num_workers=workers)
    val_dl = DataLoader(CacheDataset(data.cache, data.val_idx, data.mean, data.inv_std), batch_size=bs,
                        shuffle=False, num_workers=workers)
    k = len(data.cache["classes"])
    model = dscnn(int(s.get("channels", 64)), int(s.get("blocks", 4)), float(s.get("dropout", 0.1)), k,
                  pair(s.get("kernel", [10, 4])), pair(s.get("stride", [2, 2])), pair(s.get("inner_kernel", 3)))
    opt_name, lr = s.get("optimizer", "adam"), float(s.get("learning_rate", 1e-3))
    betas = (float(s.get("beta1", 0.9)), float(s.get("beta2", 0.999)))
    eps = float(s.get("eps", 1e-8))
    if opt_name == "adamw":
        opt = torch.optim.AdamW(model.parameters(), lr, betas, eps, float(s.get("weight_decay", 1e-2)))
    elif opt_name == "adam":
        opt = torch.optim.Adam(model.parameters(), lr, betas, eps, float(s.get("weight_decay", 0.0)))
    elif opt_name == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr, float(s.get("momentum", 0.9)),
                              weight_decay=float(s.get("weight_decay", 0.0)))
    else:
        die("optimizer %s: not implemented" % opt_name)
    total = len(train_dl) * epochs
    schedule = s.get("schedule", "constant")
    if schedule not in ("constant", "cosine"):
        die("schedule %s: not implemented" % schedule)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total) if schedule == "cosine" else None
    loss_fn = nn.CrossEntropyLoss()
    best, best_m = None, None
    t_train = t_eval = 0.0
    for _ in range(epochs):
        te = time.monotonic()
        model.train()
        for x, y in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            if sched:
                sched.step()
        t_train += time.monotonic() - te
        te = time.monotonic()
        model.eval()
        conf = np.zeros((k, k), dtype=np.int64)
        scores, labels = [], []
        val_loss = 0.0
        with torch.no_grad():
            for x, y in val_dl:
                z = model(x)
                val_loss += nn.functional.cross_entropy(z, y, reduction="sum").item()
                np.add.at(conf, (y.numpy(), z.argmax(1).numpy()), 1)
                scores.append(torch.softmax(z, 1)[:, data.pos].numpy())
                labels.append(y.numpy())
        f1, fpr, frr = positive_metrics(conf, data.pos)
        acc = float(np.trace(conf) / conf.sum())
        op = at_fpr(np.concatenate(scores), np.concatenate(labels) == data.pos, float(s.get("max_fpr", 0.05)))
        m = {"f1": f1, "fpr": fpr, "frr": frr, "accuracy": acc, "at_fpr.f1": op["f1"], "at_fpr.fpr": op["fpr"],
             "at_fpr.frr": op["frr"], "loss": val_loss / len(data.val_idx)}
        if history is not None:
            history.append(m)
        t_eval += time.monotonic() - te
        if not math.isfinite(loss.item()):
            break
        if best is None or m[objective] > best:
            best, best_m = m[objective], m
    return best, best_m, {"train": t_train, "eval": t_eval, "total": time.monotonic() - t0}


# ---------------------------------------------------------------------------------------- study
def suggest(trial, space):
    out = {}
    for name, d in space.items():
        if "when" in d:
            die("space.%s: conditional parameters are not implemented by the Python reference" % name)
        t = d["type"]
        if t == "float":
            out[name] = trial.suggest_float(name, d["low"], d["high"], log=d.get("log", False), step=d.get("step"))
        elif t == "int":
            out[name] = trial.suggest_int(name, d["low"], d["high"], step=d.get("step", 1), log=d.get("log", False))
        elif t == "categorical":
            out[name] = trial.suggest_categorical(name, d["choices"])
        else:
            die("space.%s: type %s not implemented" % (name, t))
    return out


def make_sampler(cfg):
    sc = cfg.get("sampler", {})
    name = sc.get("name", "tpe")
    if name == "random":
        return optuna.samplers.RandomSampler(seed=sc.get("seed"))
    if name != "tpe":
        die("sampler %s: not implemented" % name)
    cons = cfg.get("constraints", {})

    def constraints(trial):   # Optuna's convention: feasible iff every value <= 0
        m = trial.user_attrs.get("metrics") or {}
        v = []
        for key, lim in cons.items():
            x = m.get(key, float("nan"))
            if "max" in lim:
                v.append(x - lim["max"])
            if "min" in lim:
                v.append(lim["min"] - x)
        return v

    return optuna.samplers.TPESampler(seed=sc.get("seed"), n_startup_trials=sc.get("n_startup_trials", 10),
                                      multivariate=sc.get("multivariate", False),
                                      constant_liar=sc.get("constant_liar", False),
                                      constraints_func=constraints if cons else None)


def blas_libs():
    torch.mm(torch.randn(64, 64), torch.randn(64, 64))
    with open("/proc/self/maps") as f:
        libs = {l.split()[-1] for l in f if "blas" in l.lower() and l.split()[-1].startswith("/")}
    return sorted(os.path.realpath(l) for l in libs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--features", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--params")
    ap.add_argument("--trials", type=int)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1, help="torch's seed for --params (weights, batch order, dropout)")
    a = ap.parse_args()
    if (a.params is None) == (a.trials is None):
        die("give --params FILE (one training) or --trials N (a sweep)")
    torch.set_num_threads(a.threads)
    with open(a.config) as f:
        cfg = json.load(f)
    fixed = cfg.get("fixed", {})
    objective = cfg.get("objective", "f1")
    if objective not in ("f1", "accuracy", "at_fpr.f1") or cfg.get("direction", "maximize") != "maximize":
        die("objective %s/%s: the reference maximizes f1, at_fpr.f1 or accuracy" % (objective, cfg.get("direction")))
    cache = read_cache(a.features)
    data = Data(cache, fixed.get("positive", "hey_nova"))
    t_ready = time.monotonic()
    out = {"impl": "optuna+torch", "optuna": optuna.__version__, "torch": torch.__version__,
           "threads": a.threads, "dataloader_workers": a.workers, "blas": blas_libs(),
           "clips": {"train": int(len(data.train_idx)), "validation": int(len(data.val_idx))}}
    if a.params:
        with open(a.params) as f:
            params = json.load(f)
        params = params.get("params", params)   # a trial line or a plain object
        epochs = budget_epochs(cfg, 0)
        history = []
        value, metrics, secs = train_one(data, {**fixed, **params}, epochs, a.seed, a.workers, objective,
                                         history=history)
        out.update(mode="one", params=params, epochs=epochs, seed=a.seed, value=value, metrics=metrics,
                   history=history, seconds=secs)
    else:
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        import warnings
        warnings.simplefilter("ignore")   # experimental-feature warnings (multivariate, constant_liar)
        study = optuna.create_study(direction="maximize", sampler=make_sampler(cfg),
                                    pruner=optuna.pruners.NopPruner(), study_name=cfg.get("study"))
        per = []

        def objective_fn(trial):
            params = suggest(trial, cfg["space"])
            value, metrics, secs = train_one(data, {**fixed, **params}, budget_epochs(cfg, trial.number),
                                             trial.number + 1, a.workers, objective)
            trial.set_user_attr("metrics", metrics)
            per.append(round(secs["total"], 3))
            return value

        ts = time.monotonic()
        study.optimize(objective_fn, n_trials=a.trials)
        complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
        out.update(mode="sweep", trials=a.trials, complete=len(complete), seconds_optimize=time.monotonic() - ts,
                   trial_seconds=per, best_value=study.best_value if complete else None,
                   best_params=study.best_params if complete else None)
    out["seconds_setup"] = t_ready - T_START
    out["seconds_wall"] = time.monotonic() - T_START
    print(json.dumps(out))


if __name__ == "__main__":
    main()
