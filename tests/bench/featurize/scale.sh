#!/usr/bin/env bash
# tests/bench/featurize/scale.sh — how featurize and make's corpus check grow with the corpus, at
# Speech Commands' scale: for each N of SIZES, a folder of N one-second 16 kHz clips over 35
# classes (tones of a pitch each class, and noise; Speech Commands names, speaker_nohash_k.wav)
# made with numpy, featurized on THREADS threads; then the same clips as a JSONL manifest, and
# pipelines/corpus-changed.sh's check of it (make features runs it at every make of a pipeline
# goal); then a corpus with 1 and with NOISE_FILES ten-minute noise files (sparse silent WAVs: no
# disk), whose peaks should differ by little, each stream held one at a time. Each row one JSON
# line: {"bench","what","n","seconds","cpu_seconds","peak_kb"}. Time and CPU seconds should grow
# about linearly in N, the peak hardly at all. Not part of make check (minutes, and GBs of disk
# at the larger sizes: 32 KB a clip).
#
# Usage: [BIN=bin] [SIZES="10000 20000 40000"] [THREADS=2] [NOISE_FILES=8] bash tests/bench/featurize/scale.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
BIN=${BIN:-$root/bin}
SIZES=${SIZES:-10000 20000 40000}
THREADS=${THREADS:-2}
NOISE_FILES=${NOISE_FILES:-8}
PY=${PY:-/usr/bin/python3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ws-bench-scale.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
[ -x "$BIN/featurize" ] || { echo "bench: no $BIN/featurize (make first, or set BIN)" >&2; exit 2; }

# corpus DIR N [NOISE_FILES]: N clips over 35 class folders; NOISE_FILES ten-minute silent noise files
corpus() {
  "$PY" - "$@" <<'P'
import hashlib, os, struct, sys, wave
import numpy as np
out, n = sys.argv[1], int(sys.argv[2])
noise = int(sys.argv[3]) if len(sys.argv) > 3 else 0
rng = np.random.default_rng(1)
t = np.arange(16000) / 16000
for c in range(35):
    os.makedirs(f"{out}/w{c:02d}", exist_ok=True)
for i in range(n):
    c = i % 35
    x = 0.5 * np.sin(2 * np.pi * (200 + 150 * c + rng.uniform(-20, 20)) * t) + 0.05 * rng.standard_normal(16000)
    with wave.open(f"{out}/w{c:02d}/{hashlib.sha1(str(i // 5).encode()).hexdigest()[:8]}_nohash_{i % 5}.wav", "wb") as f:
        f.setnchannels(1); f.setsampwidth(2); f.setframerate(16000)
        f.writeframes((np.clip(x, -1, 1) * 32000).astype("<i2").tobytes())
if noise:
    os.makedirs(f"{out}/_background_noise_", exist_ok=True)
for k in range(noise):
    data = 16000 * 600 * 2
    head = (b"RIFF" + struct.pack("<I", 36 + data) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
            + b"data" + struct.pack("<I", data))
    with open(f"{out}/_background_noise_/n{k}.wav", "wb") as f:
        f.write(head)
        f.truncate(len(head) + data)
P
}
# timed WHAT N COMMAND...: one JSON row for COMMAND's wall and CPU seconds and peak RSS
timed() {
  local what=$1 n=$2; shift 2
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" >/dev/null
  read -r wall user sys kb <"$tmp/t"
  jq -n -c --arg what "$what" --argjson n "$n" --argjson s "$wall" --argjson cpu "$(awk -v a="$user" -v b="$sys" 'BEGIN { print a + b }')" \
    --argjson kb "$kb" '{bench: "featurize-scale", what: $what, n: $n, seconds: $s, cpu_seconds: $cpu, peak_kb: $kb}'
}
for n in $SIZES; do
  corpus "$tmp/c" "$n"
  timed "featurize folder" "$n" "$BIN/featurize" -q -j "$THREADS" -o "$tmp/c.feat" "$tmp/c"
  (cd "$tmp/c" && find . -mindepth 2 -name '*.wav' | sed 's|^\./||' | LC_ALL=C sort) |
    jq -R -c '{path: ., label: (split("/")[0])}' >"$tmp/c/m.jsonl"
  timed "featurize manifest" "$n" "$BIN/featurize" -q -j "$THREADS" -o "$tmp/m.feat" "$tmp/c/m.jsonl"
  timed "make's manifest check" "$n" bash "$root/pipelines/corpus-changed.sh" "$tmp/m.feat" "$tmp/c/m.jsonl" \
    "$root/configs/features/default.json"
  rm -rf "$tmp/c" "$tmp/c.feat" "$tmp/m.feat"
done
for k in 1 "$NOISE_FILES"; do
  corpus "$tmp/n" 70 "$k"
  timed "featurize, ten-minute noise files" "$k" "$BIN/featurize" -q -j "$THREADS" -o "$tmp/n.feat" "$tmp/n"
  rm -rf "$tmp/n" "$tmp/n.feat"
done
