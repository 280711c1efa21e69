#!/usr/bin/python3
"""torch_bench.py — the PyTorch side of tests/bench/train/run.sh: the same dnn/cnn/dscnn as
lib/nn's defaults (lib/nn/models.c, lib/nn/hparams.c), trained on random data on the CPU with
Adam; prints one JSON line like nn_bench. Run with thread variables set by run.sh.
    torch_bench.py MODEL THREADS [BATCH [FRAMES [MELS [SECONDS [ARCH]]]]]
ARCH: JSON of channels, blocks, dropout over the defaults below (as nn_bench takes it).
Start-up as nn_bench measures it: from BENCH_LAUNCH_NS (set by run.sh just before it starts the
interpreter; else from the first line of this file, imports then included) to the start of the
first training step (setup_ms) and to its end (first_step_ms); setup_cpu_ms: the process's CPU time
up to that first step."""
import os
import time

T_MAIN = time.time()

import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

CLASSES = 12


def build(model, frames, mels, arch=None):
    a = {"dnn": {"channels": 128, "blocks": 3, "dropout": 0.2}, "cnn": {"channels": 32, "dropout": 0.2},
         "dscnn": {"channels": 64, "blocks": 4, "dropout": 0.1}}[model]
    a.update(arch or {})
    pad = lambda k: (k[0] // 2, k[1] // 2)
    if model == "dnn":        # channels 128, blocks 3, dropout 0.2
        layers, w = [nn.Flatten()], frames * mels
        for _ in range(a["blocks"]):
            layers += [nn.Linear(w, a["channels"]), nn.ReLU()] + ([nn.Dropout(a["dropout"])] if a["dropout"] > 0 else [])
            w = a["channels"]
        return nn.Sequential(*layers, nn.Linear(w, CLASSES))
    if model == "cnn":        # channels 32, kernel [10,4] stride [2,2], inner [3,3], pool [2,2], hidden 128, dropout 0.2
        C, drop = a["channels"], ([nn.Dropout(a["dropout"])] if a["dropout"] > 0 else [])
        feat = nn.Sequential(nn.Conv2d(1, C, (10, 4), (2, 2), pad((10, 4))), nn.ReLU(),
                             nn.Conv2d(C, C, (3, 3), 1, (1, 1)), nn.ReLU(), nn.MaxPool2d((2, 2)), nn.Flatten())
        with torch.no_grad():
            w = feat(torch.zeros(1, 1, frames, mels)).shape[1]
        return nn.Sequential(*feat, *drop, nn.Linear(w, 128), nn.ReLU(), *drop, nn.Linear(128, CLASSES))
    # dscnn: channels 64, blocks 4, kernel [10,4] stride [2,2], inner 3, dropout 0.1
    C = a["channels"]
    layers = [nn.Conv2d(1, C, (10, 4), (2, 2), pad((10, 4)), bias=False), nn.BatchNorm2d(C), nn.ReLU()]
    for _ in range(a["blocks"]):
        layers += [nn.Conv2d(C, C, 3, 1, 1, groups=C, bias=False), nn.BatchNorm2d(C), nn.ReLU(),
                   nn.Conv2d(C, C, 1, bias=False), nn.BatchNorm2d(C), nn.ReLU()]
    drop = [nn.Dropout(a["dropout"])] if a["dropout"] > 0 else []
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), *drop, nn.Linear(C, CLASSES))


def since_launch():
    launch = os.environ.get("BENCH_LAUNCH_NS")
    return time.time() - (int(launch) * 1e-9 if launch else T_MAIN)


def main():
    a = sys.argv[1:]
    model, threads = a[0], int(a[1])
    batch, frames, mels = (int(a[2]) if len(a) > 2 else 64), (int(a[3]) if len(a) > 3 else 101), (int(a[4]) if len(a) > 4 else 40)
    seconds = float(a[5]) if len(a) > 5 else 3.0
    arch = json.loads(a[6]) if len(a) > 6 else None
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    m = build(model, frames, mels, arch)
    m.train()
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    x = torch.randn(batch, 1, frames, mels)
    y = torch.randint(0, CLASSES, (batch,))

    def step():
        opt.zero_grad()
        F.cross_entropy(m(x), y).backward()
        opt.step()

    setup, setup_cpu = since_launch(), time.process_time()
    step()
    first = since_launch()
    step()
    steps, start, start_cpu = 0, time.monotonic(), time.process_time()
    while True:
        step()
        steps += 1
        el = time.monotonic() - start
        if el >= seconds and steps >= 3:
            break
    cpu = time.process_time() - start_cpu
    print(json.dumps({"impl": "torch", "version": torch.__version__, "model": model, "threads": threads,
                      "batch": batch, "input": [1, frames, mels], "params": sum(p.numel() for p in m.parameters()),
                      "steps": steps, "step_ms": round(1e3 * el / steps, 3), "cpu_ms_per_step": round(1e3 * cpu / steps, 3), "samples_per_s": round(steps * batch / el, 1),
                      "setup_ms": round(1e3 * setup, 2), "setup_cpu_ms": round(1e3 * setup_cpu, 2), "first_step_ms": round(1e3 * first, 2),
                      "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


if __name__ == "__main__":
    main()
