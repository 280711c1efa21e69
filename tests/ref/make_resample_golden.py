#!/usr/bin/env python3
"""make_resample_golden.py — golden files for t2070 (featurize on clips at other rates than the
16 kHz of its settings), made with torchaudio (the independent reference; never with our code).
Run from the repository root with Debian's Python:

    /usr/bin/python3 tests/ref/make_resample_golden.py

Writes tests/ref/audio/resample/:
  NAME_RATE.wav  the test clips, 16-bit PCM mono, written here with Python's wave module
                 (deterministic: no dither, as sox would add): a 1 kHz tone and a buzz (a 140 Hz
                 harmonic series up to 80 % of the lower of the clip's and 16 kHz's Nyquist
                 frequency, so within both resamplers' passbands), at 8000, 22050, 44100 and 48000
                 Hz, 0.3 s and one sample, so that n x 16000 / rate is not a whole number for the
                 three downsampled rates (libsamplerate's converter then stops one sample short of
                 torchaudio's length). Both start and stop abruptly: the edges are what is checked.
                 And hf_44100.wav, a 7.4 kHz tone at 44.1 kHz: above libsamplerate's passband (90 %
                 of 8 kHz), within torchaudio's (rolloff 0.99), for the difference featurize(1) gives.
  golden.f32     mel power, float32 little-endian, time-major [frames][n_mels] (the cache's layout)
  index.json     the settings (as featurize's --config JSON), the clips (file, rate, samples, and the
                 samples after torchaudio's resample: ceil(n x 16000 / rate)), and the outputs (clip,
                 setting, offset in floats, shape)

The reference: torchaudio.load, torchaudio.functional.resample(x, rate, 16000) (its defaults: a
Hann-windowed sinc, lowpass_filter_width 6, rolloff 0.99), then zero-padded or cropped at its end
to clip_seconds x 16000 samples (featurize's pad/crop), then MelSpectrogram with the settings, all
in float64; stored rounded to float32.
"""
import json
import math
import os
import wave

import numpy as np
import torch
import torchaudio

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "audio", "resample")
SR = 16000
RATES = (8000, 22050, 44100, 48000)
MEL = dict(n_fft=512, win_length=400, hop_length=160, f_min=20.0, f_max=7600.0, n_mels=40,
           mel_scale="htk", norm=None, center=True, pad_mode="reflect", power=2.0)
# clip_seconds 0.4: every clip ends inside the window (zeros after it, as featurize pads);
# clip_seconds 0.2: every clip is cropped, and featurize reads only 50 ms beyond the crop
SETTINGS = {"padded": 0.4, "cropped": 0.2}


def clip(kind, rate):
    n = int(0.3 * rate) + 1
    t = np.arange(n) / rate
    if kind == "tone":
        return 0.5 * np.sin(2 * np.pi * 1000 * t + 0.4)
    if kind == "hf":
        return 0.5 * np.sin(2 * np.pi * 7400 * t + 0.4)
    top = 0.8 * min(rate, SR) / 2
    k = np.arange(1, int(top // 140) + 1)
    x = (np.sin(2 * np.pi * 140 * np.outer(t, k) + 0.7 * k) / k).sum(1)
    return 0.6 * x / np.abs(x).max()


def write_wav(path, x, rate):
    q = np.clip(np.round(x * 32768), -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(q.tobytes())


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_default_dtype(torch.float64)
    mel = torchaudio.transforms.MelSpectrogram(sample_rate=SR, **MEL).to(torch.float64)
    index = {"sample_rate": SR, "settings": {}, "clips": [], "outputs": [],
             "reference": "torchaudio %s: load, functional.resample(x, rate, 16000), pad/crop, "
                          "MelSpectrogram, float64" % torchaudio.__version__}
    for name, seconds in SETTINGS.items():
        index["settings"][name] = {k: v for k, v in MEL.items() if k not in ("power",)}
        index["settings"][name].update(sample_rate=SR, clip_seconds=seconds)
    gold = bytearray()
    for kind, rates in (("tone", RATES), ("buzz", RATES), ("hf", (44100,))):
        for rate in rates:
            file = f"{kind}_{rate}.wav"
            write_wav(os.path.join(OUT, file), clip(kind, rate), rate)
            x, sr = torchaudio.load(os.path.join(OUT, file))
            assert sr == rate
            y = torchaudio.functional.resample(x[0].to(torch.float64), rate, SR)
            n = x.shape[1]
            assert y.shape[0] == math.ceil(n * SR / rate)
            index["clips"].append({"file": file, "rate": rate, "samples": n, "resampled": y.shape[0]})
            for name, seconds in SETTINGS.items():
                want = round(seconds * SR)
                z = torch.nn.functional.pad(y, (0, max(0, want - y.shape[0])))[:want]
                ref = mel(z).T.numpy()
                index["outputs"].append({"clip": file, "settings": name, "offset": len(gold) // 4,
                                         "shape": list(ref.shape)})
                gold += ref.astype("<f4").tobytes()
    with open(os.path.join(OUT, "golden.f32"), "wb") as f:
        f.write(gold)
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
