#!/usr/bin/env bash
# featurize on clips at 8, 22.05, 44.1 and 48 kHz with 16 kHz settings, against torchaudio
# (functional.resample to 16 kHz, pad/crop, MelSpectrogram, float64: tests/ref/audio/resample,
# made by tests/ref/make_resample_golden.py). A 1 kHz tone and a 140 Hz buzz whose harmonics stay
# within 80 % of the lower Nyquist frequency, 0.3 s and a sample, starting and stopping abruptly;
# once padded to 0.4 s (the clip ends inside the window) and once cropped to 0.2 s.
#
# libsamplerate (SRC_SINC_MEDIUM_QUALITY) and torchaudio's resample are different filters, so the
# values differ everywhere a little. Measured (frame error: sum |ours - torchaudio| / sum
# torchaudio over the 40 bands of a frame; band error: |ours - torchaudio| / torchaudio):
#   frames away from the clip's edges: frame error at most 8.9e-4 (the tone's 8e-4 is the two
#     filters' gain at 1 kHz, 4e-4 apart in amplitude); band error, for bands within 30 dB of the
#     clip's peak and centred below 70 % of the lower Nyquist frequency, at most 1.4e-2
#   the first two frames (their windows hold the filters' start-up): frame error at most 1.2e-3
#   the frames whose windows come within 40 samples of the end of a padded clip: at most 7.6e-3
#     (8 kHz: the filters' ringing after the last sample); 3.3e-3 taken down from the others
#   the end of a cropped clip is no edge (featurize reads 50 ms past the crop): as the interior
# And what featurize(1) says of a 7.4 kHz tone taken down from 44.1 kHz (hf_44100): above
# libsamplerate's passband (90 % of 8 kHz), so the band at 7.1 kHz holds 4.6 dB less than
# torchaudio's; checked to lie between 3.5 and 6 dB less.
# Tolerances: about twice those. The end frames failed before libsamplerate's last sample was
# made (it stopped one short of torchaudio's ceil(n x 16000 / rate) and a zero stood in): frame
# errors 1.4e-2 to 1.7e-1 for the six clips taken down to 16 kHz, padded.
. "$WS_ROOT/tests/cli/lib.sh"
need_python numpy-for-parity numpy
ref=$WS_ROOT/tests/ref/audio/resample
clips=$(jq '.clips | length' "$ref/index.json")

: >m.jsonl
for c in $(jq -r '.clips[].file' "$ref/index.json"); do
  printf '{"path": "%s", "label": "%s", "split": "train"}\n' "$ref/$c" "${c%%_*}" >>m.jsonl
done
for s in padded cropped; do
  jq ".settings.$s" "$ref/index.json" >$s.json
  test_expect_code 0 "featurize, $s" featurize -q -c $s.json -o $s.feat m.jsonl
  test_expect_success "... every clip, none skipped" 'jq -e ".clips == $clips and .skipped == 0" out >/dev/null'
  for i in $(seq 0 $((clips - 1))); do featurize --dump $s.feat --clip $i >d.json 2>/dev/null && mv d.json "$s.$(jq -r '.path | split("/") | last' d.json).json"; done
done

cat >parity.py <<'P'
import json, sys
import numpy as np
ref, setting, clip = sys.argv[1:]
idx = json.load(open(ref + "/index.json"))
cfg = idx["settings"][setting]
c = next(c for c in idx["clips"] if c["file"] == clip)
o = next(o for o in idx["outputs"] if o["clip"] == clip and o["settings"] == setting)
gold = np.fromfile(ref + "/golden.f32", dtype="<f4", count=o["shape"][0] * o["shape"][1],
                   offset=4 * o["offset"]).astype(np.float64).reshape(o["shape"])
ours = np.array(json.load(open(f"{setting}.{clip}.json"))["mel_power"], dtype=np.float64)
assert ours.shape == gold.shape, f"shape {ours.shape}, torchaudio's {gold.shape}"
clip_n = round(cfg["clip_seconds"] * idx["sample_rate"])
n = min(c["resampled"], clip_n)                   # where the signal ends in the window
hop, half = cfg["hop_length"], cfg["win_length"] // 2
frame_err = np.abs(ours - gold).sum(1) / np.maximum(gold.sum(1), 1e-300)   # 0 past a padded clip
start = [0, 1]
end = [t for t in range(len(gold)) if abs(t * hop - n) < half + 40] if c["resampled"] < clip_n else []
inner = [t for t in range(len(gold)) if t not in start + end and t * hop - half < n]
# bands within 30 dB of the clip's peak, centred below 70 % of the lower Nyquist frequency (htk)
mel = lambda f: 2595 * np.log10(1 + f / 700)
centre = 700 * (10 ** (np.linspace(mel(cfg["f_min"]), mel(cfg["f_max"]), cfg["n_mels"] + 2)[1:-1] / 2595) - 1)
if clip.startswith("hf_"):
    # featurize(1)'s figure: the top band, over the frames away from the edges
    db = 10 * np.log10(ours[inner, -1].sum() / gold[inner, -1].sum())
    print(f"# {setting} {clip}: band at {centre[-1]:.0f} Hz {db:+.2f} dB")
    assert -6 <= db <= -3.5, ("7.4 kHz tone, top band, dB", db)
    sys.exit(0)
band = centre < 0.7 * min(c["rate"], idx["sample_rate"]) / 2
g, u = gold[inner][:, band], ours[inner][:, band]
strong = g > 1e-3 * gold.max()
band_err = (np.abs(u - g)[strong] / g[strong]).max()
worst_end = frame_err[end].max() if end else 0.0
print(f"# {setting} {clip}: interior frame {frame_err[inner].max():.2e} band {band_err:.2e}, "
      f"first two {frame_err[start].max():.2e}, end frames {end} {worst_end:.2e}")
assert frame_err[inner].max() <= 2e-3, ("interior frames", frame_err[inner].max())
assert band_err <= 3e-2, ("interior bands", band_err)
assert frame_err[start].max() <= 3e-3, ("first frames", frame_err[start])
assert worst_end <= 1.5e-2, ("end frames", {t: frame_err[t] for t in end})
P
for s in padded cropped; do
  for c in $(jq -r '.clips[].file' "$ref/index.json"); do
    test_expect_success "$s ${c%.wav}: torchaudio's mel power" "\"\$PY\" parity.py '$ref' $s $c"
  done
done
