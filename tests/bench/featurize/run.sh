#!/usr/bin/env bash
# tests/bench/featurize/run.sh — featurize's speed in clips per second on 1 and 2 threads, next to
# torchaudio on 1 thread (torchaudio.load + MelSpectrogram, float32, the same settings), in the
# same run on the same clips: one manifest (clips.jsonl) lists them for both, so the background
# noise files, which featurize would also cache from a corpus folder, are left out of both.
# Each figure is the best of REPEAT runs. Prints one JSON line with
# wall-clock rates and, for the per-thread comparison, rates per CPU second (user + system), which
# other load on a shared machine disturbs less. kissfft_only: the FFTs a clip needs, timed alone
# (fft_ceiling.c: kissfft's SIMD build as featurize calls it, and Debian's scalar build beside
# it): the most clips per second per thread kissfft allows, next to torchaudio's.
#
# Usage: [BIN=bin] [BUILD=build] [DATA=data/demo] [REPEAT=2] bash tests/bench/featurize/run.sh
#   BUILD: the build tree whose libwakesweep.a fft_ceiling.c links (the FFT timed alone).
#   DATA: a Speech Commands folder (default data/demo when it exists; otherwise 1000 clips are
#   made with sox in a temporary folder). Needs Debian's /usr/bin/python3 with torchaudio.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
BIN=${BIN:-$root/bin}
REPEAT=${REPEAT:-2}
PY=${PY:-/usr/bin/python3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ws-bench-featurize.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
[ -x "$BIN/featurize" ] || { echo "bench: no $BIN/featurize (make first, or set BIN)" >&2; exit 2; }

DATA=${DATA:-}
if [ -z "$DATA" ] && [ -f "$root/data/demo/.complete" ]; then DATA=$root/data/demo; fi
if [ -z "$DATA" ]; then
  DATA=$tmp/corpus
  for c in a b c d; do mkdir -p "$DATA/$c"; done
  seq 0 999 | xargs -P 2 -I{} bash -c 'c=$(echo a b c d | cut -d" " -f$(({} % 4 + 1)));
    sox -R -n -r 16000 -b 16 -c 1 "$0/$c/s{}_nohash_0.wav" synth 1 sine $((200 + {})) whitenoise vol 0.2' "$DATA"
fi

# The clips both sides decode: every .wav/.flac one folder down, outside _background_noise_.
(cd "$DATA" && find . -mindepth 2 -maxdepth 2 -type f \( -iname '*.wav' -o -iname '*.flac' \) ! -path './_*' | sort) |
  jq -R -c --arg root "$DATA" '{path: ($root + "/" + .[2:]), label: (.[2:] | split("/")[0])}' >"$tmp/clips.jsonl"

best_featurize() {  # threads -> "best wall seconds" "best CPU seconds"
  local best='' cbest='' cpu
  for _ in $(seq "$REPEAT"); do
    cpu=$( { TIMEFORMAT='%U %S'; time "$BIN/featurize" -q --threads "$1" --out "$tmp/b.feat" "$tmp/clips.jsonl" >"$tmp/s.json"; } 2>&1 | awk '{ print $1 + $2 }')
    s=$(jq .seconds "$tmp/s.json")
    best=$(awk -v a="${best:-1e9}" -v b="$s" 'BEGIN { print (b < a) ? b : a }')
    cbest=$(awk -v a="${cbest:-1e9}" -v b="$cpu" 'BEGIN { print (b < a) ? b : a }')
  done
  echo "$best $cbest"
}
read -r t1 c1 <<<"$(best_featurize 1)"
read -r t2 c2 <<<"$(best_featurize 2)"
clips=$(jq .clips "$tmp/s.json")

torch_s=$(OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 REPEAT=$REPEAT "$PY" - "$tmp/clips.jsonl" <<'P'
import json, os, sys, time
import torch, torchaudio
torch.set_num_threads(1)  # and OMP_NUM_THREADS=1: else an OpenMP thread spins beside it
files = [json.loads(line)["path"] for line in open(sys.argv[1])]
mel = torchaudio.transforms.MelSpectrogram(sample_rate=16000, n_fft=512, win_length=400, hop_length=160,
                                           f_min=20.0, f_max=7600.0, n_mels=40)
out = torch.empty(len(files), 40, 101)
def run():
    t, c = time.perf_counter(), time.process_time()
    for i, f in enumerate(files):
        x, sr = torchaudio.load(f)
        x = x.mean(0)
        if sr != 16000:
            x = torchaudio.functional.resample(x, sr, 16000)
        x = torch.nn.functional.pad(x, (0, max(0, 16000 - x.shape[0])))[:16000]
        out[i] = mel(x)
    return time.perf_counter() - t, time.process_time() - c
run()  # warm-up: the file cache, torch's first calls
runs = [run() for _ in range(int(os.environ["REPEAT"]))]
print(min(r[0] for r in runs), min(r[1] for r in runs), len(files))
P
)
read -r tt tc tclips <<<"$torch_s"
# The FFT alone (audio_fft4_power, as featurize calls it, n_fft and frames of the cache): the
# ceiling of clips per second per thread that kissfft leaves, however little the rest costs.
BUILD=${BUILD:-$root/build}
[ -f "$BUILD/libwakesweep.a" ] || { echo "bench: no $BUILD/libwakesweep.a (make first, or set BUILD)" >&2; exit 2; }
cc -O2 -I"$root/lib" -o "$tmp/fft_ceiling" "$root/tests/bench/featurize/fft_ceiling.c" "$BUILD/libwakesweep.a" \
  -lkissfft-float -lm
fft=$("$tmp/fft_ceiling" "$(jq .n_fft "$root/configs/features/default.json")" "$(jq .frames "$tmp/s.json")")
jq -n -c --argjson clips "$clips" --argjson tclips "$tclips" --argjson t1 "$t1" --argjson t2 "$t2" --argjson tt "$tt" \
  --argjson c1 "$c1" --argjson c2 "$c2" --argjson tc "$tc" --arg data "$DATA" --arg load "$(cut -d" " -f1 /proc/loadavg)" \
  --argjson fft "$fft" \
  '{bench: "featurize", data: $data, clips: $clips, load_average: ($load | tonumber),
  featurize_1_thread_clips_per_s: ($clips / $t1 | floor), featurize_2_threads_clips_per_s: ($clips / $t2 | floor),
  torchaudio_1_thread_clips_per_s: ($tclips / $tt | floor),
  ratio_1_thread: ($clips / $t1 / ($tclips / $tt) * 100 | round / 100),
  ratio_2_threads_per_thread: ($clips / $t2 / 2 / ($tclips / $tt) * 100 | round / 100),
  per_cpu_second: {featurize_1_thread: ($clips / $c1 | floor), featurize_2_threads: ($clips / $c2 | floor),
                   torchaudio: ($tclips / $tc | floor), ratio_1_thread: ($clips / $c1 / ($tclips / $tc) * 100 | round / 100)},
  kissfft_only: {fft: $fft.fft, us_per_fft: $fft.us_per_fft, us_per_fft_debian_scalar: $fft.us_per_fft_scalar,
                 frames_per_clip: $fft.frames,
                 ceiling_clips_per_s: $fft.ceiling_clips_per_s,
                 ceiling_ratio_to_torchaudio: ($fft.ceiling_clips_per_s / ($tclips / $tt) * 100 | round / 100)}}'
