#!/usr/bin/python3
"""make_nn_golden.py — PyTorch reference values for lib/nn (tests/unit/test_nn_parity.c).

Run with Debian's python3-torch:  /usr/bin/python3 tests/ref/make_nn_golden.py [OUTDIR]
(default OUTDIR: tests/ref/nn). The files are committed; rerun only when the cases change.

Each file is one line of JSON (the header: configs, labels, scalar results and where each
tensor lies) followed by little-endian float32 data. Models are built in torch exactly as
lib/nn/models.c builds them (same layer order, so named_parameters() lines up with our
flat parameter vector), initialised by torch's own defaults, and run in float64: the reference
is the exact answer for the float32 weights, and our float32 run is compared against it.
"""
import json
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn")
FRAMES, FEATS, BATCH, CLASSES = 20, 10, 4, 3


class Blob:
    """Collects named float32 tensors and writes header line + data."""

    def __init__(self):
        self.parts, self.index, self.offset = [], {}, 0

    def add(self, name, t):
        a = np.asarray(t.detach().cpu().numpy() if torch.is_tensor(t) else t, dtype="<f4").ravel()
        self.index[name] = {"offset": self.offset, "count": int(a.size)}
        self.parts.append(a)
        self.offset += a.size

    def write(self, path, header):
        header = dict(header, tensors=self.index)
        with open(path, "wb") as f:
            f.write((json.dumps(header, separators=(",", ":")) + "\n").encode())
            for a in self.parts:
                f.write(a.tobytes())


def pad(k):
    return (k[0] // 2, k[1] // 2)


def build(cfg, frames=FRAMES, feats=FEATS, classes=CLASSES, device=None):
    """The model of cfg for [1][frames][feats] inputs and `classes` outputs. device="meta" builds it
    without allocating (tests/cli/fixtures.sh's torch_sizes: models past any machine's memory)."""
    C, dev = cfg["channels"], device
    if cfg["model"] == "dnn":
        layers, width = [nn.Flatten()], frames * feats
        for _ in range(cfg["blocks"]):
            layers += [nn.Linear(width, C, device=dev), nn.ReLU()]
            width = C
        layers += [nn.Linear(width, classes, device=dev)]
    elif cfg["model"] == "cnn":
        k, s, ik, p = cfg["kernel"], cfg["stride"], cfg["inner_kernel"], cfg["pool"]
        layers = [nn.Conv2d(1, C, k, s, pad(k), device=dev), nn.ReLU(), nn.Conv2d(C, C, ik, 1, pad(ik), device=dev),
                  nn.ReLU(), nn.MaxPool2d(p), nn.Flatten()]
        with torch.no_grad():
            width = nn.Sequential(*layers)(torch.zeros(1, 1, frames, feats, device=dev)).shape[1]
        layers += [nn.Linear(width, cfg["hidden"], device=dev), nn.ReLU(), nn.Linear(cfg["hidden"], classes, device=dev)]
    else:
        k, s, ik = cfg["kernel"], cfg["stride"], cfg["inner_kernel"]
        layers = [nn.Conv2d(1, C, k, s, pad(k), bias=False, device=dev), nn.BatchNorm2d(C, device=dev), nn.ReLU()]
        for _ in range(cfg["blocks"]):
            layers += [nn.Conv2d(C, C, ik, 1, pad(ik), groups=C, bias=False, device=dev), nn.BatchNorm2d(C, device=dev),
                       nn.ReLU(), nn.Conv2d(C, C, 1, bias=False, device=dev), nn.BatchNorm2d(C, device=dev), nn.ReLU()]
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(C, classes, device=dev)]
    return nn.Sequential(*layers)


def flat_params(m):
    return torch.cat([p.detach().reshape(-1) for p in m.parameters()])


def flat_grads(m):
    return torch.cat([p.grad.detach().reshape(-1) for p in m.parameters()])


def flat_buffers(m):
    bufs = [b.detach().reshape(-1) for n, b in m.named_buffers() if not n.endswith("num_batches_tracked")]
    return torch.cat(bufs) if bufs else torch.zeros(0, dtype=torch.float64)


RUNS = {
    "sgd": {"optimizer": "sgd", "learning_rate": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-3},
    "adam": {"optimizer": "adam", "learning_rate": 0.01, "weight_decay": 1e-3},
    "adamw": {"optimizer": "adamw", "learning_rate": 0.01, "weight_decay": 0.05},
    "sgd_clip": {"optimizer": "sgd", "learning_rate": 0.1, "momentum": 0.9, "weight_decay": 0.0, "clip_norm": 0.05},
}
# Edges of torch's ranges (betas in [0, 1)): a beta within 2^-25 of 1 is 1 in float32, and
# 1 - beta taken in float32 is then 0, where torch takes it in float64 (0.99999999: v grows by
# 1e-8 g^2 a step and sqrt(v / (1 - beta2^t)) is |g|, not 0).
EDGE_RUNS = {
    "adam_beta2_1e-8": {"optimizer": "adam", "learning_rate": 0.01, "beta2": 0.99999999, "weight_decay": 0.0},
    "adam_beta1_1e-8": {"optimizer": "adam", "learning_rate": 0.01, "beta1": 0.99999999, "weight_decay": 0.0},
    "adamw_betas_1e-8": {"optimizer": "adamw", "learning_rate": 0.01, "beta1": 0.99999999, "beta2": 0.99999999,
                         "eps": 1e-6, "weight_decay": 0.01},
}
SMOOTHING = 0.1
STEPS = 3


def make_optim(o, params):
    if o["optimizer"] == "sgd":
        return torch.optim.SGD(params, lr=o["learning_rate"], momentum=o["momentum"],
                               nesterov=o.get("nesterov", False), weight_decay=o["weight_decay"])
    cls = torch.optim.Adam if o["optimizer"] == "adam" else torch.optim.AdamW
    return cls(params, lr=o["learning_rate"], betas=(o.get("beta1", 0.9), o.get("beta2", 0.999)),
               eps=o.get("eps", 1e-8), weight_decay=o["weight_decay"])


def model_case(name, cfg, seed, runs=RUNS):
    torch.manual_seed(seed)
    m0 = build(cfg)                         # float32 weights from torch's default init
    x = torch.randn(BATCH, 1, FRAMES, FEATS)
    y = torch.tensor([0, 2, 1, 2])
    blob = Blob()
    blob.add("x", x)
    blob.add("params0", flat_params(m0))
    blob.add("buffers0", flat_buffers(m0))

    m = build(cfg).double()
    m.load_state_dict({k: v.double() if v.is_floating_point() else v for k, v in m0.state_dict().items()})
    m.train()
    xd = x.double()
    logits = m(xd)
    loss = F.cross_entropy(logits, y, label_smoothing=SMOOTHING)
    loss.backward()
    blob.add("logits", logits)
    blob.add("grads", flat_grads(m))
    blob.add("buffers1", flat_buffers(m))   # running stats after one train forward
    header = {"config": cfg, "n_classes": CLASSES, "input": [BATCH, 1, FRAMES, FEATS], "labels": y.tolist(),
              "label_smoothing": SMOOTHING, "loss": loss.item(), "steps": STEPS, "runs": {}}

    for run in runs:
        m = build(cfg).double()
        m.load_state_dict({k: v.double() if v.is_floating_point() else v for k, v in m0.state_dict().items()})
        m.train()
        opt = make_optim(runs[run], m.parameters())
        losses = []
        for _ in range(STEPS):
            opt.zero_grad()
            l = F.cross_entropy(m(xd), y, label_smoothing=SMOOTHING)
            l.backward()
            if runs[run].get("clip_norm"):
                torch.nn.utils.clip_grad_norm_(m.parameters(), runs[run]["clip_norm"])
            opt.step()
            losses.append(l.item())
        blob.add(run + ".params", flat_params(m))
        blob.add(run + ".buffers", flat_buffers(m))
        header["runs"][run] = {"optim": runs[run], "losses": losses}
        if run == "sgd":
            m.eval()
            with torch.no_grad():
                blob.add("sgd.eval_logits", m(xd))
    blob.write(os.path.join(OUT, name + ".bin"), header)
    print(f"{name}: {flat_params(m0).numel()} parameters, loss {loss.item():.6f}")


# A whole short run as train-trial runs it (lib/trainer/run.c's train_part): each epoch a fresh
# order of the clips in batches of SCHED_BATCH (the last one smaller), accumulate k: zero the
# gradients at every k-th batch, add each batch's loss / k, and an optimizer step after every k-th
# batch and after the epoch's last (which takes the batches left, still divided by k); clip the
# summed gradients; step the scheduler after the optimizer, as torch's docs have it. train-trial(1):
# an epoch has ceil(batches / k) optimizer steps, the steps the schedule counts; warmup over
# W = round(warmup_epochs * steps per epoch) of them, step t (from 0) at lr (t+1)/W; cosine is
# CosineAnnealingLR (eta_min 0) over the T - W steps after warmup.
SCHED_CLIPS, SCHED_BATCH, SCHED_EPOCHS = 18, 4, 4       # 5 batches an epoch: 3 steps at k = 2, 12 in all
SCHED_RUNS = {
    "adamw_warmup_cosine": {"optimizer": "adamw", "learning_rate": 0.01, "weight_decay": 0.05, "schedule": "cosine",
                            "warmup_epochs": 1, "accumulate": 2, "clip_norm": 0.5},
    "sgd_cosine": {"optimizer": "sgd", "learning_rate": 0.05, "momentum": 0.9, "weight_decay": 1e-3,
                   "schedule": "cosine", "accumulate": 2, "clip_norm": 0.5},
    "adam_warmup_constant": {"optimizer": "adam", "learning_rate": 0.01, "weight_decay": 1e-3, "schedule": "constant",
                             "warmup_epochs": 1.2, "accumulate": 3},
}


def make_scheduler(o, opt, total, warmup):
    """torch's own schedulers for our schedule (no LambdaLR of our formula: the formula is checked
    against them). Warmup is LinearLR from 1/W to 1 over W - 1 scheduler steps, so step t < W runs
    at (t+1)/W; SequentialLR hands over to the cosine at step W."""
    after = (torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total - warmup, eta_min=0.0)
             if o["schedule"] == "cosine" else torch.optim.lr_scheduler.ConstantLR(opt, factor=1.0, total_iters=0))
    if warmup <= 1:   # W = 1 runs step 0 at lr (0 + 1) / 1: no warmup (and LinearLR needs total_iters >= 1)
        return after
    warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1.0 / warmup, end_factor=1.0, total_iters=warmup - 1)
    # SequentialLR itself starts the cosine with step(0), which torch 1.13 warns is deprecated
    warnings.filterwarnings("ignore", "The epoch parameter", UserWarning)
    return torch.optim.lr_scheduler.SequentialLR(opt, [warm, after], milestones=[warmup])


def documented_lr(o, t, total, warmup):
    """train-trial(1)'s formula, written from the man page."""
    if t < warmup:
        return o["learning_rate"] * (t + 1) / warmup
    if o["schedule"] == "constant":
        return o["learning_rate"]
    return o["learning_rate"] * (1 + np.cos(np.pi * (t - warmup) / (total - warmup))) / 2


def schedule_case(name, cfg, seed):
    torch.manual_seed(seed)
    m0 = build(cfg)
    x = torch.randn(SCHED_CLIPS, 1, FRAMES, FEATS)
    y = torch.randint(0, CLASSES, (SCHED_CLIPS,))
    orders = [torch.randperm(SCHED_CLIPS).tolist() for _ in range(SCHED_EPOCHS)]
    blob = Blob()
    blob.add("x", x)
    blob.add("params0", flat_params(m0))
    blob.add("buffers0", flat_buffers(m0))
    batches = (SCHED_CLIPS + SCHED_BATCH - 1) // SCHED_BATCH
    header = {"config": cfg, "n_classes": CLASSES, "input": [SCHED_CLIPS, 1, FRAMES, FEATS], "labels": y.tolist(),
              "label_smoothing": SMOOTHING, "batch": SCHED_BATCH, "orders": orders, "runs": {}}
    xd = x.double()
    for run, o in SCHED_RUNS.items():
        k = o["accumulate"]
        per_epoch = (batches + k - 1) // k
        total, warmup = per_epoch * SCHED_EPOCHS, int(np.floor(o.get("warmup_epochs", 0) * per_epoch + 0.5))
        m = build(cfg).double()
        m.load_state_dict({kk: v.double() if v.is_floating_point() else v for kk, v in m0.state_dict().items()})
        m.train()
        opt = make_optim(o, m.parameters())
        sched = make_scheduler(o, opt, total, warmup)
        lrs, losses, clipped = [], [], 0
        for order in orders:
            for b in range(batches):
                idx = order[b * SCHED_BATCH:(b + 1) * SCHED_BATCH]
                if b % k == 0:
                    opt.zero_grad()
                loss = F.cross_entropy(m(xd[idx]), y[idx], label_smoothing=SMOOTHING)
                (loss / k).backward()
                losses.append(loss.item())
                if (b + 1) % k == 0 or b + 1 == batches:
                    if o.get("clip_norm"):
                        norm = torch.nn.utils.clip_grad_norm_(m.parameters(), o["clip_norm"])
                        clipped += bool(norm > o["clip_norm"])
                    lrs.append(opt.param_groups[0]["lr"])
                    opt.step()
                    sched.step()
        assert len(lrs) == total
        for t, lr in enumerate(lrs):
            want = documented_lr(o, t, total, warmup)
            assert abs(lr - want) <= 1e-12 * o["learning_rate"], (run, t, lr, want)
        blob.add(run + ".params", flat_params(m))
        blob.add(run + ".buffers", flat_buffers(m))
        header["runs"][run] = {"optim": o, "total_steps": total, "warmup_steps": warmup, "lrs": lrs,
                               "losses": losses, "clipped_steps": clipped}
        print(f"{name} {run}: {total} steps, warmup {warmup}, clipped {clipped}, last loss {losses[-1]:.6f}")
    blob.write(os.path.join(OUT, name + ".bin"), header)


def focal_reference(z, y, k, smoothing, weights, gamma):
    """Our generalised loss, written directly: sum_c a_c (1-p_c)^gamma (-log p_c) / sum_i w_{y_i}."""
    logp = F.log_softmax(z, dim=1)
    p = logp.exp()
    w = weights if weights is not None else torch.ones(k, dtype=z.dtype)
    a = (1 - smoothing) * F.one_hot(y, k).to(z.dtype) * w[y][:, None] + (smoothing / k) * w[None, :]
    return (a * (-(1 - p) ** gamma * logp)).sum() / w[y].sum()


def loss_cases():
    torch.manual_seed(7)
    n, k = 6, 4
    z = (torch.randn(n, k, dtype=torch.float64) * 3).float().double()
    z[5] = torch.tensor([20.0, 0.0, 0.0, 0.0], dtype=torch.float64)   # p close to 1: the expm1 path
    y = torch.tensor([0, 3, 1, 2, 3, 0])
    w = torch.tensor([0.5, 2.0, 1.0, 0.25], dtype=torch.float64)
    cases = [("plain", 0.0, None, 0.0), ("smooth", 0.1, None, 0.0), ("weights", 0.0, w, 0.0),
             ("smooth_weights", 0.2, w, 0.0), ("focal", 0.0, None, 2.0),
             ("focal_smooth_weights", 0.1, w, 0.5)]
    blob = Blob()
    blob.add("logits", z)
    header = {"n": n, "k": k, "labels": y.tolist(), "weights": w.tolist(), "cases": []}
    for name, s, wt, gamma in cases:
        zz = z.clone().requires_grad_(True)
        if gamma == 0:
            loss = F.cross_entropy(zz, y, weight=wt, label_smoothing=s)    # torch's own, independent
            check = focal_reference(z, y, k, s, wt, 0.0)
            assert abs(check.item() - loss.item()) < 1e-12, (name, check.item(), loss.item())
        else:
            loss = focal_reference(zz, y, k, s, wt, gamma)
        loss.backward()
        blob.add(name + ".grad", zz.grad)
        header["cases"].append({"name": name, "label_smoothing": s, "weighted": wt is not None,
                                "focal_gamma": gamma, "loss": loss.item()})
    blob.write(os.path.join(OUT, "loss.bin"), header)
    print("loss: %d cases" % len(cases))


NAN, INF = float("nan"), float("inf")


def nan_cases():
    """NaN and the signed zeros through ReLU and max pooling, torch's way: relu(NaN) is NaN and
    passes its gradient (threshold_backward masks where the output is <= 0); a window holding a
    NaN pools to NaN and routes its gradient to the last NaN (the scan takes a value that is
    larger or NaN), otherwise to the first maximum."""
    blob = Blob()
    x = torch.tensor([NAN, -0.0, -1.5, 2.0, INF, -INF, 0.0, 3.0], requires_grad=True)
    dy = torch.arange(1.0, 9.0)
    y = torch.relu(x)
    y.backward(dy)
    blob.add("relu.x", x)
    blob.add("relu.dy", dy)
    blob.add("relu.y", y)
    blob.add("relu.dx", x.grad)
    # windows in the order (0,0), (0,1), (1,0), (1,1), side by side in a 2 x 16 plane
    windows = [[1, NAN, 3, 2], [NAN, 5, 3, NAN], [NAN, NAN, NAN, NAN], [4, 4, 1, 4],
               [-INF, NAN, 1, 2], [1, 2, 3, NAN], [-0.0, 0.0, -1, -2], [7, 1, NAN, 9]]
    plane = torch.zeros(2, 2 * len(windows))
    for k, (a0, a1, b0, b1) in enumerate(windows):
        plane[0, 2 * k], plane[0, 2 * k + 1], plane[1, 2 * k], plane[1, 2 * k + 1] = a0, a1, b0, b1
    pools = [("pool2x2", plane, (2, 2)),
             ("pool3x2", torch.tensor([[1, NAN, 2, 0, 9, 1], [3, 4, NAN, 0, 5, NAN], [NAN, 8, 1, 9, 2, 3]]), (3, 2))]
    header = {"pools": []}
    for name, p, (kh, kw) in pools:
        xp = p.reshape(1, 1, *p.shape).clone().requires_grad_(True)
        yp = F.max_pool2d(xp, (kh, kw), (kh, kw))
        dyp = torch.arange(1.0, yp.numel() + 1).reshape(yp.shape)
        yp.backward(dyp)
        blob.add(name + ".x", xp)
        blob.add(name + ".y", yp)
        blob.add(name + ".dy", dyp)
        blob.add(name + ".dx", xp.grad)
        header["pools"].append({"name": name, "h": p.shape[0], "w": p.shape[1], "kh": kh, "kw": kw})
    blob.write(os.path.join(OUT, "nan.bin"), header)
    print("nan: relu and %d pools" % len(pools))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    model_case("dnn", {"model": "dnn", "channels": 8, "blocks": 2, "dropout": 0.0}, 1)
    model_case("cnn", {"model": "cnn", "channels": 4, "kernel": [5, 3], "stride": [2, 2], "inner_kernel": [3, 3],
                       "pool": [2, 2], "hidden": 8, "dropout": 0.0}, 2)
    model_case("dscnn", {"model": "dscnn", "channels": 8, "blocks": 2, "kernel": [4, 3], "stride": [2, 2],
                         "inner_kernel": [3, 3], "dropout": 0.0}, 3)
    model_case("dnn_optim_edges", {"model": "dnn", "channels": 8, "blocks": 2, "dropout": 0.0}, 4, EDGE_RUNS)
    schedule_case("dscnn_schedule", {"model": "dscnn", "channels": 8, "blocks": 2, "kernel": [4, 3], "stride": [2, 2],
                                     "inner_kernel": [3, 3], "dropout": 0.0}, 5)
    loss_cases()
    nan_cases()


if __name__ == "__main__":
    main()
