#!/usr/bin/python3
"""torch_startup.py — the Python + PyTorch side of tests/bench/train/startup.sh: what a training
script does before its first step on a wakesweep feature cache, timed from the launch
(BENCH_LAUNCH_NS, set by startup.sh just before it starts the interpreter): import numpy and
torch, map the cache (lib/audio/cache.h layout, read as tests/bench/sweep/sweep_ref.py reads it),
the per-band log-mel mean and deviation of at most 512 training clips (as lib/trainer/data.c),
the study's dscnn and AdamW, the first batch standardized. Prints one JSON line. With STEPS
(tests/bench/train/memory.sh) it goes on to STEPS training steps on random batches and gives its
peak resident memory and parameter count too.
    torch_startup.py CACHE CHANNELS BLOCKS BATCH [STEPS]"""
import os
import resource
import time

T_MAIN = time.time()

import json  # noqa: E402
import struct  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

LOG_EPS = 1e-6


def since_launch():
    launch = os.environ.get("BENCH_LAUNCH_NS")
    return time.time() - (int(launch) * 1e-9 if launch else T_MAIN)


def read_cache(path):
    with open(path, "rb") as f:
        hdr = f.read(256)
    if hdr[:8] != b"WSFCACHE":
        sys.exit("torch_startup.py: %s: not a wakesweep feature cache" % path)
    n_clips, = struct.unpack_from("<Q", hdr, 40)
    n_frames, n_mels, n_classes = struct.unpack_from("<3I", hdr, 48)
    sec = [struct.unpack_from("<QQ", hdr, 72 + 16 * s) for s in range(7)]
    (f_off, _), (l_off, _), (s_off, _) = sec[0], sec[1], sec[2]
    feats = np.memmap(path, dtype="<f4", mode="r", offset=f_off, shape=(n_clips, n_frames, n_mels))
    labels = np.fromfile(path, dtype="<i4", count=n_clips, offset=l_off)
    splits = np.fromfile(path, dtype="<i4", count=n_clips, offset=s_off)
    return feats, labels, splits, n_classes


def dscnn(C, blocks, n_classes):
    layers = [nn.Conv2d(1, C, (10, 4), (2, 2), (5, 2), bias=False), nn.BatchNorm2d(C), nn.ReLU()]
    for _ in range(blocks):
        layers += [nn.Conv2d(C, C, 3, 1, 1, groups=C, bias=False), nn.BatchNorm2d(C), nn.ReLU(),
                   nn.Conv2d(C, C, 1, bias=False), nn.BatchNorm2d(C), nn.ReLU()]
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(C, n_classes))


def main():
    path, channels, blocks, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    steps = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    torch.set_num_threads(1)
    feats, labels, splits, n_classes = read_cache(path)
    train = np.flatnonzero(splits == 0)
    take = min(len(train), 512)
    pick = [train[k * len(train) // take] for k in range(take)]
    x = np.log(np.asarray(feats[pick], dtype=np.float32) + np.float32(LOG_EPS)).astype(np.float64).reshape(-1, feats.shape[2])
    mean = x.mean(0)
    inv_std = 1.0 / np.sqrt(np.maximum((x * x).mean(0) - mean * mean, 1e-8))
    torch.manual_seed(1)
    m = dscnn(channels, blocks, n_classes)
    m.train()
    opt = torch.optim.AdamW(m.parameters(), lr=1e-3)
    rng = np.random.default_rng(1)

    def batch_of(idx):
        idx = np.sort(idx)
        xb = torch.from_numpy(((np.log(feats[idx] + np.float32(LOG_EPS)) - mean) * inv_std).astype(np.float32)[:, None])
        return xb, torch.from_numpy(labels[idx].astype(np.int64))
    xb, yb = batch_of(rng.permutation(train)[:batch])
    setup, setup_cpu = since_launch(), time.process_time()
    for step in range(steps):
        if step:
            xb, yb = batch_of(rng.permutation(train)[:batch])
        opt.zero_grad()
        nn.functional.cross_entropy(m(xb), yb).backward()
        opt.step()
        if not step:
            first = since_launch()
    out = {"impl": "torch", "version": torch.__version__, "setup_ms": round(1e3 * setup, 2),
           "setup_cpu_ms": round(1e3 * setup_cpu, 2), "first_step_ms": round(1e3 * first, 2)}
    if steps > 1:
        out.update(steps=steps, n_params=sum(p.numel() for p in m.parameters()),
                   n_buffers=sum(b.numel() for b in m.buffers() if b.dtype == torch.float32),
                   max_rss_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
