#!/usr/bin/python3
"""quality_ref.py — the Python half of tests/bench/train/quality.sh (read its header first).

    quality_ref.py ckpt --features CACHE --ckpt TRIAL.ckpt   evaluates a train-trial checkpoint in torch
    quality_ref.py table WORK                                 prints the table of a quality.sh run

ckpt: loads a wakesweep checkpoint (lib/nn/checkpoint.c: magic, version, header length and checksum,
JSON header, then float32 weights, parameters before buffers in torch's order) into the dscnn of
tests/bench/sweep/sweep_ref.py and evaluates it on the cache's validation split with the
standardization the checkpoint holds: F1 and accuracy as sweep_ref computes them (compared with
the trial's own metrics by the caller, a check that the weights were read right) and the mean
cross-entropy, which train-trial does not report. Prints one JSON line.

table: per seed, both sides' validation F1, accuracy and loss at the end of training, each side's
mean and sample standard deviation, and the difference of the means with Welch's t and a two-sided
permutation test of the difference (exact: every split of the 2S runs into two groups of S, while
those are at most 100 000; else 100 000 random ones, seeded): numpy only (no scipy on Debian's
minimal install). Also each side's wall time of a training (process start to exit).
"""
import itertools
import json
import math
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sweep"))
import numpy as np  # noqa: E402

METRICS = [("f1", "F1"), ("accuracy", "accuracy"), ("loss", "loss")]


# ------------------------------------------------------------------------------------- checkpoint
def read_ckpt(path):
    with open(path, "rb") as f:
        d = f.read()
    if d[:8] != b"WSNNCKPT":
        sys.exit("quality_ref.py: %s: not a wakesweep checkpoint" % path)
    version, hlen = struct.unpack_from("<II", d, 8)
    pre = 16 if version == 1 else 24
    header = json.loads(d[pre:pre + hlen])
    weights = np.frombuffer(d, dtype="<f4", offset=pre + hlen)
    return header, weights


def cmd_ckpt(features, ckpt):
    import torch
    import torch.nn as tnn
    import sweep_ref as ref
    torch.set_num_threads(1)
    h, w = read_ckpt(ckpt)
    mc = h["model"]
    if mc["model"] != "dscnn" or mc.get("hidden", 0):
        sys.exit("quality_ref.py: %s: model %s: only dscnn is read" % (ckpt, mc["model"]))
    model = ref.dscnn(mc["channels"], mc["blocks"], mc["dropout"], h["n_classes"], ref.pair(mc["kernel"]),
                      ref.pair(mc["stride"]), ref.pair(mc["inner_kernel"]))
    # parameters in torch's order, then each BatchNorm's running mean and variance
    bn = [m for m in model.modules() if isinstance(m, tnn.BatchNorm2d)]
    targets = list(model.parameters()) + [b for m in bn for b in (m.running_mean, m.running_var)]
    tensors = h["tensors"]
    if len(tensors) != len(targets) or w.size != sum(t.numel() for t in targets):
        sys.exit("quality_ref.py: %s: %d tensors, %d floats; the torch dscnn has %d, %d"
                 % (ckpt, len(tensors), w.size, len(targets), sum(t.numel() for t in targets)))
    at = 0
    with torch.no_grad():
        for t, info in zip(targets, tensors):
            if list(t.shape) != info["shape"]:
                sys.exit("quality_ref.py: %s: %s has shape %s, torch's %s" % (ckpt, info["name"], info["shape"], list(t.shape)))
            t.copy_(torch.from_numpy(w[at:at + t.numel()].reshape(t.shape).copy()))
            at += t.numel()
    cache = ref.read_cache(features)
    positive = h["features"].get("positive") or "hey_nova"
    data = ref.Data(cache, positive)
    norm = h["features"]["normalize"]
    mean, inv_std = np.array(norm["mean"], np.float32), np.array(norm["inv_std"], np.float32)
    # the standardization sweep_ref computes itself (the torch side's) against the one trained with
    norm_diff = float(max(np.abs(mean - data.mean).max(), np.abs(inv_std - data.inv_std).max()))
    model.eval()
    k, pos = h["n_classes"], data.pos
    conf = np.zeros((k, k), dtype=np.int64)
    loss = 0.0
    idx = data.val_idx
    with torch.no_grad():
        for s in range(0, len(idx), 64):
            j = idx[s:s + 64]
            x = (np.log(np.asarray(cache["features"][j], np.float32) + np.float32(ref.LOG_EPS)) - mean) * inv_std
            z = model(torch.from_numpy(x[:, None].astype(np.float32)))
            y = torch.from_numpy(cache["labels"][j].astype(np.int64))
            loss += tnn.functional.cross_entropy(z, y, reduction="sum").item()
            np.add.at(conf, (y.numpy(), z.argmax(1).numpy()), 1)
    f1, _fpr, _frr = ref.positive_metrics(conf, pos)
    print(json.dumps({"f1": f1, "accuracy": float(np.trace(conf) / conf.sum()), "loss": loss / len(idx),
                      "norm_max_abs_diff": norm_diff, "clips": int(len(idx))}))


# ------------------------------------------------------------------------------------------ table
def mean_sd(x):
    x = np.asarray(x, float)
    return float(x.mean()), float(x.std(ddof=1)) if len(x) > 1 else float("nan")


def welch(a, b):
    """Welch's t of mean(a) - mean(b) and its Welch-Satterthwaite degrees of freedom."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    if va + vb == 0:
        return float("nan"), float("nan")
    t = (a.mean() - b.mean()) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    return float(t), float(df)


def permutation_p(a, b, limit=100000):
    """Two-sided p of |mean(a) - mean(b)| under exchangeability of the 2S runs' labels."""
    x = np.concatenate([np.asarray(a, float), np.asarray(b, float)])
    n, na = len(x), len(a)
    obs = abs(x[:na].mean() - x[na:].mean())
    total = x.sum()
    if math.comb(n, na) <= limit:
        sums = np.array([x[list(c)].sum() for c in itertools.combinations(range(n), na)])
        exact = True
    else:
        rng = np.random.default_rng(12345)
        sums = np.array([x[rng.permutation(n)[:na]].sum() for _ in range(limit)])
        exact = False
    d = np.abs(sums / na - (total - sums) / (n - na))
    return float(np.mean(d >= obs - 1e-12)), exact


def cmd_table(work):
    runs = json.load(open(os.path.join(work, "runs.json")))
    seeds = [r["seed"] for r in runs]
    ours = {m: [r["ours"][m] for r in runs] for m, _ in METRICS}
    torch_ = {m: [r["torch"][m] for r in runs] for m, _ in METRICS}
    ow, tw = [r["ours"]["wall"] for r in runs], [r["torch"]["wall"] for r in runs]
    print("validation split at the end of training (%d clips); higher F1/accuracy and lower loss are better"
          % runs[0]["val_clips"])
    print("%-5s | %-33s | %-33s" % ("", "wakesweep train-trial", "PyTorch (sweep_ref.py)"))
    print("%-5s | %7s %9s %7s %7s | %7s %9s %7s %7s" % ("seed", "F1", "accuracy", "loss", "wall s",
                                                        "F1", "accuracy", "loss", "wall s"))
    for i, s in enumerate(seeds):
        print("%-5s | %7.4f %9.4f %7.4f %7.1f | %7.4f %9.4f %7.4f %7.1f"
              % (s, ours["f1"][i], ours["accuracy"][i], ours["loss"][i], ow[i],
                 torch_["f1"][i], torch_["accuracy"][i], torch_["loss"][i], tw[i]))
    print()
    print("%-9s %-17s %-17s %9s %7s %6s %7s" % ("metric", "wakesweep m ± sd", "PyTorch m ± sd", "diff", "Welch t", "df", "perm p"))
    exact = True
    for m, name in METRICS + [("wall", "wall s")]:
        a, b = (ow, tw) if m == "wall" else (ours[m], torch_[m])
        (ma, sa), (mb, sb) = mean_sd(a), mean_sd(b)
        t, df = welch(a, b)
        p, ex = permutation_p(a, b)
        exact = exact and ex
        f = "%8.1f ± %-6.1f %8.1f ± %-6.1f %+9.1f" if m == "wall" else "%8.4f ± %-6.4f %8.4f ± %-6.4f %+9.4f"
        print(("%-9s " + f + " %7.2f %6.1f %7.3f") % (name, ma, sa, mb, sb, ma - mb, t, df, p))
    n = len(seeds)
    print("(diff: wakesweep - PyTorch; sd: sample sd over %d seeds; perm p: two-sided permutation test of the"
          " difference of means, %s; with %d seeds a side the smallest p it can give is %.3f)"
          % (n, "exact (all %d splits)" % math.comb(2 * n, n) if exact else "100000 random splits",
             n, 2 / math.comb(2 * n, n)))
    checks = [r["ours"]["ckpt_check"] for r in runs]
    print("check: torch's F1/accuracy of train-trial's final weights match train-trial's own within %.1g;"
          " standardization differs by at most %.1g"
          % (max(c["metric_diff"] for c in checks), max(c["norm_max_abs_diff"] for c in checks)))


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "table" and len(sys.argv) == 3:
        return cmd_table(sys.argv[2])
    if len(sys.argv) == 6 and sys.argv[1] == "ckpt" and sys.argv[2] == "--features" and sys.argv[4] == "--ckpt":
        return cmd_ckpt(sys.argv[3], sys.argv[5])
    sys.exit(__doc__)


if __name__ == "__main__":
    main()
