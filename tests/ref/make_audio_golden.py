#!/usr/bin/env python3
"""make_audio_golden.py — golden files for lib/audio's parity tests, made with torchaudio (the
independent reference; never with our code). Run from the repository root with Debian's Python:

    /usr/bin/python3 tests/ref/make_audio_golden.py

Writes tests/ref/audio/:
  signals.f32   the test signals, float32 little-endian, back to back
  golden.f32    reference outputs, float32 little-endian, time-major [frames][bins]
                (the layout of the feature cache; torchaudio's own layout is [bins][frames])
  index.json    what lies where: signals (name, offset, length), configs (torchaudio arguments)
                and outputs (signal, transform, config, offset, shape), plus how far torchaudio in
                float32 is from the float64 reference, for scale (max relative error where the
                reference is above 1e-6 of its peak, and max absolute error over the peak)
  which_set.json  Speech Commands' split rule run on many file names: name, SHA-1 of the hashed
                part, and the set (validation 10 %, test 10 %), from the dataset README's code

The reference runs in float64 (torch default dtype set to float64, so the window, the filterbank
and the STFT are all computed in double); the stored values are rounded to float32.
"""
import hashlib
import json
import math
import os
import re

import numpy as np
import torch
import torchaudio

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "audio")
SR = 16000
N = 4000  # 0.25 s: 26 frames with n_fft 512, hop 160, centre on


def signals():
    t = np.arange(N) / SR
    rng = np.random.default_rng(20240611)
    f0, f1 = 100.0, 7000.0
    chirp = 0.7 * np.sin(2 * np.pi * (f0 * t + (f1 - f0) / (2 * t[-1]) * t * t))
    return [
        ("tone", 0.5 * np.sin(2 * np.pi * 440 * t) + 0.25 * np.sin(2 * np.pi * 3000 * t + 0.3)),
        ("chirp", chirp),
        ("noise", 0.1 * rng.standard_normal(N)),
        ("quiet_tone", 1e-3 * np.sin(2 * np.pi * 1234.5 * t)),
        ("silence", np.zeros(N)),
        # a 40 ms tone between digital silence: frames that sound beside frames that are exactly
        # zero in the same FFT call (featurize transforms four frames per call)
        ("burst", np.where((t >= 0.1) & (t < 0.14), 0.5 * np.sin(2 * np.pi * 880 * t), 0.0)),
    ]


MEL_CONFIGS = []
for n_mels in (40, 64):
    for scale in ("htk", "slaney"):
        for norm in (None, "slaney"):
            MEL_CONFIGS.append(dict(n_mels=n_mels, mel_scale=scale, norm=norm, f_min=20.0, f_max=7600.0))
MEL_CONFIGS.append(dict(n_mels=40, mel_scale="htk", norm=None, f_min=0.0, f_max=None))
MEL_CONFIGS.append(dict(n_mels=40, mel_scale="htk", norm=None, f_min=20.0, f_max=7600.0, center=False))
MEL_CONFIGS.append(dict(n_mels=40, mel_scale="slaney", norm="slaney", f_min=20.0, f_max=7600.0,
                        pad_mode="constant"))
MFCC_CONFIGS = [
    dict(n_mfcc=13, n_mels=40, mel_scale="htk", norm=None, f_min=20.0, f_max=7600.0),
    dict(n_mfcc=40, n_mels=40, mel_scale="htk", norm=None, f_min=20.0, f_max=7600.0),
    dict(n_mfcc=13, n_mels=64, mel_scale="slaney", norm="slaney", f_min=20.0, f_max=7600.0),
]
COMMON = dict(sample_rate=SR, n_fft=512, win_length=400, hop_length=160, center=True,
              pad_mode="reflect", power=2.0)


def melspec(cfg):
    return torchaudio.transforms.MelSpectrogram(**{**COMMON, **cfg})


def mfcc(cfg):
    cfg = dict(cfg)
    n_mfcc = cfg.pop("n_mfcc")
    return torchaudio.transforms.MFCC(sample_rate=SR, n_mfcc=n_mfcc, dct_type=2, norm="ortho",
                                      log_mels=True,
                                      melkwargs={k: v for k, v in {**COMMON, **cfg}.items()
                                                 if k != "sample_rate"})


def max_rel(ours, ref):
    """Max relative error where |ref| is above 1e-6 of its peak (the issue's measure)."""
    peak = np.abs(ref).max()
    if peak == 0:
        return float(np.abs(ours).max())
    m = np.abs(ref) > 1e-6 * peak
    return float((np.abs(ours - ref)[m] / np.abs(ref)[m]).max())


def which_set(filename, validation_percentage, testing_percentage):
    # Speech Commands README, verbatim in substance.
    MAX_NUM_WAVS_PER_CLASS = 2 ** 27 - 1
    base_name = os.path.basename(filename)
    hash_name = re.sub(r"_nohash_.*$", "", base_name)
    hash_name_hashed = hashlib.sha1(hash_name.encode("utf-8")).hexdigest()
    percentage_hash = ((int(hash_name_hashed, 16) % (MAX_NUM_WAVS_PER_CLASS + 1)) *
                       (100.0 / MAX_NUM_WAVS_PER_CLASS))
    if percentage_hash < validation_percentage:
        return "validation", hash_name, hash_name_hashed
    if percentage_hash < testing_percentage + validation_percentage:
        return "testing", hash_name, hash_name_hashed
    return "training", hash_name, hash_name_hashed


def which_set_vectors():
    rng = np.random.default_rng(7)
    names = ["", "a", "abc", "x" * 55, "y" * 56, "z" * 64, "w" * 119, "v" * 200,
             "0a2b400e_nohash_0.wav", "0a2b400e_nohash_1.wav", "left/0a2b400e_nohash_3.wav",
             "foo_nohash_bar_nohash_2.wav", "_nohash_.wav", "no_hash_here.wav", "nohash.wav",
             "a/b/c/deadbeef_nohash_12.flac"]
    for i in range(500):
        h = "".join("0123456789abcdef"[d] for d in rng.integers(0, 16, 8))
        kind = i % 4
        if kind == 0:
            names.append(f"{h}_nohash_{rng.integers(0, 6)}.wav")
        elif kind == 1:
            names.append(f"{['yes', 'no', 'hey_nova'][i % 3]}/{h}_nohash_{rng.integers(0, 30)}.wav")
        elif kind == 2:
            names.append(f"speaker{rng.integers(0, 10 ** 6)}.wav")
        else:
            names.append(f"{h}{'_x' * int(rng.integers(0, 40))}_nohash_.wav")
    out = []
    for n in names:
        s, hn, hx = which_set(n, 10.0, 10.0)
        out.append({"name": n, "hashed": hn, "sha1": hx, "set": s})
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(0)
    sigs = signals()
    index = {"sample_rate": SR, "common": COMMON, "signals": [], "configs": {}, "outputs": []}
    sig_bytes = bytearray()
    for name, x in sigs:
        x32 = x.astype("<f4")
        index["signals"].append({"name": name, "offset": len(sig_bytes) // 4, "length": N})
        sig_bytes += x32.tobytes()
    gold = bytearray()
    worst32 = {}
    jobs = [("melspec", f"mel{i}", c, melspec) for i, c in enumerate(MEL_CONFIGS)] + \
           [("mfcc", f"mfcc{i}", c, mfcc) for i, c in enumerate(MFCC_CONFIGS)]
    for kind, cname, cfg, make in jobs:
        full = {k: v for k, v in {**COMMON, **cfg}.items() if k not in ("sample_rate", "power")}
        index["configs"][cname] = dict(kind=kind, **full)
        t64 = make(cfg).to(torch.float64)
        t32 = make(cfg).to(torch.float32)
        for name, x in sigs:
            x32 = torch.from_numpy(x.astype(np.float32))
            ref = t64(x32.to(torch.float64)).numpy().T  # [frames][bins]
            f32 = t32(x32).numpy().T.astype(np.float64)
            worst32[f"{kind}:{cname}:{name}"] = max_rel(f32, ref)
            worst32[f"abs:{kind}:{cname}:{name}"] = \
                float(np.abs(f32 - ref).max() / max(np.abs(ref).max(), 1e-30))
            index["outputs"].append({"signal": name, "kind": kind, "config": cname,
                                     "offset": len(gold) // 4, "shape": list(ref.shape)})
            gold += np.ascontiguousarray(ref).astype("<f4").tobytes()
    # the DCT matrices ([n_mels][n_mfcc], torchaudio's layout) and AmplitudeToDB(power, top_db 80)
    # of the float32-rounded reference mel power of mel0 (what our transform is fed in the test)
    for n_mfcc, n_mels in ((13, 40), (40, 40), (13, 64)):
        d = torchaudio.functional.create_dct(n_mfcc, n_mels, "ortho").numpy()
        index["outputs"].append({"signal": None, "kind": "dct", "config": f"dct{n_mfcc}x{n_mels}",
                                 "offset": len(gold) // 4, "shape": list(d.shape)})
        gold += np.ascontiguousarray(d).astype("<f4").tobytes()
    to_db = torchaudio.transforms.AmplitudeToDB(stype="power", top_db=80.0)
    for o in [o for o in index["outputs"] if o["kind"] == "melspec" and o["config"] == "mel0"]:
        n = o["shape"][0] * o["shape"][1]
        mel = np.frombuffer(bytes(gold[4 * o["offset"]:4 * (o["offset"] + n)]), "<f4").reshape(o["shape"])
        db = to_db(torch.from_numpy(mel.astype(np.float64).T.copy())).numpy().T
        index["outputs"].append({"signal": o["signal"], "kind": "db", "config": "mel0", "top_db": 80.0,
                                 "offset": len(gold) // 4, "shape": list(db.shape)})
        gold += np.ascontiguousarray(db).astype("<f4").tobytes()
    index["torchaudio_float32_vs_float64"] = {
        "melspec_max_rel": max(v for k, v in worst32.items() if k.startswith("melspec")),
        "melspec_max_abs_over_peak": max(v for k, v in worst32.items() if k.startswith("abs:melspec")),
        "mfcc_max_rel": max(v for k, v in worst32.items() if k.startswith("mfcc")),
        "mfcc_max_abs_over_peak": max(v for k, v in worst32.items() if k.startswith("abs:mfcc")),
    }
    index["versions"] = {"torch": torch.__version__, "torchaudio": torchaudio.__version__,
                         "numpy": np.__version__}
    with open(os.path.join(OUT, "signals.f32"), "wb") as f:
        f.write(sig_bytes)
    with open(os.path.join(OUT, "golden.f32"), "wb") as f:
        f.write(gold)
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")
    with open(os.path.join(OUT, "which_set.json"), "w") as f:
        f.write("[\n" + ",\n".join(json.dumps(v, separators=(",", ":"))
                                   for v in which_set_vectors()) + "\n]\n")
    print(json.dumps(index["torchaudio_float32_vs_float64"]))


if __name__ == "__main__":
    main()
