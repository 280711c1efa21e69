#!/usr/bin/env bash
# demo-clip.sh — helper of make-demo-corpus.sh: synthesizes the clips listed in one plan chunk.
# Usage: demo-clip.sh OUTDIR CHUNK. Each CHUNK line (tab-separated): path, espeak voice+variant,
# speed (words/min), pitch (0-99), offset (0-1: where the word sits in the spare time of the
# second), level (dBFS peak), text.
set -euo pipefail
out=$1 chunk=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/demo-clip.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
while IFS=$'\t' read -r path voice speed pitch offset level text; do
  espeak-ng -v "$voice" -s "$speed" -p "$pitch" -w "$tmp/a.wav" "$text"
  # trim the synthesizer's leading and trailing silence, at 16 kHz
  sox -R -V1 "$tmp/a.wav" -r 16000 -c 1 "$tmp/b.wav" silence 1 0.02 -45d reverse silence 1 0.02 -45d reverse
  len=$(soxi -D "$tmp/b.wav")
  # longer than 0.96 s: speed it up (pitch kept) so the whole word fits
  fx=$(awk -v l="$len" -v o="$offset" 'BEGIN { if (l > 0.96) { printf "tempo -s %.4f pad %.4f", l / 0.96, o * 0.04 }
                                              else printf "pad %.4f", o * (0.98 - l) + 0.01 }')
  # shellcheck disable=SC2086
  sox -R -V1 "$tmp/b.wav" -r 16000 -b 16 -c 1 "$out/$path" $fx pad 0 1 trim 0 1 norm "$level"
done < "$chunk"
