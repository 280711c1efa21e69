#!/usr/bin/env python3
"""make_audio_settings_golden.py — golden mel power for feature settings that
make_audio_golden.py leaves at their defaults (n_fft, win_length, hop_length, sample_rate, tiny
windows, empty filters), made with torchaudio (never with our code). Run from the repository root
with Debian's Python:

    /usr/bin/python3 tests/ref/make_audio_settings_golden.py

Reads the test signals of tests/ref/audio/signals.f32 (via index.json) and writes
tests/ref/audio/settings.f32 (float32 little-endian, time-major [frames][n_mels], as the feature
cache) and tests/ref/audio/settings.json: the configs (a featurize --config object each: our keys
are torchaudio's names) and the outputs (signal, config, offset, shape). The reference runs in
float64 (torch's default dtype set to float64), the values are rounded to float32.
"""
import json
import os

import numpy as np
import torch
import torchaudio

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "audio")
SIGNALS = ("tone", "chirp", "noise")

# featurize --config objects; absent keys are configs/features/default.json's
DEFAULTS = dict(sample_rate=16000, n_fft=512, win_length=400, hop_length=160, n_mels=40, f_min=20.0,
                f_max=7600.0, mel_scale="htk", norm=None, center=True, pad_mode="reflect")
CONFIGS = {
    "win1": dict(win_length=1),                                   # torch.hann_window(1) is [1]
    "win2": dict(n_fft=4, win_length=2, hop_length=3, n_mels=2, f_min=0.0, f_max=None),
    "win401": dict(win_length=401, hop_length=123),               # odd (n_fft - win) / 2 offset
    "nfft400_nocenter": dict(n_fft=400, hop_length=97, center=False, mel_scale="slaney", norm="slaney"),
    "nfft514_win300_const": dict(n_fft=514, win_length=300, hop_length=170, pad_mode="constant"),
    "empty_filters": dict(n_fft=128, win_length=128, hop_length=64, n_mels=64, f_min=0.0, f_max=None),
    "sr22050": dict(sample_rate=22050, n_fft=1024, win_length=1024, hop_length=256, n_mels=80,
                    f_min=0.0, f_max=None, mel_scale="slaney"),
    "sr8000_hop_gt_nfft": dict(sample_rate=8000, n_fft=256, win_length=200, hop_length=300, n_mels=32,
                               f_min=0.0, f_max=None),
    # an odd sample rate: f_max null is sample_rate // 2 (5512 Hz), and f_max may be the true
    # Nyquist frequency, 5512.5 Hz (torchaudio takes it; featurize once refused it as "above 5512")
    "sr11025_fmax_null": dict(sample_rate=11025, n_fft=256, win_length=256, hop_length=110, n_mels=40,
                              f_min=0.0, f_max=None),
    "sr11025_fmax_nyquist": dict(sample_rate=11025, n_fft=256, win_length=256, hop_length=110, n_mels=40,
                                 f_min=0.0, f_max=5512.5, mel_scale="slaney", norm="slaney"),
}


def main():
    torch.set_default_dtype(torch.float64)
    index = json.load(open(os.path.join(OUT, "index.json")))
    raw = np.fromfile(os.path.join(OUT, "signals.f32"), "<f4")
    sigs = {s["name"]: raw[s["offset"]:s["offset"] + s["length"]] for s in index["signals"]}
    out = {"configs": CONFIGS, "outputs": []}
    gold = bytearray()
    for cname, cfg in CONFIGS.items():
        full = {**DEFAULTS, **cfg}
        if full["f_max"] is None:
            full["f_max"] = float(full["sample_rate"] // 2)
        t = torchaudio.transforms.MelSpectrogram(power=2.0, **full).to(torch.float64)
        for name in SIGNALS:
            ref = t(torch.from_numpy(sigs[name].astype(np.float64))).numpy().T  # [frames][n_mels]
            out["outputs"].append({"signal": name, "config": cname, "offset": len(gold) // 4,
                                   "shape": list(ref.shape)})
            gold += np.ascontiguousarray(ref).astype("<f4").tobytes()
    out["versions"] = {"torch": torch.__version__, "torchaudio": torchaudio.__version__}
    with open(os.path.join(OUT, "settings.f32"), "wb") as f:
        f.write(gold)
    with open(os.path.join(OUT, "settings.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
