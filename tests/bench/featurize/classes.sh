#!/usr/bin/env bash
# tests/bench/featurize/classes.sh — how featurize's manifest scan grows with the number of
# classes: N manifest lines (default 40000) over K classes each, for several K, timed to the end
# of the scan. The files are not there, so each is skipped at once and no audio is decoded: what
# is left is reading the manifest, finding each line's class, and the checks over all clips. A
# scan that finds a label by a pass over every class grows with N x K; one with a search tree
# stays flat. K stops at 1024, the most classes a corpus may have: one of more is refused once
# its manifest is read, before the checks over its clips. Prints one JSON line:
# {"bench","lines","seconds_by_classes":{K: s}}.
#
# Usage: [BIN=bin] [LINES=40000] [CLASSES="10 100 1024"] bash tests/bench/featurize/classes.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
BIN=${BIN:-$root/bin}
LINES=${LINES:-40000}
CLASSES=${CLASSES:-10 100 1024}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ws-bench-classes.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
[ -x "$BIN/featurize" ] || { echo "bench: no $BIN/featurize (make first, or set BIN)" >&2; exit 2; }
out='{}'
for k in $CLASSES; do
  # line i has class (i * 7919) mod k: classes first seen out of name order
  awk -v n="$LINES" -v k="$k" 'BEGIN { for (i = 0; i < n; i++)
    printf "{\"path\": \"absent/c%d.wav\", \"label\": \"w%06d\", \"split\": \"train\"}\n", i, (i * 7919) % k }' >"$tmp/m.jsonl"
  start=$(date +%s.%N)
  # every file is absent, so the run ends "no audio clips" (exit 2) after the scan
  "$BIN/featurize" -q -o "$tmp/o.feat" "$tmp/m.jsonl" >/dev/null 2>&1 || true
  s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
  out=$(jq -c --arg k "$k" --argjson s "$s" '. + {($k): $s}' <<<"$out")
done
jq -n -c --argjson lines "$LINES" --argjson by "$out" '{bench: "featurize-classes", lines: $lines, seconds_by_classes: $by}'
